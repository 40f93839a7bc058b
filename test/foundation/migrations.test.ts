/**
 * Upgrading a case written by an older logwitness: a version-2 case (requests with text
 * methods and every rare column inline, deflate raw blocks) opened for writing becomes a
 * version-3 case holding the same requests, readable lines and hourly counts.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { CaseStore, readRawLines } from '@logwitness/core';
import { MIGRATIONS } from '../../packages/core/src/store/migrations';
import { countRequestsPerHour } from '../../packages/core/src/store/traffic-counts';
import { tempDir } from '../helpers';

const LINES = [
  '203.0.113.9 - alice [20/Sep/2011:03:14:07 +0000] "GET /a.pdf?x=1 HTTP/1.1" 206 1024 "-" "curl/7.21"\n',
  '198.51.100.4 - - [20/Sep/2011:04:15:00 +0100] "HEAD /a.pdf HTTP/1.0" 200 0 "https://example.org/" "Wget"\n',
];

/** A case as version 2 of the schema left it, with two requests. */
function writeVersion2Case(path: string): void {
  const db = new Database(path);
  for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) db.exec(migration.sql);
  db.pragma('user_version = 2');
  db.exec(`
    INSERT INTO sources (id, path, sha256, content_sha256, format, time_basis, lines, parsed, rejected, skipped_lines, status, ingested_at_ms, tool_version)
      VALUES (1, 'old.log', 'aa', 'aa', 'combined', 'UTC offset written in each line', 2, 2, 0, 0, 'complete', 0, '0.1.0');
    INSERT INTO ips (id, ip) VALUES (1, '203.0.113.9'), (2, '198.51.100.4');
    INSERT INTO paths (id, path) VALUES (1, '/a.pdf');
    INSERT INTO agents (id, agent) VALUES (1, 'curl/7.21'), (2, 'Wget');
    INSERT INTO referrers (id, referrer) VALUES (1, 'https://example.org/');
    INSERT INTO requests (id, source_id, line, time_ms, utc_offset_min, client_ip_id, method, path_id, target, protocol, status, bytes,
        agent_id, user_name, range_start, range_end)
      VALUES (1, 1, 1, 1316488447000, 0, 1, 'GET', 1, '/a.pdf?x=1', 'HTTP/1.1', 206, 1024, 1, 'alice', 0, 1023);
    INSERT INTO requests (id, source_id, line, time_ms, utc_offset_min, client_ip_id, method, path_id, protocol, status, bytes, referrer_id, agent_id)
      VALUES (2, 1, 2, 1316488500000, 60, 2, 'HEAD', 1, 'HTTP/1.0', 200, 0, 1, 2);
  `);
  db.prepare('INSERT INTO raw_blocks (source_id, first_line, line_count, data) VALUES (1, 1, 2, ?)').run(deflateRawSync(Buffer.from(LINES.join(''))));
  db.close();
}

describe('case file migrations', () => {
  it('upgrades a version-2 case in place, keeping every request field and raw line', () => {
    const path = join(tempDir(), 'old.sqlite');
    writeVersion2Case(path);
    const store = CaseStore.open(path);
    assert.equal(store.schemaVersion, MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const rows = store.db.prepare('SELECT line, method, protocol, target, path, status, bytes, user_name, range_start, range_end, referrer, user_agent FROM request_view ORDER BY line').all();
    assert.deepEqual(rows, [
      { line: 1, method: 'GET', protocol: 'HTTP/1.1', target: '/a.pdf?x=1', path: '/a.pdf', status: 206, bytes: 1024, user_name: 'alice', range_start: 0, range_end: 1023, referrer: null, user_agent: 'curl/7.21' },
      { line: 2, method: 'HEAD', protocol: 'HTTP/1.0', target: '/a.pdf', path: '/a.pdf', status: 200, bytes: 0, user_name: null, range_start: null, range_end: null, referrer: 'https://example.org/', user_agent: 'Wget' },
    ]);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM request_details').get() as { n: number }).n, 1, 'only the request with rare fields has details');
    // 03:14:07 UTC and 04:15:00 +0100 (03:15 UTC) fall in the same UTC hour.
    assert.deepEqual(countRequestsPerHour(store), [{ hourStartMs: Date.UTC(2011, 8, 20, 3), requests: 2 }]);
    const lines = readRawLines(store, [{ sha256: 'aa', line: 2 }, { sha256: 'aa', line: 1 }]);
    assert.deepEqual(lines.map((line) => line.bytes.toString()), [LINES[1], LINES[0]]);
    assert.equal((store.db.prepare("SELECT codec FROM raw_blocks").get() as { codec: string }).codec, 'deflate-raw');
    assert.deepEqual(store.db.pragma('foreign_key_check'), []);
    store.close();
  });
});
