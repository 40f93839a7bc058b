/**
 * Writes one ingest into the case inside a single transaction per source file, so that a
 * file is either wholly in the case or not at all (an ingest killed halfway leaves nothing
 * of that file behind, and running it again completes it).
 */
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors';
import { Col, COLUMN_COUNT, STRING_TABLES, type ParsedBatch, type RareFields, type StringTable } from '../sources/parsed-batch';
import { TOOL_VERSION } from '../version';
import type { UnattributedIp } from './attribution-store';
import type { CaseStore } from './case-store';
import { REQUEST_INDEXES } from './migrations';
import { RAW_BLOCK_CODEC } from './raw-block-codec';
import { HourCounter } from './traffic-counts';

/**
 * Rows per INSERT statement. Binding is the main cost of a row in better-sqlite3; one
 * statement for many rows saves most of the per-call overhead.
 */
const ROWS_PER_INSERT = 64;

/** The columns of requests, in the order {@link IngestWriter.addParsedBatch} binds them. */
const REQUEST_COLUMNS = [
  'source_id', 'line', 'time_ms', 'utc_offset_min', 'client_ip_id', 'path_id', 'status', 'bytes', 'method_id', 'protocol_id',
  'referrer_id', 'agent_id', 'remote_ip_id', 'target',
] as const;
/** The columns of request_details after request_id: the {@link RareFields}, in this order. */
const DETAIL_COLUMNS = [
  'forwarded_for', 'request_line', 'ident', 'user_name', 'vhost', 'server_port', 'duration_us', 'range_header', 'content_range',
  'range_start', 'range_end', 'object_size', 'extra',
] as const;

function insertRequestsSql(rows: number): string {
  const row = `(${REQUEST_COLUMNS.map(() => '?').join(', ')})`;
  return `INSERT INTO requests (${REQUEST_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
}

function idOrNull(ids: readonly number[], reference: number): number | null {
  return Number.isNaN(reference) ? null : ids[reference]!;
}

function nullIfNaN(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/** What is known of a source before its lines are read. */
export interface NewSource {
  readonly path: string;
  readonly sizeBytes: number | null;
  readonly mtimeMs: number | null;
  readonly sha256: string;
  readonly format: string;
  readonly formatDetail: string | null;
  readonly timeBasis: string;
  readonly ingestOptions: string | null;
}

/** What is known of a source once its lines are read. */
export interface FinishedSource {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentSha256: string;
  readonly compression: string | null;
  readonly lines: number;
  readonly parsed: number;
  readonly rejected: number;
  readonly skippedLines: number;
  readonly firstTimeMs: number | null;
  readonly lastTimeMs: number | null;
  readonly status: 'complete' | 'incomplete';
  readonly error: string | null;
}

/**
 * Finds or adds one string of an interned table. No cache here: the parser already sends each
 * distinct string once per file (see ParsedBatch.newStrings), so a cache would only hold every
 * distinct address of the case in memory (about 90 MiB more peak RSS on a 5M-line log with
 * 200k clients) to save one indexed SELECT per string repeated in a later file.
 */
class StringInterner {
  private readonly select: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string]>;

  constructor(store: CaseStore, table: string, column: string) {
    this.select = store.db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`);
    this.insert = store.db.prepare(`INSERT INTO ${table} (${column}) VALUES (?)`);
  }

  idOf(value: string): number {
    return this.select.get(value)?.id ?? Number(this.insert.run(value).lastInsertRowid);
  }
}

/**
 * The addresses a writer adds to the case, in the order added, for callers that attribute
 * them during the load. Ids only grow, so "added" is "above every id seen so far".
 */
class AddedAddresses {
  private highestId: number;
  private added: UnattributedIp[] = [];

  constructor(private readonly store: CaseStore) {
    this.highestId = this.highestStoredId();
  }

  private highestStoredId(): number {
    return (this.store.db.prepare('SELECT coalesce(max(id), 0) AS id FROM ips').get() as { id: number }).id;
  }

  note(ipId: number, ip: string): void {
    if (ipId <= this.highestId) return;
    this.highestId = ipId;
    this.added.push({ ipId, ip });
  }

  take(limit: number): UnattributedIp[] {
    return this.added.length <= limit ? this.added.splice(0) : this.added.splice(0, limit);
  }

  /** After a rollback: the ids it handed out no longer exist (and will be handed out again). */
  forgetRolledBack(): void {
    this.highestId = this.highestStoredId();
    this.added = this.added.filter((address) => address.ipId <= this.highestId);
  }
}

export class IngestWriter {
  private readonly store: CaseStore;
  private readonly ips: StringInterner;
  private readonly paths: StringInterner;
  private readonly agents: StringInterner;
  private readonly referrers: StringInterner;
  private readonly words: StringInterner;
  private readonly insertSource: Statement;
  private readonly updateSource: Statement;
  /** Multi-row inserts by their number of rows. */
  private readonly insertRequests = new Map<number, Statement>();
  private readonly insertDetails: Statement;
  private readonly insertHours: Statement;
  /** Set by {@link trackAddedAddresses}. */
  private addedAddresses: AddedAddresses | null = null;
  /** Per source: the database id of each reference number of a {@link ParsedBatch}. */
  private references: Record<StringTable, number[]> = this.emptyReferences();
  private readonly pendingParams: unknown[] = [];
  private pendingRows = 0;
  /** Rare fields of the pending rows that have any, with their row's position among the pending rows. */
  private readonly pendingDetails: { readonly row: number; readonly fields: RareFields }[] = [];
  /** Per source: requests per UTC hour. */
  private hours = new HourCounter();
  /** The connection's foreign_keys setting, restored after each source's transaction. */
  private foreignKeys = 1;
  private readonly insertReject: Statement;
  private readonly insertBlock: Statement;

  constructor(store: CaseStore) {
    if (store.readonly) throw new StoreError('CASE_READONLY', `case file ${store.path} is open read-only`);
    this.store = store;
    const db = store.db;
    this.ips = new StringInterner(store, 'ips', 'ip');
    this.paths = new StringInterner(store, 'paths', 'path');
    this.agents = new StringInterner(store, 'agents', 'agent');
    this.referrers = new StringInterner(store, 'referrers', 'referrer');
    this.words = new StringInterner(store, 'words', 'word');
    this.insertSource = db.prepare(
      `INSERT INTO sources (path, size_bytes, mtime_ms, sha256, content_sha256, format, format_detail,
         time_basis, lines, parsed, rejected, skipped_lines, status, ingest_options, ingested_at_ms, tool_version)
       VALUES (@path, @sizeBytes, @mtimeMs, @sha256, '', @format, @formatDetail,
         @timeBasis, 0, 0, 0, 0, 'incomplete', @ingestOptions, @ingestedAtMs, @toolVersion)`,
    );
    this.updateSource = db.prepare(
      `UPDATE sources SET sha256 = @sha256, size_bytes = @sizeBytes, content_sha256 = @contentSha256, compression = @compression, lines = @lines, parsed = @parsed, rejected = @rejected,
         skipped_lines = @skippedLines, first_time_ms = @firstTimeMs, last_time_ms = @lastTimeMs, status = @status,
         error = @error WHERE id = @id`,
    );
    this.insertReject = db.prepare('INSERT INTO rejects (source_id, line, reason, raw, raw_bytes) VALUES (?, ?, ?, ?, ?)');
    this.insertBlock = db.prepare('INSERT INTO raw_blocks (source_id, first_line, line_count, codec, data) VALUES (?, ?, ?, ?, ?)');
    this.insertDetails = db.prepare(`INSERT INTO request_details (request_id, ${DETAIL_COLUMNS.join(', ')}) VALUES (${['?', ...DETAIL_COLUMNS.map(() => '?')].join(', ')})`);
    this.insertHours = db.prepare('INSERT INTO request_hours (source_id, hour_start_ms, requests) VALUES (?, ?, ?)');
  }

  /**
   * Start the transaction for one source (waits for, or fails clearly on, another writer).
   *
   * Foreign-key checks are off inside it: every id this writer stores comes from a row it
   * has just found or inserted in the same transaction, so the references hold by
   * construction, and checking five parent keys per request cost more than the insert itself
   * (the tests run PRAGMA foreign_key_check after ingest to prove it). The pragma cannot
   * change inside a transaction, hence here; {@link commit} and {@link rollback} restore it.
   */
  begin(): void {
    this.foreignKeys = this.store.db.pragma('foreign_keys', { simple: true }) as number;
    this.store.db.pragma('foreign_keys = OFF');
    try {
      this.store.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      this.restoreForeignKeys();
      throw new StoreError('CASE_BUSY', `case file ${this.store.path} is locked by another writer: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  commit(): void {
    this.store.db.exec('COMMIT');
    this.restoreForeignKeys();
  }

  private restoreForeignKeys(): void {
    if (!this.store.db.inTransaction) this.store.db.pragma(`foreign_keys = ${this.foreignKeys}`);
  }

  rollback(): void {
    if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK');
    this.restoreForeignKeys();
    this.addedAddresses?.forgetRolledBack();
    // Ids handed out inside the rolled-back transaction no longer exist.
    this.beginSource();
  }

  addSource(source: NewSource): number {
    const result = this.insertSource.run({ ...source, ingestedAtMs: Date.now(), toolVersion: TOOL_VERSION });
    return Number(result.lastInsertRowid);
  }

  finishSource(sourceId: number, finished: FinishedSource): void {
    this.updateSource.run({ ...finished, id: sourceId });
    for (const [hourStartMs, requests] of this.hours.entries()) this.insertHours.run(sourceId, hourStartMs, requests);
  }

  private emptyReferences(): Record<StringTable, number[]> {
    return { ips: [], paths: [], agents: [], referrers: [], words: [] };
  }

  /** Start storing the batches of a new source: reference numbers are per source. */
  beginSource(): void {
    this.references = this.emptyReferences();
    this.pendingParams.length = 0;
    this.pendingRows = 0;
    this.pendingDetails.length = 0;
    this.hours = new HourCounter();
  }

  /**
   * From now on, keep the addresses this writer adds to the case (see
   * {@link takeAddedAddresses}), so that they can be attributed during the load.
   */
  trackAddedAddresses(): void {
    this.addedAddresses ??= new AddedAddresses(this.store);
  }

  /** Up to `limit` of the addresses added since the last call, oldest first. */
  takeAddedAddresses(limit: number): UnattributedIp[] {
    return this.addedAddresses?.take(limit) ?? [];
  }

  /** Store one parsed batch: its new strings, its requests (in line order), rejects and raw block. */
  addParsedBatch(sourceId: number, batch: ParsedBatch): void {
    for (const table of STRING_TABLES) {
      if (batch.resetTables.includes(table)) this.references[table] = [];
      const known = this.references[table];
      const interner = this[table];
      for (const value of batch.newStrings[table]) known.push(interner.idOf(value));
    }
    if (this.addedAddresses !== null) {
      const fresh = batch.newStrings.ips;
      const ids = this.references.ips;
      for (let i = 0; i < fresh.length; i++) this.addedAddresses.note(ids[ids.length - fresh.length + i]!, fresh[i]!);
    }
    this.insertBlock.run(sourceId, batch.firstLine, batch.lineCount, RAW_BLOCK_CODEC, batch.rawBlock);
    const { ips, paths, agents, referrers, words } = this.references;
    const numbers = batch.numbers;
    const params = this.pendingParams;
    let nextRare = 0;
    for (let row = 0; row < batch.rowCount; row++) {
      const at = row * COLUMN_COUNT;
      if (batch.rareRows[nextRare] === row) this.pendingDetails.push({ row: this.pendingRows, fields: batch.rare[nextRare++]! });
      const timeMs = numbers[at + Col.TimeMs]!;
      params.push(
        sourceId,
        numbers[at + Col.Line],
        timeMs,
        numbers[at + Col.UtcOffsetMin],
        ips[numbers[at + Col.ClientIp]!],
        idOrNull(paths, numbers[at + Col.Path]!),
        nullIfNaN(numbers[at + Col.Status]!),
        nullIfNaN(numbers[at + Col.Bytes]!),
        idOrNull(words, numbers[at + Col.Method]!),
        idOrNull(words, numbers[at + Col.Protocol]!),
        idOrNull(referrers, numbers[at + Col.Referrer]!),
        idOrNull(agents, numbers[at + Col.Agent]!),
        idOrNull(ips, numbers[at + Col.RemoteIp]!),
        batch.targets[row],
      );
      this.hours.add(timeMs);
      if (++this.pendingRows === ROWS_PER_INSERT) this.flushRequests();
    }
    this.flushRequests();
    for (const reject of batch.rejects) this.insertReject.run(sourceId, reject.line, reject.reason, reject.raw, reject.rawBytes);
  }

  private flushRequests(): void {
    if (this.pendingRows === 0) return;
    let statement = this.insertRequests.get(this.pendingRows);
    if (statement === undefined) {
      statement = this.store.db.prepare(insertRequestsSql(this.pendingRows));
      this.insertRequests.set(this.pendingRows, statement);
    }
    // The rows of one INSERT get consecutive ids (this transaction is the only writer), so
    // the last id gives each row's.
    const lastId = Number(statement.run(this.pendingParams).lastInsertRowid);
    const firstId = lastId - this.pendingRows + 1;
    for (const { row, fields: f } of this.pendingDetails) {
      this.insertDetails.run(
        firstId + row, f.forwardedFor, f.requestLine, f.ident, f.user, f.vhost, f.serverPort, f.durationUs, f.rangeHeader,
        f.contentRange, f.rangeStart, f.rangeEnd, f.objectSize, f.extra,
      );
    }
    this.pendingParams.length = 0;
    this.pendingRows = 0;
    this.pendingDetails.length = 0;
  }

  /** Drop the secondary request indexes before a large load (rebuilt by {@link ensureRequestIndexes}). */
  dropRequestIndexes(): void {
    for (const index of REQUEST_INDEXES) this.store.db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  }

  ensureRequestIndexes(): void {
    const db = this.store.db;
    // Index builds sort every row. SQLite's sorter hands sorted runs of about the page-cache
    // size to helper threads: with helper threads allowed and a small cache while building,
    // both cores sort (1M rows: 2.7 s -> 1.5 s for the three indexes, measured). A bounded
    // ANALYZE keeps the planner's statistics fresh without reading every row again (a full
    // ANALYZE cost as much as an index build).
    const threads = db.pragma('threads', { simple: true }) as number;
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma('threads = 4');
    db.pragma('cache_size = -2000');
    try {
      for (const index of REQUEST_INDEXES) db.exec(index.sql);
    } finally {
      db.pragma(`threads = ${threads}`);
      db.pragma(`cache_size = ${cacheSize}`);
    }
    db.pragma('analysis_limit = 1000');
    db.exec('ANALYZE');
  }
}
