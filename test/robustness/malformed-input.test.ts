/**
 * Malformed input: the hostile fixture, empty files, over-long lines, damaged .gz files and
 * a file that changes while it is read. For every case the accounting holds (see
 * checkCaseAccounting) and the stored raw bytes are exactly the input's.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, gzipSync } from 'node:zlib';
import { CaseStore, ingestPaths } from '@logwitness/core';
import { runCli, tempDir } from '../helpers';
import { buildHostileLog, HOSTILE_LINES, HOSTILE_LOG_PATH } from '../fixtures/hostile/hostile-lines';
import { checkCaseAccounting, runCliInProcess, sha256OfFile, storedRawBytes, withCase, writeBytes, writeGeneratedLog } from './robustness-helpers';

function linesWhere(expect: string): number[] {
  return HOSTILE_LINES.flatMap((line, i) => (line.expect === expect ? [i + 1] : []));
}

async function ingestInto(casePath: string, paths: string[]) {
  const store = CaseStore.open(casePath);
  try {
    return await ingestPaths(store, paths);
  } finally {
    store.close();
  }
}

/** What a streaming gunzip yields from a damaged file before it fails (what `zcat` would print). */
async function readableGzipPrefix(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Small output chunks: zlib drops the output of the call that meets the damage, so this
  // loses less than 1 KiB of what is readable.
  const gunzip = createGunzip({ chunkSize: 1024 });
  gunzip.end(readFileSync(path));
  try {
    for await (const chunk of gunzip) parts.push(chunk as Buffer);
  } catch {
    // the damage: stop here
  }
  return Buffer.concat(parts);
}

describe('robustness: malformed input', function () {
  it('the committed hostile log is what hostile-lines.ts builds', function () {
    assert.ok(buildHostileLog().equals(readFileSync(HOSTILE_LOG_PATH)), 'regenerate with: npx tsx test/fixtures/hostile/hostile-lines.ts');
  });

  it('accounts for every hostile line, keeps its exact bytes, and decodes invalid UTF-8 with U+FFFD', async function () {
    const casePath = join(tempDir(), 'case.sqlite');
    const result = await ingestInto(casePath, [HOSTILE_LOG_PATH]);
    const file = result.files[0]!;
    assert.equal(file.status, 'complete');
    assert.equal(file.lines, HOSTILE_LINES.length);
    assert.equal(file.parsed, linesWhere('parsed').length);
    assert.equal(file.rejected, linesWhere('rejected').length);
    assert.equal(file.blank, linesWhere('blank').length);
    const [source] = checkCaseAccounting(casePath);
    assert.equal(source!.sha256, sha256OfFile(HOSTILE_LOG_PATH));
    assert.ok(storedRawBytes(casePath, source!.id).equals(readFileSync(HOSTILE_LOG_PATH)), 'raw_blocks hold the file byte for byte');
    withCase(casePath, (store) => {
      const parsed = store.db.prepare('SELECT DISTINCT line FROM requests ORDER BY line').all().map((row) => (row as { line: number }).line);
      assert.deepEqual(parsed, linesWhere('parsed'));
      const rejects = store.db.prepare('SELECT line, raw, raw_bytes AS rawBytes FROM rejects ORDER BY line').all() as { line: number; raw: string; rawBytes: number }[];
      assert.deepEqual(rejects.map((row) => row.line), linesWhere('rejected'));
      for (const reject of rejects) {
        const line = HOSTILE_LINES[reject.line - 1]!;
        assert.equal(reject.raw, line.bytes.toString('utf8'), `line ${reject.line}: raw text is the bytes decoded with U+FFFD`);
        assert.equal(reject.rawBytes, line.bytes.length, `line ${reject.line}: raw_bytes`);
      }
      const nulLine = rejects.find((row) => row.line === 9)!;
      assert.equal(nulLine.raw, '\u0000'.repeat(8), 'NUL bytes survive the round trip through SQLite');
      const byLine = new Map((store.db.prepare('SELECT line, target, user_agent AS agent, user_name AS user, referrer FROM request_view').all() as { line: number; target: string; agent: string; user: string; referrer: string }[]).map((row) => [row.line, row]));
      assert.equal(byLine.get(10)!.target, '/caf\ufffd(');
      assert.equal(byLine.get(10)!.agent, 'agent \ufffd\ufffd end');
      assert.equal(byLine.get(2)!.agent, 'Mozilla \u001b[2J\u001b[31mRED\u001b[0m', 'escapes decoded: the stored value is what the client sent');
      assert.equal(byLine.get(8)!.agent, 'nul\u0000\u0000inside');
      assert.equal(byLine.get(6)!.user, '=1+2');
    });
  });

  it('records an empty file and a file of blank lines as sources with their lines, and re-ingest adds nothing', async function () {
    const dir = tempDir();
    const casePath = join(dir, 'case.sqlite');
    const empty = writeBytes(join(dir, 'empty.log'), '');
    const blanks = writeBytes(join(dir, 'blanks.log'), '\n\r\n  \n\t\r\n');
    const result = await ingestInto(casePath, [empty, blanks]);
    assert.deepEqual(result.files.map((f) => [f.lines, f.parsed, f.rejected, f.blank, f.status]), [[0, 0, 0, 0, 'complete'], [4, 0, 0, 4, 'complete']]);
    const again = await ingestInto(casePath, [empty, blanks]);
    assert.deepEqual(again.files.map((f) => f.skipped), [true, true]);
    const sources = checkCaseAccounting(casePath);
    assert.equal(sources.length, 2);
    assert.ok(storedRawBytes(casePath, sources[1]!.id).equals(readFileSync(blanks)));
  });

  it('rejects lines over 1 MiB with their size as the reason, and counts the lines after them correctly', async function () {
    const dir = tempDir();
    const casePath = join(dir, 'case.sqlite');
    const good = (n: number): string => `192.0.2.${n} - - [21/Nov/2026:10:00:0${n} +0000] "GET /n${n} HTTP/1.1" 200 ${n} "-" "ua"`;
    const justUnder = 'x'.repeat(1024 * 1024 - 1);
    const over = 1024 * 1024 + 1;
    const huge = 3 * 1024 * 1024 + 17;
    const text = [good(1), 'y'.repeat(over), good(2), justUnder, 'z'.repeat(huge), good(3)].join('\n') + '\n';
    const path = writeBytes(join(dir, 'long-lines.log'), text);
    const file = (await ingestInto(casePath, [path])).files[0]!;
    assert.deepEqual([file.lines, file.parsed, file.rejected, file.blank], [6, 3, 3, 0]);
    checkCaseAccounting(casePath);
    withCase(casePath, (store) => {
      const rejects = store.db.prepare('SELECT line, reason, length(raw) AS kept, raw_bytes AS rawBytes FROM rejects ORDER BY line').all() as { line: number; reason: string; kept: number; rawBytes: number }[];
      assert.deepEqual(rejects.map((r) => r.line), [2, 4, 5]);
      assert.match(rejects[0]!.reason, /over the 1048576-byte limit/);
      assert.ok(rejects[0]!.rawBytes >= over && rejects[0]!.rawBytes <= over + 1, `line 2 size ${rejects[0]!.rawBytes}`);
      assert.ok(rejects[2]!.rawBytes >= huge && rejects[2]!.rawBytes <= huge + 1, `line 5 size ${rejects[2]!.rawBytes}`);
      assert.doesNotMatch(rejects[1]!.reason, /limit/, 'a line just under the limit is parsed (and rejected by the parser, not by size)');
      for (const reject of rejects) assert.ok(reject.kept <= 64 * 1024, 'at most 64 KiB of a reject is kept as text');
      const parsed = store.db.prepare('SELECT line, target FROM request_view ORDER BY line').all();
      assert.deepEqual(parsed, [{ line: 1, target: '/n1' }, { line: 3, target: '/n2' }, { line: 6, target: '/n3' }]);
    });
  });

  it('in an evidence folder, ingests regular files only: links to /dev/zero, FIFOs and link loops are not followed', async function () {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    mkdirSync(evidence);
    writeBytes(join(evidence, 'access.log'), '192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"\n');
    symlinkSync('/dev/zero', join(evidence, 'zero.log'));
    symlinkSync(join(evidence, 'loop-b'), join(evidence, 'loop-a'));
    symlinkSync(join(evidence, 'loop-a'), join(evidence, 'loop-b'));
    symlinkSync(evidence, join(evidence, 'self'));
    spawnSync('mkfifo', [join(evidence, 'pipe.log')]);
    const casePath = join(dir, 'case.sqlite');
    const result = await ingestInto(casePath, [evidence]);
    assert.deepEqual(result.files.map((file) => [file.path, file.parsed]), [[join(evidence, 'access.log'), 1]]);
    const device = await runCliInProcess(['ingest', '/dev/zero', '--case', casePath]);
    assert.equal(device.status, 1);
    assert.match(device.stderr, /^logwitness: input \/dev\/zero is neither a file nor a directory/);
    checkCaseAccounting(casePath);
  });

  describe('damaged .gz files', function () {
    let dir: string;
    let plain: Buffer;
    before(function () {
      dir = tempDir();
      writeGeneratedLog(join(dir, 'plain.log'), 20_000, 7);
      plain = readFileSync(join(dir, 'plain.log'));
    });

    const damages: readonly (readonly [string, (gz: Buffer) => Buffer])[] = [
      ['truncated in the middle', (gz) => gz.subarray(0, Math.floor(gz.length / 2))],
      ['corrupt in the middle', (gz) => {
        const copy = Buffer.from(gz);
        for (let i = Math.floor(gz.length * 0.6); i < Math.floor(gz.length * 0.6) + 64; i++) copy[i] = copy[i]! ^ 0x5a;
        return copy;
      }],
      ['with a wrong CRC in the trailer', (gz) => {
        const copy = Buffer.from(gz);
        copy[copy.length - 8] = copy[copy.length - 8]! ^ 0xff;
        return copy;
      }],
      ['cut inside the header', (gz) => gz.subarray(0, 6)],
      ['of two members, the second with a wrong CRC', () => {
        const half = plain.lastIndexOf(10, Math.floor(plain.length / 2)) + 1;
        const second = gzipSync(plain.subarray(half));
        second[second.length - 8] = second[second.length - 8]! ^ 0xff;
        return Buffer.concat([gzipSync(plain.subarray(0, half)), second]);
      }],
    ];

    for (const [name, damage] of damages) {
      it(`ingests the readable part of a .gz ${name}, marks it incomplete and reports the damage`, async function () {
        const gzPath = writeBytes(join(dir, `${name.replace(/\W+/g, '-')}.log.gz`), damage(gzipSync(plain)));
        const casePath = join(dir, `${name.replace(/\W+/g, '-')}.sqlite`);
        const file = (await ingestInto(casePath, [gzPath])).files[0]!;
        assert.equal(file.status, 'incomplete');
        assert.match(file.error ?? '', /gzip data is damaged/);
        const [source] = checkCaseAccounting(casePath);
        assert.equal(source!.status, 'incomplete');
        assert.equal(source!.sha256, sha256OfFile(gzPath), 'the recorded sha256 is of the whole damaged file as given');
        const readable = await readableGzipPrefix(gzPath);
        const stored = storedRawBytes(casePath, source!.id);
        const common = Math.min(stored.length, readable.length);
        assert.ok(stored.subarray(0, common).equals(readable.subarray(0, common)), 'what is stored is what gunzip reads, from the start');
        if (name.includes('second')) {
          // Damage in a later member: nothing is recovered past zlib's loss (at most 1 MiB), and nothing wrong is stored.
          assert.ok(plain.subarray(0, stored.length).equals(stored), 'a prefix of the original');
          assert.ok(stored.length + 1024 * 1024 >= plain.length, `stored ${stored.length} of ${plain.length} bytes`);
        } else if (name.includes('CRC')) {
          // Only the trailer is damaged: every line is readable, and every line is stored.
          assert.ok(stored.equals(plain), `all ${plain.length} bytes stored (got ${stored.length})`);
        } else if (name.startsWith('truncated')) {
          assert.ok(plain.subarray(0, stored.length).equals(stored), 'a truncated file yields a prefix of the original');
          assert.ok(stored.length >= readable.length, `everything readable is stored (${stored.length} of ${readable.length})`);
        } else {
          // Where the data itself is corrupt, at most the 16 KiB inflated around the damage is lost.
          assert.ok(stored.length + 16 * 1024 >= readable.length, `stored ${stored.length} of ${readable.length} readable bytes`);
        }
        if (stored.length > 0 && stored[stored.length - 1] !== 10) {
          const last = withCase(casePath, (store) => store.db.prepare('SELECT reason FROM rejects WHERE source_id = ? AND line = ?').get(source!.id, source!.lines)) as { reason: string } | undefined;
          assert.match(last?.reason ?? 'not rejected', /cut short/, 'the cut-off last line is rejected as cut short, never parsed');
        }
      });
    }

    it('the CLI exits 1 naming the damaged file, lists it as incomplete, and a re-run adds nothing', async function () {
      const gzPath = writeBytes(join(dir, 'cli.log.gz'), gzipSync(plain).subarray(0, 40_000));
      const casePath = join(dir, 'cli.sqlite');
      const first = runCli(['ingest', gzPath, '--case', casePath, '--json']);
      assert.equal(first.status, 1, first.stderr);
      assert.match(first.stderr, /cli\.log\.gz: gzip data is damaged/);
      const json = JSON.parse(first.stdout);
      assert.equal(json.files[0].status, 'incomplete');
      assert.ok(json.files[0].parsed > 0, 'the readable part is ingested');
      const sources = await runCliInProcess(['sources', '--case', casePath, '--json']);
      assert.equal(JSON.parse(sources.stdout).sources[0].status, 'incomplete');
      const again = await runCliInProcess(['ingest', gzPath, '--case', casePath, '--json']);
      assert.equal(JSON.parse(again.stdout).files[0].skipped, true);
      checkCaseAccounting(casePath);
    });
  });

  describe('a file that changes while it is read', function () {
    for (const change of ['appended to', 'rewritten in place (same size)'] as const) {
      it(`is refused when ${change} during the read, and nothing of it is stored`, async function () {
        const dir = tempDir();
        const casePath = join(dir, 'case.sqlite');
        const path = join(dir, 'growing.log');
        writeGeneratedLog(path, 12_000, 3);
        const size = readFileSync(path).length;
        const store = CaseStore.open(casePath);
        let changed = false;
        try {
          const result = await ingestPaths(store, [path], {
            onProgress: () => {
              if (changed) return;
              changed = true;
              if (change === 'appended to') {
                appendFileSync(path, '192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET /late HTTP/1.1" 200 1 "-" "-"\n');
              } else {
                // Rewrite the last bytes (not read yet): same size, different content.
                const bytes = readFileSync(path);
                bytes.fill(0x41, size - 100, size - 1);
                writeFileSync(path, bytes);
              }
            },
          });
          const file = result.files[0]!;
          assert.ok(changed, 'the file was changed during the read');
          assert.equal(file.status, 'refused');
          assert.match(file.error ?? '', /changed while it was being read/);
          assert.equal(store.listSources().length, 0);
          assert.equal(store.countRequests(), 0);
        } finally {
          store.close();
        }
        checkCaseAccounting(casePath);
        // Once it stops changing it can be ingested.
        const again = (await ingestInto(casePath, [path])).files[0]!;
        assert.equal(again.status, 'complete');
        checkCaseAccounting(casePath);
      });
    }
  });
});
