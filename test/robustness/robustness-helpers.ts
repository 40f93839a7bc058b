/**
 * Helpers shared by the robustness tests: hashing case files, checking a case's accounting
 * and integrity, reproducing the raw bytes stored for a source, and generating real-shaped
 * logs from a seed.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { CaseStore, decodeRawBlock, type RawBlockCodec } from '@logwitness/core';
import { REPO_ROOT } from '../helpers';
import { seededRandom } from '../helpers/seeded-random';

export { seededRandom };

/** sha256 of a file's bytes. */
export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Open the case read-only for a check, run `check`, close it. */
export function withCase<T>(casePath: string, check: (store: CaseStore) => T): T {
  const store = CaseStore.open(casePath, { readonly: true });
  try {
    return check(store);
  } finally {
    store.close();
  }
}

export interface SourceCounts {
  readonly id: number;
  readonly path: string;
  readonly sha256: string;
  readonly status: string;
  readonly error: string | null;
  readonly lines: number;
  readonly parsed: number;
  readonly rejected: number;
  readonly skipped: number;
}

/**
 * Check the forensic accounting of every source in the case, against the rows themselves:
 * lines = parsed + rejected + skipped; parsed = distinct request lines; rejected = reject
 * rows; raw blocks cover lines 1..lines exactly once; no line is both parsed and rejected;
 * no row belongs to a source that does not exist; PRAGMA integrity_check is ok.
 * Returns the sources.
 */
export function checkCaseAccounting(casePath: string): SourceCounts[] {
  return withCase(casePath, (store) => {
    const db = store.db;
    assert.deepEqual(db.pragma('integrity_check', { simple: false }), [{ integrity_check: 'ok' }], 'PRAGMA integrity_check');
    assert.deepEqual(db.pragma('foreign_key_check'), [], 'PRAGMA foreign_key_check');
    const sources = db.prepare(
      'SELECT id, path, sha256, status, error, lines, parsed, rejected, skipped_lines AS skipped FROM sources ORDER BY id',
    ).all() as SourceCounts[];
    for (const s of sources) {
      const where = `source ${s.id} (${s.path})`;
      assert.equal(s.lines, s.parsed + s.rejected + s.skipped, `${where}: lines = parsed + rejected + skipped`);
      const requestLines = db.prepare('SELECT count(DISTINCT line) AS n FROM requests WHERE source_id = ?').get(s.id) as { n: number };
      assert.equal(requestLines.n, s.parsed, `${where}: distinct request lines = parsed`);
      const rejects = db.prepare('SELECT count(*) AS n, count(DISTINCT line) AS d FROM rejects WHERE source_id = ?').get(s.id) as { n: number; d: number };
      assert.equal(rejects.n, s.rejected, `${where}: reject rows = rejected`);
      assert.equal(rejects.d, s.rejected, `${where}: one reject per rejected line`);
      const both = db.prepare('SELECT count(*) AS n FROM rejects j WHERE source_id = ? AND EXISTS (SELECT 1 FROM requests r WHERE r.source_id = j.source_id AND r.line = j.line)').get(s.id) as { n: number };
      assert.equal(both.n, 0, `${where}: no line both parsed and rejected`);
      const outside = db.prepare('SELECT (SELECT count(*) FROM requests WHERE source_id = ? AND (line < 1 OR line > ?)) + (SELECT count(*) FROM rejects WHERE source_id = ? AND (line < 1 OR line > ?)) AS n').get(s.id, s.lines, s.id, s.lines) as { n: number };
      assert.equal(outside.n, 0, `${where}: every cited line number lies in 1..lines`);
      const blocks = db.prepare('SELECT first_line AS firstLine, line_count AS lineCount FROM raw_blocks WHERE source_id = ? ORDER BY first_line').all(s.id) as { firstLine: number; lineCount: number }[];
      let next = 1;
      for (const block of blocks) {
        assert.equal(block.firstLine, next, `${where}: raw blocks are contiguous`);
        next += block.lineCount;
      }
      assert.equal(next - 1, s.lines, `${where}: raw blocks cover every line`);
    }
    for (const table of ['requests', 'rejects', 'raw_blocks']) {
      const orphans = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE source_id NOT IN (SELECT id FROM sources)`).get() as { n: number };
      assert.equal(orphans.n, 0, `${table}: no rows of a source that is not recorded`);
    }
    return sources;
  });
}

/** The bytes stored in raw_blocks for a source, inflated and concatenated in line order. */
export function storedRawBytes(casePath: string, sourceId: number): Buffer {
  return withCase(casePath, (store) => {
    const rows = store.db.prepare('SELECT codec, data FROM raw_blocks WHERE source_id = ? ORDER BY first_line').all(sourceId) as { codec: RawBlockCodec; data: Buffer }[];
    return Buffer.concat(rows.map((row) => decodeRawBlock(row.codec, row.data)));
  });
}


const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Wget/1.21.4',
];
const TARGETS = ['/', '/index.html', '/admin/export/donors-2026.csv', '/static/app.js', '/login?next=%2Fadmin', '/wp-login.php', '/images/logo.png'];

/** CLF time text for epoch ms, written in UTC ("+0000"). */
export function clfTime(timeMs: number): string {
  const d = new Date(timeMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** What a generated log holds, known from how it was generated (not from parsing it). */
export interface GeneratedLog {
  readonly lines: number;
  readonly parsed: number;
  readonly rejected: number;
  readonly sha256: string;
}

/**
 * Write a combined-format log of `lineCount` lines from a seed: `distinctIps` client
 * addresses, a few agents and targets, one line in `rejectEvery` deliberately malformed.
 * Written in 1 MB pieces so generating a large file does not hold it in memory.
 */
export function writeGeneratedLog(path: string, lineCount: number, seed: number, options: { distinctIps?: number; rejectEvery?: number } = {}): GeneratedLog {
  const random = seededRandom(seed);
  const distinctIps = options.distinctIps ?? 500;
  const rejectEvery = options.rejectEvery ?? 997;
  const fd = openSync(path, 'w');
  let pending: string[] = [];
  let pendingBytes = 0;
  let timeMs = Date.UTC(2026, 2, 1);
  try {
    for (let i = 1; i <= lineCount; i++) {
      timeMs += Math.floor(random() * 2000);
      let line: string;
      if (i % rejectEvery === 0) {
        line = `garbage line ${i} \u0000 not a log line`;
      } else {
        const ip = Math.floor(random() * distinctIps);
        const target = TARGETS[Math.floor(random() * TARGETS.length)]!;
        const agent = AGENTS[Math.floor(random() * AGENTS.length)]!;
        const status = random() < 0.9 ? 200 : 404;
        line = `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255} - - [${clfTime(timeMs)}] "GET ${target} HTTP/1.1" ${status} ${Math.floor(random() * 100000)} "-" "${agent}"`;
      }
      pending.push(line);
      pendingBytes += line.length + 1;
      if (pendingBytes > 1 << 20) {
        writeSync(fd, pending.join('\n') + '\n');
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pending.length > 0) writeSync(fd, pending.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  const rejected = Math.floor(lineCount / rejectEvery);
  return { lines: lineCount, parsed: lineCount - rejected, rejected, sha256: sha256OfFile(path) };
}

/** Write a small file (convenience for fixtures built in a test). */
export function writeBytes(path: string, bytes: Buffer | string): string {
  writeFileSync(path, bytes);
  return path;
}

/**
 * A digest of everything the case holds: its schema (tables, indexes, views), schema version,
 * and every row of every table. SQLite's planner statistics (sqlite_stat*) are left out:
 * they are not evidence and ANALYZE rewrites them.
 */
export function logicalDigest(casePath: string): string {
  return withCase(casePath, (store) => {
    const hash = createHash('sha256');
    hash.update(`user_version=${store.schemaVersion}\n`);
    const schema = store.db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").all() as { type: string; name: string; sql: string | null }[];
    for (const item of schema) hash.update(`${item.type} ${item.name} ${item.sql}\n`);
    for (const table of schema.filter((item) => item.type === 'table')) {
      for (const row of store.db.prepare(`SELECT * FROM "${table.name}" ORDER BY 1, 2`).raw(true).iterate() as Iterable<unknown[]>) {
        hash.update(JSON.stringify(row, (_key, value) => (Buffer.isBuffer(value) ? value.toString('base64') : typeof value === 'bigint' ? value.toString() : value)));
        hash.update('\n');
      }
    }
    return hash.digest('hex');
  });
}

type WriteFunction = typeof process.stdout.write;

/**
 * Run the CLI's `run(argv)` (what bin/logwitness.js calls) in this process, capturing what
 * it writes to stdout and stderr, as if both were pipes. Much faster than a child process,
 * for tests that run many commands; tests of exit codes and signals use real processes.
 * Not for --help/--version (yargs exits the process after printing them).
 */
export async function runCliInProcess(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js')) as { run(argv: readonly string[]): Promise<number> };
  const captured = { stdout: '', stderr: '' };
  const saved = [process.stdout.write, process.stderr.write, process.stdout.isTTY, process.stderr.isTTY] as const;
  const capture = (stream: 'stdout' | 'stderr'): WriteFunction =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as WriteFunction;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
  try {
    const status = await cli.run(args);
    return { status, ...captured };
  } finally {
    process.stdout.write = saved[0];
    process.stderr.write = saved[1];
    Object.defineProperty(process.stdout, 'isTTY', { value: saved[2], configurable: true, writable: true });
    Object.defineProperty(process.stderr, 'isTTY', { value: saved[3], configurable: true, writable: true });
  }
}
