/**
 * The Common Log Format scanner reads the usual line shape through a fast path
 * (scanSimpleClfLine) and everything else through the general scanner. The fast path may
 * decline any line, but a line it reads must give exactly the general scanner's record:
 * checked on every line of the repository's logs, the generated benchmark log, the corpora
 * in ../shared (when present) and seeded mutations of all of them.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { scanGeneralClfLine, scanSimpleClfLine } from '../../packages/core/src/formats/clf-scanner';
import { generateLog } from '../../bench/generate-log';
import { CORPORA, FIXTURES, REPO_ROOT } from '../helpers';
import { seededRandom } from '../helpers/seeded-random';

const CORPUS_FILES = [
  'tstack-lnav/test/logfile_access_log.0',
  'tstack-lnav/test/logfile_access_log.1',
  'tstack-lnav/test/logfile_bad_access_log.0',
  'tstack-lnav/test/logfile_shop_access_log.0',
  'log2timeline-plaso/test_data/apache_access.log',
  'elastic-integrations/packages/apache/data_stream/access/_dev/test/pipeline/test-access-basic.log',
  'elastic-examples/Common Data Formats/apache_logs/apache_logs',
  'nielsbasjes-logparser/examples/demolog/hackers-access.log',
  'thekrakken-java-grok/src/test/resources/access_log',
  'thekrakken-java-grok/src/test/resources/NASA_access_log_Jul95.first200000lines.log',
];

function logFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return logFilesUnder(path);
    return /\.log(\.\d+)?(\.gz)?$/.test(name) ? [path] : [];
  });
}

function linesOf(path: string): string[] {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split(/\r?\n/);
}

/** Compare the two scanners on one line; returns whether the fast path read it. */
function checkLine(line: string): boolean {
  const fast = scanSimpleClfLine(line);
  if (fast === null) return false;
  assert.deepStrictEqual(fast, scanGeneralClfLine(line), `fast and general scanners differ on ${JSON.stringify(line)}`);
  return true;
}

const MUTATION_CHARACTERS = [' ', '  ', '"', '\\', '\\"', '[', ']', ',', '-', '0', '9', 'x', ':', '\t', '\u00e9', ' "', '" ', '\\x22'];

/** A line with a few random insertions, deletions or replacements. */
function mutate(line: string, random: () => number): string {
  let text = line;
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (text.length + 1));
    const piece = MUTATION_CHARACTERS[Math.floor(random() * MUTATION_CHARACTERS.length)]!;
    const kind = random();
    if (kind < 0.4) text = text.slice(0, at) + piece + text.slice(at);
    else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1);
    else text = text.slice(0, at) + piece + text.slice(at + piece.length);
  }
  return text;
}

describe('CLF scanner fast path', () => {
  const sample: string[] = [];

  it('reads the generated benchmark log exactly as the general scanner does', async () => {
    let text = '';
    await generateLog(20_000, 7, async (chunk) => {
      text += chunk;
    });
    const lines = text.split('\n').filter((line) => line !== '');
    const fast = lines.filter(checkLine).length;
    // The benchmark's user agents with escaped quotes go the general way; the rest is fast.
    assert.ok(fast > lines.length * 0.9, `fast path read ${fast} of ${lines.length} generated lines`);
    assert.ok(fast < lines.length, 'lines with escaped quotes are left to the general scanner');
    sample.push(...lines.slice(0, 2000));
  });

  it('agrees with the general scanner on every line of the repository logs', () => {
    const files = [...logFilesUnder(FIXTURES), ...logFilesUnder(join(REPO_ROOT, 'examples'))];
    let fast = 0;
    let total = 0;
    for (const file of files) {
      for (const line of linesOf(file)) {
        total++;
        if (checkLine(line)) fast++;
      }
      sample.push(...linesOf(file).slice(0, 200));
    }
    assert.ok(fast > 100, `fast path read ${fast} of ${total} lines`);
  });

  it('agrees with the general scanner on the corpora logs', function () {
    const present = CORPUS_FILES.map((file) => join(CORPORA, file)).filter((path) => existsSync(path));
    if (present.length === 0) {
      console.log(`    skipped: no corpora at ${CORPORA}`);
      return this.skip();
    }
    for (const path of present) {
      const lines = linesOf(path);
      const fast = lines.filter(checkLine).length;
      console.log(`    ${path.slice(CORPORA.length + 1)}: fast path read ${fast} of ${lines.length} lines`);
      sample.push(...lines.slice(0, 500));
    }
  });

  it('agrees with the general scanner on 60,000 seeded mutations of those lines', () => {
    const random = seededRandom(20261122);
    let fast = 0;
    for (let i = 0; i < 60_000; i++) {
      if (checkLine(mutate(sample[Math.floor(random() * sample.length)]!, random))) fast++;
    }
    assert.ok(fast > 1000, `mutations the fast path still read: ${fast}`);
  });
});
