/**
 * `logwitness sql`: one read-only statement over the case. Defence in depth, because the
 * case is evidence: the connection is opened read-only with query_only set, the statement
 * must be one that SQLite itself reports as read-only and that returns rows, and ATTACH,
 * DETACH, PRAGMA and VACUUM are refused outright (SQLite counts ATTACH as "read-only"
 * since it does not change the main file).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, StoreError } from '../errors';

export interface SqlResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

const REFUSED_KEYWORDS = /^\s*(attach|detach|pragma|vacuum|reindex|analyze)\b/i;

/** Strip leading comments so the first keyword can be seen. */
function stripLeadingComments(sql: string): string {
  let text = sql;
  for (;;) {
    const trimmed = text.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      text = end === -1 ? '' : trimmed.slice(end + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      text = end === -1 ? '' : trimmed.slice(end + 2);
    } else {
      return trimmed;
    }
  }
}

export function runReadOnlySql(casePath: string, sql: string, params: readonly unknown[] = []): SqlResult {
  const path = resolve(casePath);
  if (!existsSync(path)) throw new InputError('CASE_NOT_FOUND', `case file ${path} does not exist`);
  if (REFUSED_KEYWORDS.test(stripLeadingComments(sql))) {
    throw new InputError('SQL_NOT_READ_ONLY', 'refused: "logwitness sql" runs read-only queries only (no ATTACH, DETACH, PRAGMA, VACUUM, REINDEX or ANALYZE)');
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError('CASE_OPEN_FAILED', `cannot open case file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma('query_only = ON');
    db.pragma('busy_timeout = 10000');
    let statement: Database.Statement;
    try {
      statement = db.prepare(sql);
    } catch (error) {
      throw new InputError('SQL_INVALID', `SQL error: ${(error as Error).message}`, { cause: error });
    }
    if (!statement.readonly || !statement.reader) {
      throw new InputError('SQL_NOT_READ_ONLY', 'refused: "logwitness sql" runs read-only queries only; this statement would change the case file');
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
