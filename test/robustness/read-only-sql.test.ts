/**
 * `logwitness sql` must never change the case, whatever the query says. Each attempt is
 * checked against the case file's sha256, its schema version and journal mode, its row
 * counts, and the files in its folder (ATTACH and VACUUM INTO create files).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runReadOnlySql, InputError, LogwitnessError } from '@logwitness/core';
import { runCli, tempDir } from '../helpers';
import { runCliInProcess, sha256OfFile, writeBytes } from './robustness-helpers';

const LOG = [
  '203.0.113.9 - - [20/Sep/2026:03:14:07 +0000] "GET /admin/export/donors-2026.csv HTTP/1.1" 200 48213 "-" "curl/8.5.0"',
  '198.51.100.4 - - [20/Sep/2026:03:15:00 +0000] "GET /index.html HTTP/1.1" 200 1024 "-" "Mozilla/5.0"',
  'not a log line',
].join('\n') + '\n';

interface CaseState {
  readonly sha256: string;
  readonly files: readonly string[];
  readonly facts: string;
}

describe('robustness: read-only SQL', function () {
  let dir: string;
  let casePath: string;
  let initial: CaseState;

  function stateOf(): CaseState {
    const facts = runReadOnlySql(
      casePath,
      `SELECT (SELECT user_version FROM pragma_user_version) || ' ' || (SELECT journal_mode FROM pragma_journal_mode)
        || ' ' || (SELECT count(*) FROM sources) || ' ' || (SELECT count(*) FROM requests) || ' ' || (SELECT count(*) FROM rejects)
        || ' ' || (SELECT count(*) FROM sqlite_schema) || ' ' || (SELECT group_concat(name) FROM pragma_database_list)`,
    ).rows[0]![0] as string;
    return { sha256: sha256OfFile(casePath), files: readdirSync(dir).sort(), facts };
  }

  before(function () {
    dir = tempDir('logwitness-sql-');
    casePath = join(dir, 'case.sqlite');
    const ingest = runCli(['ingest', writeBytes(join(dir, 'access.log'), LOG), '--case', casePath, '--json']);
    assert.equal(ingest.status, 0, ingest.stderr);
    // A first read creates the WAL index files a reader needs; the state is taken after it.
    runReadOnlySql(casePath, 'SELECT 1');
    initial = stateOf();
    assert.match(initial.facts, /^\d+ wal 1 2 1 \d+ main$/);
  });

  const newFile = (): string => join(dir, 'attacker-made.db');
  const attempts: readonly (readonly [string, () => string])[] = [
    ['INSERT', () => "INSERT INTO case_meta (key, value) VALUES ('x', 'y')"],
    ['INSERT ... RETURNING', () => "INSERT INTO case_meta (key, value) VALUES ('x', 'y') RETURNING key"],
    ['UPDATE', () => 'UPDATE sources SET parsed = 0'],
    ['DELETE', () => 'DELETE FROM requests'],
    ['REPLACE', () => "REPLACE INTO case_meta (key, value) VALUES ('created_by', 'me')"],
    ['DROP TABLE', () => 'DROP TABLE rejects'],
    ['CREATE TABLE', () => 'CREATE TABLE evil (x)'],
    ['CREATE TEMP TABLE', () => 'CREATE TEMP TABLE evil (x)'],
    ['CREATE TRIGGER', () => 'CREATE TRIGGER t AFTER INSERT ON requests BEGIN DELETE FROM requests; END'],
    ['ATTACH a new file', () => `ATTACH '${newFile()}' AS evil`],
    ['ATTACH the case itself', () => `ATTACH '${casePath}' AS again`],
    ['ATTACH :memory:', () => "ATTACH ':memory:' AS mem"],
    ['lower-case attach', () => `attach database '${newFile()}' as evil`],
    ['DETACH', () => 'DETACH DATABASE main'],
    ['PRAGMA journal_mode', () => 'PRAGMA journal_mode = DELETE'],
    ['PRAGMA user_version', () => 'PRAGMA user_version = 99'],
    ['PRAGMA main.user_version', () => 'PRAGMA main.user_version = 99'],
    ['PRAGMA query_only = 0', () => 'PRAGMA query_only = 0'],
    ['PRAGMA writable_schema', () => 'PRAGMA writable_schema = 1'],
    ['PRAGMA wal_checkpoint', () => 'PRAGMA wal_checkpoint(TRUNCATE)'],
    ['VACUUM', () => 'VACUUM'],
    ['VACUUM INTO a new file', () => `VACUUM INTO '${newFile()}'`],
    ['REINDEX', () => 'REINDEX'],
    ['ANALYZE', () => 'ANALYZE'],
    ['BEGIN IMMEDIATE', () => 'BEGIN IMMEDIATE'],
    ['SAVEPOINT', () => 'SAVEPOINT s'],
    ['load_extension()', () => "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')"],
    ['CTE wrapping DELETE', () => 'WITH doomed AS (SELECT id FROM requests) DELETE FROM requests WHERE id IN doomed'],
    ['CTE wrapping INSERT', () => "WITH v(k, x) AS (VALUES ('a', 'b')) INSERT INTO case_meta SELECT * FROM v"],
    ['comment hiding the keyword', () => '/* SELECT */ DELETE FROM requests'],
    ['line comment hiding the keyword', () => '-- SELECT\nDROP TABLE requests'],
    ['comment inside the keyword position', () => `/**/ATTACH/**/'${newFile()}'/**/AS evil`],
    ['two statements', () => 'SELECT 1; DELETE FROM requests'],
    ['two statements after a comment', () => 'SELECT 1 /* ; */; DROP TABLE sources'],
    ['SELECT then ATTACH', () => `SELECT 1; ATTACH '${newFile()}' AS evil`],
    ['EXPLAIN of a write', () => 'EXPLAIN DELETE FROM requests'],
    ['EXPLAIN QUERY PLAN of ATTACH', () => `EXPLAIN QUERY PLAN ATTACH '${newFile()}' AS evil`],
    ['non-breaking space before the keyword', () => '\u00a0DELETE FROM requests'],
    ['pragma function with a write argument', () => 'SELECT * FROM pragma_journal_mode(\'delete\')'],
  ];

  for (const [name, sqlOf] of attempts) {
    it(`refuses ${name}, and the case is unchanged`, function () {
      const sql = sqlOf();
      assert.throws(() => runReadOnlySql(casePath, sql), (error: unknown) => {
        assert.ok(error instanceof LogwitnessError, `expected a LogwitnessError, got ${String(error)}`);
        assert.ok(error instanceof InputError, `expected a user error, got ${error.constructor.name}: ${error.message}`);
        assert.doesNotMatch(error.message, /\n/, 'one line');
        return true;
      });
      assert.equal(existsSync(newFile()), false, 'no file created by the query');
      assert.deepEqual(stateOf(), initial);
    });
  }

  it('refuses through the CLI with exit 1 and one line on stderr, case unchanged', async function () {
    const queries = ['PRAGMA user_version = 99', `ATTACH '${newFile()}' AS evil`, 'WITH x AS (SELECT 1) DELETE FROM requests', 'SELECT 1; DELETE FROM requests'];
    for (const [i, sql] of queries.entries()) {
      // The first as a real process, the others in-process (same code, faster).
      const result = i === 0 ? runCli(['sql', sql, '--case', casePath]) : await runCliInProcess(['sql', sql, '--case', casePath]);
      assert.equal(result.status, 1, `${sql}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^logwitness: /);
      assert.deepEqual(stateOf(), initial);
    }
  });

  it('still answers read-only queries of every allowed form', async function () {
    assert.deepEqual(runReadOnlySql(casePath, 'SELECT count(*) FROM requests').rows, [[2]]);
    assert.deepEqual(runReadOnlySql(casePath, '-- top clients\n/* note */ select client_ip from request_view order by client_ip').rows, [['198.51.100.4'], ['203.0.113.9']]);
    assert.deepEqual(runReadOnlySql(casePath, 'WITH n AS (SELECT count(*) AS c FROM rejects) SELECT c FROM n').rows, [[1]]);
    assert.deepEqual(runReadOnlySql(casePath, "VALUES (1, 'a')").rows, [[1, 'a']]);
    assert.ok(runReadOnlySql(casePath, 'EXPLAIN QUERY PLAN SELECT * FROM requests WHERE time_ms > 0').rows.length > 0);
    assert.ok((runReadOnlySql(casePath, 'SELECT user_version FROM pragma_user_version').rows[0]![0] as number) >= 1);
    const cli = await runCliInProcess(['sql', 'SELECT status, bytes FROM request_view ORDER BY bytes', '--case', casePath, '--json']);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), [{ status: 200, bytes: 1024 }, { status: 200, bytes: 48213 }]);
    assert.deepEqual(stateOf(), initial);
  });
});
