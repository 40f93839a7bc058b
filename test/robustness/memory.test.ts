/**
 * Resource use: ingest streams, so its memory does not grow with the size of a line or of a
 * file, only with distinct strings. The CLI runs in a child process that reports its peak RSS
 * (process.resourceUsage().maxRSS, worker threads included); each run is compared with a
 * baseline run on a tiny file, so the bounds do not depend on the machine.
 *
 * Why the inputs are large: V8 frees the 1 MiB read buffers lazily (it lets about 64 MiB of
 * external memory build up before collecting), so any streaming run peaks some 30-75 MiB
 * over the baseline whatever its size. Only an input well above that shows the difference
 * between streaming and holding the input: holding a 200 MiB line would add 200 MiB or more.
 * The many-lines run (256 MiB) is slow, so it runs with LOGWITNESS_SLOW_TESTS=1.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers';
import { checkCaseAccounting, clfTime, writeBytes } from './robustness-helpers';

const PROBE = join(__dirname, 'rss-probe.js');
const MiB = 1024 * 1024;

function peakRssOfIngest(args: readonly string[]): { code: number; maxRssBytes: number; stderr: string } {
  const result = spawnSync(process.execPath, [PROBE, 'ingest', ...args, '--json'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, LOGWITNESS_CASE: '' }, maxBuffer: 64 * MiB });
  const report = /RSS_PROBE (\{.*\})/.exec(result.stderr);
  assert.ok(report, `the probe reported its peak RSS: ${result.stderr}`);
  return { ...(JSON.parse(report[1]!) as { code: number; maxRssBytes: number }), stderr: result.stderr };
}

/** Write `total` bytes of one line in 1 MiB pieces, between two normal lines. */
function writeHugeLine(path: string, totalBytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const good = (n: number): string => `192.0.2.${n} - - [${clfTime(Date.UTC(2026, 10, 21, 10, n))}] "GET /n${n} HTTP/1.1" 200 ${n} "-" "ua"\n`;
    writeSync(fd, good(1));
    const piece = Buffer.alloc(MiB, 'x');
    for (let written = 0; written < totalBytes; written += MiB) writeSync(fd, piece, 0, Math.min(MiB, totalBytes - written));
    writeSync(fd, '\n' + good(2));
  } finally {
    closeSync(fd);
  }
}

/** `lineCount` lines of about 4 KB each (one long user agent, few distinct addresses): many bytes, few distinct strings. */
function writeWideLog(path: string, lineCount: number): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const agent = `Mozilla/5.0 (compatible; Scanner/1.0; ${'+padding'.repeat(500)})`;
    let chunk: string[] = [];
    for (let i = 0; i < lineCount; i++) {
      chunk.push(`198.51.100.${i % 50} - - [${clfTime(Date.UTC(2026, 10, 21) + i * 1000)}] "GET /files/${i % 20}.pdf HTTP/1.1" 200 ${i} "-" "${agent}"\n`);
      if (chunk.length === 500 || i === lineCount - 1) {
        const text = chunk.join('');
        bytes += Buffer.byteLength(text);
        writeSync(fd, text);
        chunk = [];
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

describe('robustness: bounded memory', function () {
  this.timeout(180_000);
  let dir: string;
  let baselineBytes: number;

  before(function () {
    dir = tempDir('logwitness-memory-');
    const tiny = writeBytes(join(dir, 'tiny.log'), `192.0.2.1 - - [${clfTime(Date.UTC(2026, 10, 21))}] "GET / HTTP/1.1" 200 1 "-" "ua"\n`);
    const baseline = peakRssOfIngest([tiny, '--case', join(dir, 'baseline.sqlite')]);
    assert.equal(baseline.code, 0, baseline.stderr);
    baselineBytes = baseline.maxRssBytes;
  });

  it('a single 200 MiB line is rejected with its size, without holding it in memory', function () {
    const path = join(dir, 'one-huge-line.log');
    writeHugeLine(path, 200 * MiB);
    const casePath = join(dir, 'huge-line.sqlite');
    const run = peakRssOfIngest([path, '--case', casePath]);
    assert.equal(run.code, 0, run.stderr);
    const [source] = checkCaseAccounting(casePath);
    assert.deepEqual([source!.lines, source!.parsed, source!.rejected], [3, 2, 1]);
    const growthMiB = (run.maxRssBytes - baselineBytes) / MiB;
    console.log(`      (peak RSS ${(run.maxRssBytes / MiB).toFixed(0)} MiB, ${growthMiB.toFixed(0)} MiB over the ${(baselineBytes / MiB).toFixed(0)} MiB baseline, for a 200 MiB line)`);
    assert.ok(growthMiB < 128, `peak RSS grew by ${growthMiB.toFixed(1)} MiB for a 200 MiB line: it must stream, not hold the line`);
  });

  it('a 256 MiB log of few distinct strings is ingested in memory far below its size (LOGWITNESS_SLOW_TESTS=1)', function () {
    if (process.env.LOGWITNESS_SLOW_TESTS !== '1') {
      console.log('      (skipped: slow; run with LOGWITNESS_SLOW_TESTS=1)');
      return this.skip();
    }
    const path = join(dir, 'wide.log');
    const bytes = writeWideLog(path, 64_000);
    const casePath = join(dir, 'wide.sqlite');
    const run = peakRssOfIngest([path, '--case', casePath]);
    assert.equal(run.code, 0, run.stderr);
    const [source] = checkCaseAccounting(casePath);
    assert.equal(source!.parsed, 64_000);
    const growthMiB = (run.maxRssBytes - baselineBytes) / MiB;
    console.log(`      (peak RSS ${(run.maxRssBytes / MiB).toFixed(0)} MiB, ${growthMiB.toFixed(0)} MiB over the baseline, for ${(bytes / MiB).toFixed(0)} MiB of log)`);
    assert.ok(growthMiB < (bytes / MiB) / 2, `peak RSS grew by ${growthMiB.toFixed(1)} MiB for ${(bytes / MiB).toFixed(0)} MiB of input`);
  });
});
