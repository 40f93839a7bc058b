/**
 * readRawLines gives back the exact bytes of cited lines: CRLF kept, invalid UTF-8 kept, a
 * last line without a terminator kept as is, from plain and gzip sources, across block
 * boundaries; a line the case does not hold is an error naming it.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { CaseStore, ingestPaths, readRawLines } from '@logwitness/core';
import { tempDir } from '../helpers';

function line(i: number, ua: string): string {
  return `192.0.2.${i % 250} - - [01/Mar/2026:10:${String(i % 60).padStart(2, '0')}:00 +0000] "GET /f${i} HTTP/1.1" 200 ${i} "-" "${ua}"`;
}

/** Split bytes into lines keeping each terminator (the last may have none). */
function splitLines(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(10, start);
    out.push(data.subarray(start, end === -1 ? data.length : end + 1));
    start = end === -1 ? data.length : end + 1;
  }
  return out;
}

describe('raw lines: cited lines read back verbatim', () => {
  it('returns the exact bytes of any line, in the order asked', async () => {
    const dir = tempDir();
    const parts: Buffer[] = [];
    // Enough lines to span several raw blocks (ingest reads 1 MiB chunks).
    for (let i = 1; i <= 12_000; i++) {
      const text = line(i, i % 7 === 0 ? 'Mozilla/5.0 (Windows NT 10.0) ' + 'x'.repeat(60) : 'curl/8.5.0');
      parts.push(Buffer.from(text + (i % 3 === 0 ? '\r\n' : '\n'), 'utf8'));
    }
    parts.push(Buffer.concat([Buffer.from(line(12_001, 'bad-utf8-'), 'utf8'), Buffer.from([0xff, 0xfe, 0x0a])]));
    parts.push(Buffer.from(line(12_002, 'no terminator'), 'utf8'));
    const data = Buffer.concat(parts);
    const plain = join(dir, 'access.log');
    const gz = join(dir, 'access.log.2.gz');
    writeFileSync(plain, data);
    writeFileSync(gz, gzipSync(Buffer.concat([data, Buffer.from('\n')])));
    const store = CaseStore.open(join(dir, 'case.sqlite'));
    try {
      await ingestPaths(store, [plain, gz]);
      const expected = splitLines(data);
      const sha = createHash('sha256').update(data).digest('hex');
      const wanted = [12_002, 1, 3, 6_000, 6_001, 11_999, 12_001, 3];
      const got = readRawLines(store, wanted.map((n) => ({ sha256: sha, line: n })));
      assert.deepEqual(got.map((g) => g.line), wanted);
      for (const g of got) {
        assert.ok(g.bytes.equals(expected[g.line - 1]!), `line ${g.line}`);
        assert.equal(g.whole, true);
        assert.equal(g.sourcePath, plain);
      }
      assert.ok(got[2]!.bytes.subarray(-2).equals(Buffer.from('\r\n')), 'CRLF kept');
      assert.ok(!got[0]!.bytes.includes(10), 'the last line had no terminator, and gets none');
      const gzSha = store.listSources().find((s) => s.path === gz)!.sha256;
      const fromGz = readRawLines(store, [{ sha256: gzSha, line: 12_001 }]);
      assert.ok(fromGz[0]!.bytes.equals(expected[12_000]!), 'gzip source: the decompressed line bytes');

      assert.throws(() => readRawLines(store, [{ sha256: sha, line: 12_003 }]), /line 12003 of .*access\.log \(sha256 [0-9a-f]{64}\) is not stored/);
      assert.throws(() => readRawLines(store, [{ sha256: '0'.repeat(64), line: 1 }]), /no source with sha256 0{64}/);
    } finally {
      store.close();
    }
  });
});
