/**
 * The foundation's promises (issue 2): every line accounted for, byte-exact raw lines,
 * idempotent re-ingest, no half-ingested file after a crash, gzip, stdin, directories.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CaseStore, decodeRawBlock, ingestPaths, type RawBlockCodec } from '@logwitness/core';
import { FIXTURES, tempDir } from '../helpers';

const SITE_A = join(FIXTURES, 'foundation', 'site-a.log');
const SITE_B = join(FIXTURES, 'foundation', 'site-b-vhost-crlf-no-final-newline.log');

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function openTempCase(): CaseStore {
  return CaseStore.open(join(tempDir(), 'case.sqlite'));
}

function count(store: CaseStore, table: string): number {
  return (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('ingest (foundation)', () => {
  it('accounts for every line: parsed + rejected + blank = lines, with file hash and line numbers', async () => {
    const store = openTempCase();
    const result = await ingestPaths(store, [SITE_A]);
    const file = result.files[0]!;
    assert.equal(file.lines, 8);
    assert.equal(file.parsed, 6);
    assert.equal(file.rejected, 1);
    assert.equal(file.blank, 1);
    assert.equal(file.parsed + file.rejected + file.blank, file.lines);
    assert.equal(file.sha256, sha256(readFileSync(SITE_A)));
    const reject = store.db.prepare('SELECT line, reason, raw FROM rejects').get() as { line: number; reason: string; raw: string };
    assert.equal(reject.line, 7);
    assert.equal(reject.raw, 'this line is not an access log line');
    assert.match(reject.reason, /time/);
    const lines = store.db.prepare('SELECT line FROM requests ORDER BY line').all().map((row) => (row as { line: number }).line);
    assert.deepEqual(lines, [1, 2, 3, 5, 6, 8]);
    store.close();
  });

  it('stores UTC instants with the original offset, decoded escapes and absent values as null', async () => {
    const store = openTempCase();
    await ingestPaths(store, [SITE_A]);
    const rows = store.db
      .prepare('SELECT line, time_utc, utc_offset_min, client_ip, bytes, user_name, user_agent, referrer FROM request_view ORDER BY line')
      .all() as Array<Record<string, unknown>>;
    const byLine = new Map(rows.map((row) => [row.line, row]));
    assert.equal(byLine.get(5)!.time_utc, '2011-09-20T04:00:00.000Z');
    assert.equal(byLine.get(5)!.utc_offset_min, 60);
    assert.equal(byLine.get(5)!.client_ip, '2001:db8:1::20');
    assert.equal(byLine.get(5)!.bytes, null, '"-" bytes is absent, not 0');
    assert.equal(byLine.get(6)!.time_utc, '2011-09-20T13:30:00.000Z');
    assert.equal(byLine.get(6)!.utc_offset_min, -420);
    assert.equal(byLine.get(6)!.user_name, 'alice');
    assert.equal(byLine.get(6)!.user_agent, 'Wget/1.12 "quoted" \u001b[31mred');
    assert.equal(byLine.get(1)!.referrer, null);
    store.close();
  });

  it('keeps the exact bytes of every line (CRLF, no final newline) in raw_blocks', async () => {
    const store = openTempCase();
    const result = await ingestPaths(store, [SITE_A, SITE_B]);
    for (const [index, path] of [SITE_A, SITE_B].entries()) {
      const blocks = store.db
        .prepare('SELECT codec, data FROM raw_blocks b JOIN sources s ON s.id = b.source_id WHERE s.path = ? ORDER BY first_line')
        .all(path) as Array<{ codec: RawBlockCodec; data: Buffer }>;
      const rebuilt = Buffer.concat(blocks.map((block) => decodeRawBlock(block.codec, block.data)));
      assert.ok(rebuilt.equals(readFileSync(path)), `raw bytes of ${path} reproduced exactly`);
      assert.equal(result.files[index]!.rejected, index === 0 ? 1 : 0);
    }
    const vhost = result.files[1]!;
    assert.equal(vhost.format, 'vhost_combined');
    assert.equal(vhost.lines, 2);
    assert.equal(vhost.parsed, 2);
    store.close();
  });

  it('adds nothing when the same file is ingested again, and says so', async () => {
    const store = openTempCase();
    await ingestPaths(store, [SITE_A]);
    const before = count(store, 'requests');
    const copy = join(tempDir(), 'renamed-copy.log');
    copyFileSync(SITE_A, copy);
    const again = await ingestPaths(store, [SITE_A, copy]);
    assert.deepEqual(again.files.map((file) => file.skipped), [true, true]);
    assert.deepEqual(again.totals, { lines: 0, parsed: 0, rejected: 0 });
    assert.equal(count(store, 'requests'), before);
    assert.equal(count(store, 'sources'), 1);
    store.close();
  });

  it('tells files apart by sha256, not by size: a same-size file with other content is ingested', async () => {
    // Only files of a stored size are hashed before parsing; the size must only narrow the
    // check, never decide it.
    const store = openTempCase();
    await ingestPaths(store, [SITE_A]);
    const original = readFileSync(SITE_A, 'latin1');
    const sameSize = join(tempDir(), 'same-size.log');
    writeFileSync(sameSize, original.replace('GET /', 'PUT /'), 'latin1');
    assert.equal(readFileSync(sameSize).length, readFileSync(SITE_A).length);
    const result = await ingestPaths(store, [sameSize]);
    assert.deepEqual(result.files.map((file) => [file.skipped, file.status, file.parsed]), [[false, 'complete', 6]]);
    assert.equal(count(store, 'sources'), 2);
    assert.equal(count(store, 'requests'), 12);
    store.close();
  });

  it('leaves no trace of a file whose ingest dies halfway, and a re-run completes it', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.log');
    const line = (i: number): string =>
      `198.51.100.${i % 250} - - [20/Sep/2011:03:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0000] "GET /page/${i} HTTP/1.1" 200 ${i} "-" "agent ${i % 7}"\n`;
    writeFileSync(big, Array.from({ length: 40_000 }, (_, i) => line(i)).join(''));
    const path = join(dir, 'case.sqlite');
    const store = CaseStore.open(path);
    await ingestPaths(store, [SITE_A]);
    let batches = 0;
    await assert.rejects(
      ingestPaths(store, [big], {
        onProgress: () => {
          if (++batches === 2) throw new Error('simulated crash in the middle of the file');
        },
      }),
      /simulated crash/,
    );
    assert.equal(count(store, 'sources'), 1, 'only the earlier, complete file is in the case');
    assert.equal(count(store, 'requests'), 6);
    assert.equal(count(store, 'raw_blocks'), 1);
    const rerun = await ingestPaths(store, [SITE_A, big]);
    assert.deepEqual(rerun.files.map((file) => [file.skipped, file.parsed]), [[true, 6], [false, 40_000]]);
    assert.equal(count(store, 'requests'), 40_006);
    store.close();
  });

  it('reads .gz files, recording the hash of the file as given and of its content', async () => {
    const dir = tempDir();
    const gz = join(dir, 'access.log.1.gz');
    const content = readFileSync(SITE_A);
    writeFileSync(gz, gzipSync(content));
    const store = openTempCase();
    const result = await ingestPaths(store, [gz]);
    assert.equal(result.files[0]!.parsed, 6);
    const source = store.listSources()[0]!;
    assert.equal(source.compression, 'gzip');
    assert.equal(source.sha256, sha256(readFileSync(gz)));
    assert.equal(source.contentSha256, sha256(content));
    assert.equal(source.status, 'complete');
    store.close();
  });

  it('walks directories recursively in natural order', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'logs', 'old'), { recursive: true });
    const lines = readFileSync(SITE_A, 'utf8').split('\n');
    writeFileSync(join(dir, 'logs', 'access.log'), lines[0] + '\n');
    writeFileSync(join(dir, 'logs', 'access.log.10'), lines[1] + '\n');
    writeFileSync(join(dir, 'logs', 'access.log.2'), lines[2] + '\n');
    writeFileSync(join(dir, 'logs', 'old', 'access.log.2.gz'), gzipSync(lines[4] + '\n'));
    const store = openTempCase();
    const result = await ingestPaths(store, [join(dir, 'logs')]);
    assert.deepEqual(
      result.files.map((file) => file.path.slice(join(dir, 'logs').length + 1)),
      ['access.log', 'access.log.2', 'access.log.10', 'old/access.log.2.gz'],
    );
    assert.equal(result.totals.parsed, 4);
    store.close();
  });

  it('refuses a file no format fits, naming the closest formats, and stores nothing of it', async () => {
    const dir = tempDir();
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'meeting notes\nnothing to see here\n');
    const store = openTempCase();
    const result = await ingestPaths(store, [notes, SITE_A]);
    assert.equal(result.files[0]!.status, 'refused');
    assert.match(result.files[0]!.error!, /not a log format logwitness recognises; closest: .*--format/);
    assert.equal(result.files[1]!.parsed, 6, 'the other files are still ingested');
    assert.equal(count(store, 'sources'), 1);
    store.close();
  });

  it('refuses a file whose fields carry local times when no --assume-tz is given, and reads it with one', async () => {
    const dir = tempDir();
    const local = join(dir, 'u_ex260701.log');
    writeFileSync(
      local,
      '#Software: Microsoft Internet Information Services 10.0\n#Fields: date-local time-local c-ip cs-method cs-uri-stem sc-status sc-bytes\n' +
        '2026-07-01 10:00:00 192.0.2.1 GET /a 200 10\n2026-07-01 10:00:05 192.0.2.2 GET /b 404 0\n',
    );
    const store = openTempCase();
    const refusedRun = await ingestPaths(store, [local]);
    assert.equal(refusedRun.files[0]!.status, 'refused');
    assert.match(refusedRun.files[0]!.error!, /w3c times carry no UTC offset; .*--assume-tz/);
    assert.equal(count(store, 'sources'), 0, 'nothing stored, not a file of identical rejects');
    const zoned = await ingestPaths(store, [local], { assumeTz: 'Europe/London' });
    assert.deepEqual([zoned.files[0]!.parsed, zoned.files[0]!.rejected], [2, 0]);
    const first = store.db.prepare('SELECT time_utc FROM request_view ORDER BY time_ms LIMIT 1').get() as { time_utc: string };
    assert.equal(first.time_utc, '2026-07-01T09:00:00.000Z');
    store.close();
  });

  it('counts requests per UTC hour at ingest exactly as a recount of the stored requests does', async () => {
    // Lines out of time order, crossing hours back and forth, in several zones, and before 1970.
    const times = [
      '20/Sep/2011:03:59:59 +0000', '20/Sep/2011:04:00:00 +0000', '20/Sep/2011:03:30:00 +0000', '20/Sep/2011:05:10:00 +0100',
      '20/Sep/2011:04:59:59 +0000', '31/Dec/1969:23:30:00 +0000', '01/Jan/1970:00:30:00 +0100', '20/Sep/2011:04:00:00 +0000',
    ];
    const log = join(tempDir(), 'hours.log');
    writeFileSync(log, times.map((time, i) => `203.0.113.${i} - - [${time}] "GET /x HTTP/1.1" 200 1 "-" "t"\n`).join(''));
    const store = openTempCase();
    await ingestPaths(store, [SITE_A, log]);
    const stored = store.db.prepare('SELECT hour_start_ms AS hour, sum(requests) AS n FROM request_hours GROUP BY 1 ORDER BY 1').all();
    const recount = store.db
      .prepare('SELECT time_ms - (((time_ms % 3600000) + 3600000) % 3600000) AS hour, count(*) AS n FROM requests GROUP BY 1 ORDER BY 1')
      .all();
    assert.deepEqual(stored, recount);
    assert.deepEqual(
      stored.filter((row) => (row as { hour: number }).hour < Date.UTC(2000, 0, 1)),
      [{ hour: -3600000, n: 2 }],
      '23:30 on 31 Dec 1969 and 00:30 +0100 on 1 Jan 1970 both fall in the hour before the epoch',
    );
    store.close();
  });

  it('records an empty file as a source with no lines', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const store = openTempCase();
    const result = await ingestPaths(store, [empty]);
    assert.equal(result.files[0]!.status, 'complete');
    assert.equal(result.files[0]!.lines, 0);
    assert.equal(store.listSources()[0]!.format, 'empty');
    store.close();
  });
});

describe('case file', () => {
  it('rebuilds request indexes that a killed bulk load left dropped when opened for writing', () => {
    const path = join(tempDir(), 'case.sqlite');
    const indexNames = (store: CaseStore): string[] =>
      (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    let store = CaseStore.open(path);
    const expected = indexNames(store);
    assert.ok(expected.length >= 2);
    store.db.exec(`DROP INDEX ${expected[0]}`);
    store.close();
    store = CaseStore.open(path, { readonly: true });
    assert.equal(indexNames(store).length, expected.length - 1, 'a reader does not change the case');
    store.close();
    store = CaseStore.open(path);
    assert.deepEqual(indexNames(store), expected);
    store.close();
  });
});
