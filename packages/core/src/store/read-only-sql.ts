/**
 * `logwitness sql`: one read-only query over the case. The case is evidence, so three
 * independent layers stop a query from changing it, each enough on its own for the cases it
 * covers, together covering what one alone would miss:
 *
 * 1. An allowlist on the statement's leading keywords (after comments): SELECT, WITH,
 *    VALUES, or EXPLAIN [QUERY PLAN] of one of those. A denylist is not enough: SQLite
 *    reports ATTACH, DETACH and `PRAGMA writable_schema = 1` as "read-only" (they do not
 *    write the main file), and `VACUUM INTO` on a read-only connection still creates its
 *    (empty) output file before failing.
 * 2. SQLite's own verdict on the compiled statement: it must be read-only and return rows
 *    (this refuses `WITH ... DELETE` and `INSERT ... RETURNING`).
 * 3. The connection: opened read-only (SQLITE_OPEN_READONLY), `query_only` on, and
 *    `trusted_schema` off so that views or triggers in a case file someone else prepared
 *    cannot call functions with side effects. `load_extension()` is unavailable because
 *    better-sqlite3 leaves extension loading disabled.
 *
 * Only one statement is accepted (better-sqlite3 refuses a string holding more than one).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, StoreError } from '../errors';
import { readOnlyFolderFailureOf } from './store-failure';

export interface SqlResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Keywords a read-only query may start with. */
const QUERY_KEYWORDS: ReadonlySet<string> = new Set(['SELECT', 'WITH', 'VALUES']);

const ALLOWED_FORMS = 'SELECT, WITH ... SELECT, VALUES, or EXPLAIN [QUERY PLAN] of one of those';

/** Characters SQLite's tokenizer treats as white space. */
function isSqlSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

/**
 * The first `count` words of a statement as SQLite's tokenizer would see them, upper-cased,
 * skipping white space and both comment styles. Stops early at anything that is not a word
 * (a quote, a parenthesis...), so the caller sees fewer words than asked for.
 */
export function leadingSqlKeywords(sql: string, count: number): string[] {
  const words: string[] = [];
  let at = 0;
  while (words.length < count && at < sql.length) {
    const code = sql.charCodeAt(at);
    if (isSqlSpace(code)) {
      at++;
    } else if (sql.startsWith('--', at)) {
      const end = sql.indexOf('\n', at);
      at = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', at)) {
      const end = sql.indexOf('*/', at + 2);
      at = end === -1 ? sql.length : end + 2;
    } else {
      const word = /^[A-Za-z_]+/.exec(sql.slice(at, at + 64));
      if (word === null) break;
      words.push(word[0].toUpperCase());
      at += word[0].length;
    }
  }
  return words;
}

/** Why a statement is refused by the keyword allowlist, or null when it may be compiled. */
function refusalOf(sql: string): string | null {
  const words = leadingSqlKeywords(sql, 4);
  let at = 0;
  if (words[at] === 'EXPLAIN') {
    at++;
    if (words[at] === 'QUERY' && words[at + 1] === 'PLAN') at += 2;
  }
  const keyword = words[at];
  if (keyword !== undefined && QUERY_KEYWORDS.has(keyword)) return null;
  const found = keyword === undefined ? (words.length === 0 ? 'no keyword' : 'nothing after EXPLAIN') : `"${keyword}"`;
  return `refused: "logwitness sql" runs one read-only query (${ALLOWED_FORMS}); found ${found}`;
}

/**
 * Run one read-only query over the case file and return its columns and rows. Throws an
 * {@link InputError} (code SQL_NOT_READ_ONLY) for anything that is not a read-only query,
 * SQL_INVALID / SQL_FAILED for SQLite's own errors, CASE_NOT_FOUND when there is no case.
 */
export function runReadOnlySql(casePath: string, sql: string, params: readonly unknown[] = []): SqlResult {
  const path = resolve(casePath);
  if (!existsSync(path)) throw new InputError('CASE_NOT_FOUND', `case file ${path} does not exist`);
  const refusal = refusalOf(sql);
  if (refusal !== null) throw new InputError('SQL_NOT_READ_ONLY', refusal);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError('CASE_OPEN_FAILED', `cannot open case file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    try {
      db.pragma('query_only = ON');
      db.pragma('trusted_schema = OFF');
      db.pragma('busy_timeout = 10000');
    } catch (error) {
      throw new StoreError('CASE_OPEN_FAILED', `cannot read case file ${path}: ${(error as Error).message}`, { cause: error });
    }
    let statement: Database.Statement;
    try {
      statement = db.prepare(sql);
    } catch (error) {
      throw readOnlyFolderFailureOf(error, path) ?? new InputError('SQL_INVALID', `SQL error: ${(error as Error).message}`, { cause: error });
    }
    if (!statement.readonly || !statement.reader) {
      throw new InputError('SQL_NOT_READ_ONLY', `refused: "logwitness sql" runs read-only queries only; SQLite reports that this statement ${statement.reader ? 'would change the case file' : 'returns no rows'}`);
    }
    const columns = statement.columns().map((column) => column.name);
    try {
      const rows = statement.raw(true).all(...params) as unknown[][];
      return { columns, rows };
    } catch (error) {
      throw new InputError('SQL_FAILED', `SQL error: ${(error as Error).message}`, { cause: error });
    }
  } finally {
    db.close();
  }
}
