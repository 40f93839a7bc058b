/**
 * SQLite failures caused by the environment rather than by logwitness (a full disk, a
 * read-only folder, an I/O error, another process holding the lock, a damaged file), turned
 * into {@link StoreError}s an investigator can act on. The CLI reports them as user errors
 * (exit 1, one line) instead of internal errors. Each transaction is rolled back by SQLite,
 * so the message can say that nothing of the interrupted work was stored.
 */
import { accessSync, constants } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StoreError } from '../errors';

interface Failure {
  readonly code: string;
  readonly what: string;
  readonly advice: string;
}

function classify(sqliteCode: string): Failure | null {
  if (sqliteCode === 'SQLITE_FULL') return { code: 'CASE_DISK_FULL', what: 'the disk holding it is full', advice: 'free space (or use --case on another disk) and run the command again' };
  if (sqliteCode.startsWith('SQLITE_READONLY')) return { code: 'CASE_READ_ONLY', what: 'it, or its folder, is read-only', advice: 'copy the case to a writable folder, or use --case' };
  if (sqliteCode.startsWith('SQLITE_IOERR')) return { code: 'CASE_IO_ERROR', what: 'the disk reported an I/O error', advice: 'check the disk, then run the command again' };
  if (sqliteCode.startsWith('SQLITE_BUSY') || sqliteCode.startsWith('SQLITE_LOCKED')) return { code: 'CASE_BUSY', what: 'another process holds its write lock (busy/locked)', advice: 'wait for the other logwitness command to finish and run this one again' };
  if (sqliteCode.startsWith('SQLITE_CORRUPT') || sqliteCode === 'SQLITE_NOTADB') return { code: 'CASE_DAMAGED', what: 'it is damaged', advice: 'restore it from a copy, or ingest the logs into a new case' };
  if (sqliteCode.startsWith('SQLITE_CANTOPEN')) return { code: 'CASE_OPEN_FAILED', what: 'SQLite cannot open it or the files it needs beside it', advice: 'check that the folder exists and is writable' };
  return null;
}

/**
 * The {@link StoreError} for a SQLite error caused by the environment, or null for anything
 * else (which stays an internal error). `casePath` names the case in the message when known.
 */
export function storeFailureOf(error: unknown, casePath: string | null = null): StoreError | null {
  const sqliteCode = (error as { code?: unknown } | null)?.code;
  if (typeof sqliteCode !== 'string' || !sqliteCode.startsWith('SQLITE_')) return null;
  const failure = classify(sqliteCode);
  if (failure === null) return null;
  const which = casePath === null ? 'the case file' : `case file ${casePath}`;
  return new StoreError(
    failure.code,
    `cannot use ${which}: ${failure.what} (SQLite: ${(error as Error).message}); the interrupted work was rolled back, nothing of it was stored; ${failure.advice}`,
    { details: { sqliteCode }, cause: error },
  );
}

/**
 * The {@link StoreError} for a case that cannot be read because its folder is read-only (a
 * write-blocked disk, a read-only share): case files are in WAL mode, and a WAL reader needs
 * to create the "-shm" index file beside the case. Null when that is not the cause.
 */
export function readOnlyFolderFailureOf(error: unknown, casePath: string): StoreError | null {
  if ((error as { code?: unknown } | null)?.code !== 'SQLITE_CANTOPEN') return null;
  try {
    accessSync(dirname(casePath), constants.W_OK);
    return null;
  } catch {
    return new StoreError(
      'CASE_FOLDER_READ_ONLY',
      `cannot read case file ${casePath}: its folder is read-only, and SQLite needs to create ${basename(casePath)}-shm beside a case file (WAL mode) to read it; copy the case file to a writable folder and read the copy`,
      { details: { path: casePath }, cause: error },
    );
  }
}
