/**
 * The benchmark, in one command: `npm run bench` (add `-- --5m` for the 5M-line runs).
 *
 * 1. Generates the deterministic combined logs (bench/generate-log.ts) under bench/out/.
 * 2. Times our ingest of the 1M-line log into a fresh case (indexes + attribution with the
 *    embedded databases, as `logwitness ingest` does by default; and with --no-attribute),
 *    end to end through the CLI, under `/usr/bin/time -v` for peak RSS and CPU time.
 * 3. Times GoAccess (parse to a JSON report) and lnav (headless index; one SQL question per
 *    run, as it re-reads the file each time) on the same file.
 * 4. Times our questions (downloads, timeline, actor) on the largest case built: in process
 *    through the core API (what the < 100 ms target is about) and through the CLI (Node start
 *    included).
 * Medians of --runs runs (default 5; 2 for 5M ingests). Prints a Markdown table and writes
 * bench/out/results.json.
 *
 * Options: --5m  --runs N  --no-peers  --no-queries  --lines N (1M log size, for a quick try)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { BENCH_TARGET, benchActorIp, generateLogFile } from './generate-log';

const REPO = resolve(__dirname, '..');
const OUT = join(REPO, 'bench', 'out');
const CLI = join(REPO, 'packages', 'cli', 'bin', 'logwitness.js');
const TIME = '/usr/bin/time';

interface Run {
  readonly wallMs: number;
  /** User + system CPU time of the process and its threads. */
  readonly cpuMs: number;
  readonly peakRssMiB: number | null;
  readonly stdout: string;
}

interface Row {
  readonly what: string;
  readonly tool: string;
  readonly lines: number | null;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number | null;
  readonly peakRssMiB: number | null;
  readonly note: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function args(): { fiveM: boolean; runs: number | null; peers: boolean; queries: boolean; lines: number } {
  const argv = process.argv.slice(2);
  const valueOf = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  return {
    fiveM: argv.includes('--5m'),
    runs: valueOf('--runs') === undefined ? null : Number(valueOf('--runs')),
    peers: !argv.includes('--no-peers'),
    queries: !argv.includes('--no-queries'),
    lines: valueOf('--lines') === undefined ? 1_000_000 : Number(valueOf('--lines')),
  };
}

const hasTime = existsSync(TIME);

/** Run a command once, under /usr/bin/time -v when available. */
function measure(command: string, commandArgs: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const started = performance.now();
  const result = hasTime
    ? spawnSync(TIME, ['-v', command, ...commandArgs], { encoding: 'utf8', env, maxBuffer: 1 << 30 })
    : spawnSync(command, commandArgs, { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  }
  const field = (label: string): number | null => {
    const match = new RegExp(`${label}: ([0-9.]+)`).exec(result.stderr);
    return match ? Number(match[1]) : null;
  };
  const user = field('User time \\(seconds\\)');
  const system = field('System time \\(seconds\\)');
  const rssKiB = field('Maximum resident set size \\(kbytes\\)');
  return {
    wallMs,
    cpuMs: user === null || system === null ? NaN : (user + system) * 1000,
    peakRssMiB: rssKiB === null ? null : rssKiB / 1024,
    stdout: result.stdout,
  };
}

function summarise(what: string, tool: string, lines: number | null, runs: readonly Run[], note = ''): Row {
  const rss = runs.map((r) => r.peakRssMiB).filter((v): v is number => v !== null);
  const cpu = runs.map((r) => r.cpuMs).filter((v) => !Number.isNaN(v));
  const row: Row = {
    what, tool, lines, runs: runs.length, wallMs: median(runs.map((r) => r.wallMs)), cpuMs: cpu.length ? median(cpu) : null,
    peakRssMiB: rss.length ? Math.max(...rss) : null, note,
  };
  process.stderr.write(`  ${what} [${tool}]: median ${row.wallMs.toFixed(0)} ms wall over ${runs.length} run(s)${lines ? `, ${Math.round(lines / (row.wallMs / 1000)).toLocaleString('en')} lines/s` : ''}\n`);
  return row;
}

function repeat(count: number, label: string, once: (index: number) => Run): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < count; i++) {
    process.stderr.write(`    ${label} run ${i + 1}/${count}\n`);
    runs.push(once(i));
  }
  return runs;
}

async function ensureLog(lines: number): Promise<string> {
  const name = lines % 1_000_000 === 0 ? `combined-${lines / 1_000_000}m.log` : `combined-${lines}.log`;
  const path = join(OUT, name);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path} (${lines.toLocaleString('en')} lines, seed 1)...\n`);
    await generateLogFile(lines, path, 1);
  }
  return path;
}

function removeCase(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

function caseBytes(path: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal']) if (existsSync(path + suffix)) bytes += statSync(path + suffix).size;
  return bytes;
}

/** Our ingest: fresh case each run. Returns the row and the case size ratio of the last run. */
function benchIngest(log: string, lines: number, runs: number, casePath: string, extra: readonly string[], what: string): { row: Row; sizeRatio: number } {
  let sizeRatio = NaN;
  const measured = repeat(runs, what, () => {
    removeCase(casePath);
    const run = measure(process.execPath, [CLI, 'ingest', log, '--case', casePath, '--json', ...extra]);
    const result = JSON.parse(run.stdout) as { totals: { lines: number; parsed: number } };
    if (result.totals.lines !== lines || result.totals.parsed !== lines) throw new Error(`ingest accounted ${result.totals.lines} lines, ${result.totals.parsed} parsed; expected ${lines}`);
    sizeRatio = caseBytes(casePath) / statSync(log).size;
    return run;
  });
  return { row: summarise(what, 'logwitness', lines, measured, `case file ${sizeRatio.toFixed(2)}x the log`), sizeRatio };
}

function which(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

function benchGoaccess(log: string, lines: number, runs: number, rows: Row[]): void {
  if (!which('goaccess')) {
    process.stderr.write('GoAccess is not installed: skipped (Debian/Ubuntu: apt-get install goaccess)\n');
    return;
  }
  const report = join(OUT, 'goaccess-report.json');
  rows.push(summarise('parse the log (JSON report)', 'GoAccess', lines, repeat(runs, 'goaccess', () => measure('goaccess', [log, '--log-format=COMBINED', '--no-progress', '-o', report]))));
  // Our embedded country database (real size). GoAccess looks every address up in it but
  // expects the GeoIP2 record layout, so its report says "Unknown": the cost is what we time.
  const packed = join(REPO, 'geo-data', 'data', 'geo-whois-asn-country.mmdb.gz');
  if (existsSync(packed)) {
    const countryDb = join(OUT, 'country.mmdb');
    writeFileSync(countryDb, gunzipSync(readFileSync(packed)));
    rows.push(summarise('parse the log with a country MMDB', 'GoAccess', lines, repeat(runs, 'goaccess+geo', () => measure('goaccess', [log, '--log-format=COMBINED', '--no-progress', `--geoip-database=${countryDb}`, '-o', report])), 'lookups in our embedded country DB'));
  }
}

function lnavEnv(): NodeJS.ProcessEnv {
  // lnav keeps its config and index state under HOME: a private one keeps runs independent.
  const home = join(OUT, 'lnav-home');
  mkdirSync(home, { recursive: true });
  return { ...process.env, HOME: home };
}

function benchLnav(log: string, lines: number, runs: number, actorIp: string, rows: Row[]): void {
  if (!which('lnav')) {
    process.stderr.write('lnav is not installed: skipped (Debian/Ubuntu: apt-get install lnav)\n');
    return;
  }
  const env = lnavEnv();
  const lnav = (sql: string): Run => measure('lnav', ['-n', '-c', `;${sql}`, log], env);
  rows.push(summarise('index the log (SELECT 1)', 'lnav', lines, repeat(runs, 'lnav index', () => lnav('SELECT 1'))));
  rows.push(summarise('question: requests for the target by client', 'lnav', lines, repeat(runs, 'lnav path', () =>
    lnav(`SELECT c_ip, cs_user_agent, count(*), sum(sc_bytes) FROM access_log WHERE cs_uri_stem = '${BENCH_TARGET}' GROUP BY c_ip, cs_user_agent`))));
  rows.push(summarise('question: everything one client did', 'lnav', lines, repeat(runs, 'lnav actor', () =>
    lnav(`SELECT log_time, cs_method, cs_uri_stem, sc_status, sc_bytes FROM access_log WHERE c_ip = '${actorIp}'`))));
}

/** Our questions in process (core API, warm) and through the CLI (cold Node start). */
function benchQueries(casePath: string, requests: number, runs: number, actorIp: string, ordinaryIp: string, rows: Row[]): void {
  const timing = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'query-timing.ts'), casePath, BENCH_TARGET, actorIp, ordinaryIp, String(runs)], {
    encoding: 'utf8',
    cwd: REPO,
  });
  if (timing.status !== 0) throw new Error(`query timing failed: ${timing.stderr}`);
  const inProcess = JSON.parse(timing.stdout) as Record<string, { firstMs: number; medianMs: number; found: string }>;
  for (const [name, result] of Object.entries(inProcess)) {
    rows.push({
      what: `question: ${name} (core API; first call ${result.firstMs.toFixed(1)} ms)`, tool: 'logwitness', lines: requests, runs, wallMs: result.medianMs,
      cpuMs: null, peakRssMiB: null, note: result.found,
    });
    process.stderr.write(`  ${name} in process: median ${result.medianMs.toFixed(1)} ms (first ${result.firstMs.toFixed(1)} ms): ${result.found}\n`);
  }
  const cli: [string, string[]][] = [
    ['downloads', ['downloads', BENCH_TARGET]],
    ['timeline', ['timeline', BENCH_TARGET]],
    ['actor (busiest client)', ['actor', actorIp]],
    ['actor (ordinary client)', ['actor', ordinaryIp]],
  ];
  for (const [name, cliArgs] of cli) {
    rows.push(summarise(`question: ${name} (CLI, --json, Node start included)`, 'logwitness', requests, repeat(runs, `cli ${name}`, () =>
      measure(process.execPath, [CLI, ...cliArgs, '--case', casePath, '--json']))));
  }
}

function formatRows(rows: readonly Row[], peerOf: (row: Row) => Row | null): string {
  const lines = [
    '| what | tool | lines | runs | median wall | lines/s | CPU (user+sys) | peak RSS | ours / peer (wall) | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const peer = peerOf(row);
    const perSecond = row.lines !== null && /^(ingest|parse|index)/.test(row.what) ? Math.round(row.lines / (row.wallMs / 1000)).toLocaleString('en') : '';
    lines.push(
      `| ${row.what} | ${row.tool} | ${row.lines?.toLocaleString('en') ?? ''} | ${row.runs} | ${row.wallMs < 1000 ? `${row.wallMs.toFixed(1)} ms` : `${(row.wallMs / 1000).toFixed(2)} s`} | ${perSecond} | ` +
        `${row.cpuMs === null ? '' : `${(row.cpuMs / 1000).toFixed(2)} s`} | ${row.peakRssMiB === null ? '' : `${row.peakRssMiB.toFixed(0)} MiB`} | ` +
        `${peer === null ? '' : `${(row.wallMs / peer.wallMs).toFixed(2)} (vs ${peer.tool} ${peer.what.replace(/^question: /, '')})`} | ${row.note} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = args();
  mkdirSync(OUT, { recursive: true });
  if (!hasTime) process.stderr.write(`${TIME} not found: no peak RSS or CPU figures (Debian/Ubuntu: apt-get install time)\n`);
  if (!existsSync(CLI) || !existsSync(join(REPO, 'packages', 'cli', 'dist', 'bin.js'))) throw new Error('build first: npm run build');
  const runs = options.runs ?? 5;
  const rows: Row[] = [];
  const actorIp = benchActorIp(1, 0);
  const ordinaryIp = benchActorIp(1, 1000);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stderr.write(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${load}\n`);

  const log1 = await ensureLog(options.lines);
  const case1 = join(OUT, 'case-1m.sqlite');
  rows.push(benchIngest(log1, options.lines, runs, join(OUT, 'case-1m-noattr.sqlite'), ['--no-attribute'], 'ingest into an indexed case (no attribution)').row);
  rows.push(benchIngest(log1, options.lines, runs, case1, [], 'ingest into an indexed case with attribution').row);
  if (options.peers) {
    benchGoaccess(log1, options.lines, runs, rows);
    benchLnav(log1, options.lines, runs, actorIp, rows);
  }
  let queryCase = case1;
  let queryRequests = options.lines;
  if (options.fiveM) {
    const lines5 = options.lines * 5;
    const log5 = await ensureLog(lines5);
    const case5 = join(OUT, 'case-5m.sqlite');
    rows.push(benchIngest(log5, lines5, Math.min(runs, 2), case5, [], 'ingest into an indexed case with attribution').row);
    if (options.peers && which('goaccess')) {
      const report = join(OUT, 'goaccess-report.json');
      rows.push(summarise('parse the log (JSON report)', 'GoAccess', lines5, repeat(1, 'goaccess 5M', () => measure('goaccess', [log5, '--log-format=COMBINED', '--no-progress', '-o', report]))));
    }
    queryCase = case5;
    queryRequests = lines5;
  }
  if (options.queries) benchQueries(queryCase, queryRequests, runs, actorIp, ordinaryIp, rows);

  const peerOf = (row: Row): Row | null => {
    if (row.tool !== 'logwitness') return null;
    const find = (tool: string, prefix: string): Row | null => rows.find((r) => r.tool === tool && r.what.startsWith(prefix) && r.lines === row.lines) ?? null;
    if (row.what.startsWith('ingest')) return find('GoAccess', 'parse the log (JSON');
    if (/question: (downloads|timeline)/.test(row.what)) return rows.find((r) => r.tool === 'lnav' && r.what.includes('target')) ?? null;
    if (row.what.startsWith('question: actor')) return rows.find((r) => r.tool === 'lnav' && r.what.includes('one client')) ?? null;
    return null;
  };
  const table = formatRows(rows, peerOf);
  writeFileSync(join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), load, cpus: cpus().length, node: process.version, rows }, null, 2));
  process.stdout.write(`${table}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
