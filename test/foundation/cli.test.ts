/**
 * The CLI contract of the foundation commands (DESIGN §4): JSON shapes, exit codes, one clear
 * line on stderr for user errors, stdin, read-only sql.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runCli, tempDir } from '../helpers';

const SITE_A = join(FIXTURES, 'foundation', 'site-a.log');

function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('CLI: ingest, sources, sql', () => {
  it('ingest --json prints the contract shape', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    const result = runCli(['ingest', SITE_A, '--case', casePath, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['files', 'totals']);
    const file = json.files[0];
    for (const key of ['path', 'sha256', 'format', 'lines', 'parsed', 'rejected', 'skipped']) assert.ok(key in file, `files[].${key}`);
    assert.equal(file.sha256, fileSha256(SITE_A));
    assert.equal(file.format, 'combined');
    assert.equal(file.skipped, false);
    assert.deepEqual(json.totals, { lines: 8, parsed: 6, rejected: 1 });
    const again = JSON.parse(runCli(['ingest', SITE_A, '--case', casePath, '--json']).stdout);
    assert.equal(again.files[0].skipped, true);
    assert.deepEqual(again.totals, { lines: 0, parsed: 0, rejected: 0 });
  });

  it('ingest reads stdin for "-", and the same bytes again add nothing', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    const input = readFileSync(SITE_A);
    const first = JSON.parse(runCli(['ingest', '-', '--case', casePath, '--json'], { input }).stdout);
    assert.equal(first.files[0].path, '(stdin)');
    assert.equal(first.files[0].sha256, fileSha256(SITE_A));
    assert.equal(first.totals.parsed, 6);
    const second = JSON.parse(runCli(['ingest', '-', '--case', casePath, '--json'], { input }).stdout);
    assert.equal(second.files[0].skipped, true);
    const sources = JSON.parse(runCli(['sources', '--case', casePath, '--json']).stdout);
    assert.equal(sources.sources.length, 1);
  });

  it('recognises a file first read from stdin when it is given by path, and the reverse', () => {
    const input = readFileSync(SITE_A);
    const stdinFirst = join(tempDir(), 'case.sqlite');
    assert.equal(JSON.parse(runCli(['ingest', '-', '--case', stdinFirst, '--json'], { input }).stdout).files[0].skipped, false);
    assert.equal(JSON.parse(runCli(['ingest', SITE_A, '--case', stdinFirst, '--json']).stdout).files[0].skipped, true);
    const pathFirst = join(tempDir(), 'case.sqlite');
    assert.equal(JSON.parse(runCli(['ingest', SITE_A, '--case', pathFirst, '--json']).stdout).files[0].skipped, false);
    assert.equal(JSON.parse(runCli(['ingest', '-', '--case', pathFirst, '--json'], { input }).stdout).files[0].skipped, true);
    for (const casePath of [stdinFirst, pathFirst]) {
      assert.equal(JSON.parse(runCli(['sources', '--case', casePath, '--json']).stdout).sources.length, 1);
    }
  });

  it('the table output escapes control characters from the logs', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    runCli(['ingest', SITE_A, '--case', casePath]);
    const result = runCli(['sql', 'SELECT user_agent FROM request_view WHERE line = 6', '--case', casePath]);
    assert.equal(result.status, 0);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw ESC reaches the terminal');
    assert.ok(result.stdout.includes('\\x1b[31mred'));
  });

  it('sources lists hashes, formats, counts and time ranges in the display zone', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    runCli(['ingest', SITE_A, '--case', casePath]);
    const json = JSON.parse(runCli(['sources', '--case', casePath, '--json']).stdout);
    const source = json.sources[0];
    assert.equal(source.first, '2011-09-20T03:14:07.000Z');
    assert.equal(source.last, '2011-09-21T00:00:00.000Z');
    assert.equal(source.lines, 8);
    const table = runCli(['sources', '--case', casePath, '--tz', 'America/New_York']).stdout;
    assert.ok(table.includes('2011-09-19 23:14:07 -04:00'), table);
    const csv = runCli(['sources', '--case', casePath, '--csv']).stdout;
    assert.ok(csv.startsWith('id,file,format,lines,parsed,rejected,first,last,status,sha256\r\n'));
  });

  it('sql answers read-only queries and refuses writes, leaving the case unchanged', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    runCli(['ingest', SITE_A, '--case', casePath]);
    const rows = JSON.parse(runCli(['sql', 'SELECT count(*) AS n FROM requests', '--case', casePath, '--json']).stdout);
    assert.deepEqual(rows, [{ n: 6 }]);
    const before = fileSha256(casePath);
    for (const query of ['DELETE FROM requests', "ATTACH 'x.sqlite' AS x", 'PRAGMA user_version = 99', 'DROP TABLE rejects', 'SELECT 1; DELETE FROM requests']) {
      const result = runCli(['sql', query, '--case', casePath]);
      assert.equal(result.status, 1, query);
      assert.match(result.stderr, /^logwitness: /);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line on stderr for: ${query}`);
    }
    assert.equal(fileSha256(casePath), before);
  });

  it('user errors exit 1 with one clear line and no stack trace', () => {
    const dir = tempDir();
    const cases: Array<[string[], RegExp]> = [
      [['ingest', join(dir, 'missing.log'), '--case', join(dir, 'c.sqlite')], /missing\.log does not exist/],
      [['sources', '--case', join(dir, 'none.sqlite')], /does not exist: run "logwitness ingest" first/],
      [['sources', '--case', SITE_A], /not a SQLite case file|not a logwitness case file/],
      [['ingest', SITE_A, '--format', 'klingon', '--case', join(dir, 'c.sqlite')], /unknown format "klingon"/],
      [['sources', '--tz', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
      [['frobnicate'], /Unknown argument: frobnicate/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args);
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, message);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    }
  });
});
