/**
 * The case file: a SQLite database holding the ingested sources, their requests and rejects,
 * and (later) attributions. This module and its siblings are the only importers of
 * better-sqlite3; the rest of logwitness sees the narrow interfaces below.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, StoreError } from '../errors';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { MIGRATIONS, REQUEST_INDEXES } from './migrations';
import { readOnlyFolderFailureOf } from './store-failure';

export type SqliteDatabase = Database.Database;

export interface OpenCaseOptions {
  /** Open without write access (reports, `sql`). The file must exist. */
  readonly readonly?: boolean;
  /** How long to wait for another process's write lock, in ms (default 10 s). */
  readonly busyTimeoutMs?: number;
}

/** A source file as recorded in the case. */
export interface SourceRow {
  readonly id: number;
  readonly path: string;
  readonly sizeBytes: number | null;
  readonly mtimeMs: number | null;
  readonly sha256: string;
  readonly contentSha256: string;
  readonly compression: string | null;
  readonly format: string;
  readonly formatDetail: string | null;
  readonly timeBasis: string;
  readonly lines: number;
  readonly parsed: number;
  readonly rejected: number;
  readonly skippedLines: number;
  readonly firstTimeMs: number | null;
  readonly lastTimeMs: number | null;
  readonly status: 'complete' | 'incomplete';
  readonly error: string | null;
  readonly ingestOptions: string | null;
  readonly ingestedAtMs: number;
  readonly toolVersion: string;
}

const SOURCE_COLUMNS = `id, path, size_bytes AS sizeBytes, mtime_ms AS mtimeMs, sha256, content_sha256 AS contentSha256,
  compression, format, format_detail AS formatDetail, time_basis AS timeBasis, lines, parsed, rejected,
  skipped_lines AS skippedLines, first_time_ms AS firstTimeMs, last_time_ms AS lastTimeMs, status, error,
  ingest_options AS ingestOptions, ingested_at_ms AS ingestedAtMs, tool_version AS toolVersion`;

export class CaseStore {
  readonly path: string;
  readonly readonly: boolean;
  /** The connection. Only store/ modules may use it. */
  readonly db: SqliteDatabase;

  private constructor(path: string, db: SqliteDatabase, readonly: boolean) {
    this.path = path;
    this.db = db;
    this.readonly = readonly;
  }

  /** Open (or, for writing, create) a case file and bring its schema up to date. */
  static open(path: string, options: OpenCaseOptions = {}): CaseStore {
    const absolute = resolve(path);
    const readonly = options.readonly ?? false;
    if (readonly && !existsSync(absolute)) {
      throw new InputError('CASE_NOT_FOUND', `case file ${absolute} does not exist: run "logwitness ingest" first, or pass --case`, {
        details: { path: absolute },
      });
    }
    let db: SqliteDatabase;
    try {
      db = new Database(absolute, { readonly, fileMustExist: readonly });
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
    } catch (error) {
      throw new StoreError('CASE_OPEN_FAILED', `cannot open case file ${absolute}: ${(error as Error).message}`, {
        details: { path: absolute },
        cause: error,
      });
    }
    const store = new CaseStore(absolute, db, readonly);
    try {
      store.checkIsCaseFile();
      if (!readonly) {
        store.migrate();
        store.restoreMissingIndexes();
      }
      else store.checkSchemaCurrent();
    } catch (error) {
      db.close();
      throw error;
    }
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private checkIsCaseFile(): void {
    try {
      this.db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      const readOnlyFolder = readOnlyFolderFailureOf(error, this.path);
      if (readOnlyFolder !== null) throw readOnlyFolder;
      throw new StoreError('NOT_A_CASE_FILE', `${this.path} is not a SQLite case file (${(error as Error).message})`, {
        details: { path: this.path },
        cause: error,
      });
    }
    const tables = this.db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
    if (this.schemaVersion === 0 && tables.n > 0) {
      throw new StoreError('NOT_A_CASE_FILE', `${this.path} is a SQLite database but not a logwitness case file`, {
        details: { path: this.path },
      });
    }
  }

  private checkSchemaCurrent(): void {
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (this.schemaVersion > latest) {
      throw new StoreError(
        'CASE_TOO_NEW',
        `${this.path} has schema version ${this.schemaVersion}, newer than this logwitness (${latest}): upgrade logwitness`,
      );
    }
    if (this.schemaVersion < latest) {
      throw new StoreError(
        'CASE_NEEDS_UPGRADE',
        `${this.path} has schema version ${this.schemaVersion}; open it once for writing (for example "logwitness ingest") to upgrade it to ${latest}`,
      );
    }
  }

  private migrate(): void {
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (this.schemaVersion > latest) this.checkSchemaCurrent();
    const pending = MIGRATIONS.filter((migration) => migration.version > this.schemaVersion);
    if (pending.length === 0) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const migration of pending) {
        // Re-check inside the lock: another process may have migrated meanwhile.
        if (migration.version <= this.schemaVersion) continue;
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      }
      const insertMeta = this.db.prepare('INSERT OR IGNORE INTO case_meta (key, value) VALUES (?, ?)');
      insertMeta.run('created_at', new Date().toISOString());
      insertMeta.run('created_by', `${TOOL_NAME} ${TOOL_VERSION}`);
      for (const index of REQUEST_INDEXES) this.db.exec(index.sql);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw new StoreError('CASE_MIGRATION_FAILED', `cannot prepare case file ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * A large ingest drops the request indexes and rebuilds them at its end; if it was killed
   * in between, the case is consistent but slow to query. Opening it for writing rebuilds them.
   */
  private restoreMissingIndexes(): void {
    const present = new Set(
      (this.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests'").all() as { name: string }[]).map(
        (row) => row.name,
      ),
    );
    for (const index of REQUEST_INDEXES) if (!present.has(index.name)) this.db.exec(index.sql);
  }

  listSources(): SourceRow[] {
    return this.db.prepare(`SELECT ${SOURCE_COLUMNS} FROM sources ORDER BY id`).all() as SourceRow[];
  }

  findSourceBySha256(sha256: string): SourceRow | undefined {
    return this.db.prepare(`SELECT ${SOURCE_COLUMNS} FROM sources WHERE sha256 = ?`).get(sha256) as SourceRow | undefined;
  }

  /** Whether a stored source has this size: a file of another size cannot be one of them. */
  hasSourceOfSize(sizeBytes: number): boolean {
    return this.db.prepare('SELECT 1 FROM sources WHERE size_bytes = ? LIMIT 1').get(sizeBytes) !== undefined;
  }

  countRequests(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  }
}
