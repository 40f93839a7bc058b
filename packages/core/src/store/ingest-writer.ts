/**
 * Writes one ingest into the case inside a single transaction per source file, so that a
 * file is either wholly in the case or not at all (an ingest killed halfway leaves nothing
 * of that file behind, and running it again completes it).
 */
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors';
import type { AccessRecord } from '../model';
import { TOOL_VERSION } from '../version';
import type { CaseStore } from './case-store';
import { REQUEST_INDEXES } from './migrations';

/** Drop the interning caches past this many entries, so memory stays bounded on hostile input. */
const MAX_CACHED_STRINGS = 500_000;

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

/** A parsed request ready to store: the record plus the choices ingest made about it. */
export interface RequestToStore {
  readonly line: number;
  readonly record: AccessRecord;
  /** The client address chosen for attribution (the connecting address unless a trusted proxy forwarded it). */
  readonly clientIp: string;
  /** The normalised path used for target matching, or null. */
  readonly path: string | null;
}

class StringInterner {
  private readonly cache = new Map<string, number>();
  private readonly select: Statement<[string], { id: number }>;
  private readonly insert: Statement<[string]>;

  constructor(store: CaseStore, table: string, column: string) {
    this.select = store.db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`);
    this.insert = store.db.prepare(`INSERT INTO ${table} (${column}) VALUES (?)`);
  }

  idOf(value: string): number {
    let id = this.cache.get(value);
    if (id !== undefined) return id;
    id = this.select.get(value)?.id ?? Number(this.insert.run(value).lastInsertRowid);
    if (this.cache.size >= MAX_CACHED_STRINGS) this.cache.clear();
    this.cache.set(value, id);
    return id;
  }

  forget(): void {
    this.cache.clear();
  }
}

export class IngestWriter {
  private readonly store: CaseStore;
  private readonly ips: StringInterner;
  private readonly paths: StringInterner;
  private readonly agents: StringInterner;
  private readonly referrers: StringInterner;
  private readonly insertSource: Statement;
  private readonly updateSource: Statement;
  private readonly insertRequest: Statement;
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
    this.insertRequest = db.prepare(
      `INSERT INTO requests (source_id, line, time_ms, utc_offset_min, client_ip_id, remote_ip_id, forwarded_for,
         method, path_id, target, protocol, request_line, status, bytes, referrer_id, agent_id, ident, user_name,
         vhost, server_port, duration_us, range_header, content_range, range_start, range_end, object_size, extra)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertReject = db.prepare('INSERT INTO rejects (source_id, line, reason, raw, raw_bytes) VALUES (?, ?, ?, ?, ?)');
    this.insertBlock = db.prepare('INSERT INTO raw_blocks (source_id, first_line, line_count, data) VALUES (?, ?, ?, ?)');
  }

  /** Start the transaction for one source (waits for, or fails clearly on, another writer). */
  begin(): void {
    try {
      this.store.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw new StoreError('CASE_BUSY', `case file ${this.store.path} is locked by another writer: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  commit(): void {
    this.store.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK');
    // Ids handed out inside the rolled-back transaction no longer exist.
    for (const interner of [this.ips, this.paths, this.agents, this.referrers]) interner.forget();
  }

  addSource(source: NewSource): number {
    const result = this.insertSource.run({ ...source, ingestedAtMs: Date.now(), toolVersion: TOOL_VERSION });
    return Number(result.lastInsertRowid);
  }

  finishSource(sourceId: number, finished: FinishedSource): void {
    this.updateSource.run({ ...finished, id: sourceId });
  }

  addRequest(sourceId: number, request: RequestToStore): void {
    const r = request.record;
    const clientIpId = this.ips.idOf(request.clientIp);
    const remoteIpId = r.remoteIp === request.clientIp ? null : this.ips.idOf(r.remoteIp);
    this.insertRequest.run(
      sourceId,
      request.line,
      r.timeMs,
      r.utcOffsetMin,
      clientIpId,
      remoteIpId,
      r.forwardedFor,
      r.method,
      request.path === null ? null : this.paths.idOf(request.path),
      r.target === request.path ? null : r.target,
      r.protocol,
      r.requestLine,
      r.status,
      r.bytes,
      r.referrer === null ? null : this.referrers.idOf(r.referrer),
      r.userAgent === null ? null : this.agents.idOf(r.userAgent),
      r.ident,
      r.user,
      r.vhost,
      r.serverPort,
      r.durationUs,
      r.rangeHeader,
      r.contentRange,
      r.rangeStart,
      r.rangeEnd,
      r.objectSize,
      r.extra === null ? null : JSON.stringify(r.extra),
    );
  }

  addReject(sourceId: number, line: number, reason: string, raw: string, rawBytes: number): void {
    this.insertReject.run(sourceId, line, reason, raw, rawBytes);
  }

  addRawBlock(sourceId: number, firstLine: number, lineCount: number, data: Buffer): void {
    this.insertBlock.run(sourceId, firstLine, lineCount, data);
  }

  /** Drop the secondary request indexes before a large load (rebuilt by {@link ensureRequestIndexes}). */
  dropRequestIndexes(): void {
    for (const index of REQUEST_INDEXES) this.store.db.exec(`DROP INDEX IF EXISTS ${index.name}`);
  }

  ensureRequestIndexes(): void {
    for (const index of REQUEST_INDEXES) this.store.db.exec(index.sql);
    this.store.db.exec('ANALYZE');
  }
}
