/**
 * The narrow, read-only query interface the analysis uses. Analysis never sees
 * better-sqlite3: it asks for paths and requests through {@link RequestQueries}, and every
 * query here is answered from an index (the unique index on `paths.path`, and
 * `requests_by_path_time` / `requests_by_client_time`), never from a
 * scan of `requests`. test/analysis/query-plan.test.ts checks that with EXPLAIN QUERY PLAN.
 */
import type Database from 'better-sqlite3';
import type { RequestEvent } from '../model';
import type { CaseStore } from './case-store';

/** One distinct normalised path in the case. */
export interface PathRow {
  readonly pathId: number;
  readonly path: string;
}

/** Request counts for one path. */
export interface PathCounts {
  readonly requests: number;
  /** GET (non-HEAD) 200/206 responses with a body: the DESIGN §4 "successful content". */
  readonly successes: number;
}

/**
 * One client's requests grouped by (user agent, status, path): the whole profile of a client
 * from one pass over its rows. Separate GROUP BY queries would each re-read every row, and
 * for a busy crawler that is most of the cost.
 */
export interface ClientProfileRow {
  readonly agentId: number | null;
  readonly status: number | null;
  readonly pathId: number | null;
  readonly requests: number;
  readonly bytes: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

export interface HourCountRow {
  /** Start of the UTC hour, epoch ms. */
  readonly hourStartMs: number;
  readonly requests: number;
}

const HOUR_MS = 3_600_000;

const EVENT_COLUMNS = `r.id AS requestId, r.time_ms AS timeMs, r.utc_offset_min AS utcOffsetMin, ci.ip AS clientIp,
  ri.ip AS remoteIp, m.word AS method, p.path AS path, COALESCE(r.target, p.path) AS target, r.status AS status,
  r.bytes AS bytes, rf.referrer AS referrer, a.agent AS userAgent, d.range_header AS rangeHeader,
  d.content_range AS contentRange, d.range_start AS rangeStart, d.range_end AS rangeEnd, d.object_size AS objectSize,
  s.path AS sourceFile, s.sha256 AS sourceSha256, r.line AS sourceLine`;

const EVENT_JOINS = `FROM requests r
  JOIN sources s ON s.id = r.source_id
  JOIN ips ci ON ci.id = r.client_ip_id
  LEFT JOIN ips ri ON ri.id = r.remote_ip_id
  LEFT JOIN words m ON m.id = r.method_id
  LEFT JOIN paths p ON p.id = r.path_id
  LEFT JOIN request_details d ON d.request_id = r.id
  LEFT JOIN referrers rf ON rf.id = r.referrer_id
  LEFT JOIN agents a ON a.id = r.agent_id`;

/** The SQL condition for "successful content" (DESIGN §4), shared by every count here. */
const SUCCESS_SQL = `(r.status IN (200, 206) AND r.bytes > 0 AND r.method_id IS NOT (SELECT id FROM words WHERE word = 'HEAD'))`;

interface EventRow extends Omit<RequestEvent, 'source'> {
  readonly sourceFile: string;
  readonly sourceSha256: string;
  readonly sourceLine: number;
}

/** Row to event. Written out field by field: rest/spread copies cost more than the query on hot paths. */
function toEvent(row: EventRow): RequestEvent {
  return {
    requestId: row.requestId, timeMs: row.timeMs, utcOffsetMin: row.utcOffsetMin, clientIp: row.clientIp, remoteIp: row.remoteIp,
    method: row.method, path: row.path, target: row.target, status: row.status, bytes: row.bytes, referrer: row.referrer,
    userAgent: row.userAgent, rangeHeader: row.rangeHeader, contentRange: row.contentRange, rangeStart: row.rangeStart,
    rangeEnd: row.rangeEnd, objectSize: row.objectSize, source: { file: row.sourceFile, sha256: row.sourceSha256, line: row.sourceLine },
  };
}

/** The upper bound of a prefix range over a BINARY-collated index: the prefix with its last code unit incremented. */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** The SQL text of every statement, so the query-plan test can EXPLAIN exactly what runs. */
export const REQUEST_QUERY_SQL = {
  pathByText: 'SELECT id AS pathId, path FROM paths WHERE path = ?',
  pathsInRange: 'SELECT id AS pathId, path FROM paths WHERE path >= ? AND path < ? ORDER BY path LIMIT ?',
  allPaths: 'SELECT id AS pathId, path FROM paths',
  requestsForPath: `SELECT ${EVENT_COLUMNS} ${EVENT_JOINS} WHERE r.path_id = ? ORDER BY r.time_ms, r.id`,
  countsForPath: `SELECT count(*) AS requests, COALESCE(sum(${SUCCESS_SQL}), 0) AS successes FROM requests r WHERE r.path_id = ?`,
  ipId: 'SELECT id FROM ips WHERE ip = ?',
  requestsForClient: `SELECT ${EVENT_COLUMNS} ${EVENT_JOINS}
    WHERE r.client_ip_id = ? AND r.time_ms >= ? AND r.time_ms < ? ORDER BY r.time_ms, r.id LIMIT ?`,
  clientProfile: `SELECT r.agent_id AS agentId, r.status AS status, r.path_id AS pathId, count(*) AS requests,
    COALESCE(sum(r.bytes), 0) AS bytes, min(r.time_ms) AS firstMs, max(r.time_ms) AS lastMs
    FROM requests r WHERE r.client_ip_id = ? GROUP BY r.agent_id, r.status, r.path_id`,
  agentById: 'SELECT agent FROM agents WHERE id = ?',
  pathById: 'SELECT path FROM paths WHERE id = ?',
  clientHours: `SELECT (r.time_ms / ${HOUR_MS}) * ${HOUR_MS} AS hourStartMs, count(*) AS requests
    FROM requests r WHERE r.client_ip_id = ? GROUP BY hourStartMs ORDER BY hourStartMs`,
} as const;

/** Read-only, index-backed queries over one open case. */
export class RequestQueries {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(store: CaseStore) {
    this.db = store.db;
  }

  private statement(key: keyof typeof REQUEST_QUERY_SQL): Database.Statement {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(REQUEST_QUERY_SQL[key]);
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** The path row for exactly this normalised path, or null when no request had it. */
  findPath(path: string): PathRow | null {
    return (this.statement('pathByText').get(path) as PathRow | undefined) ?? null;
  }

  /** Paths starting with `prefix` (case-sensitive), in path order, at most `limit` of them. */
  findPathsWithPrefix(prefix: string, limit: number): PathRow[] {
    if (prefix === '') return this.statement('pathsInRange').all('', '\u{10ffff}', limit) as PathRow[];
    return this.statement('pathsInRange').all(prefix, prefixUpperBound(prefix), limit) as PathRow[];
  }

  /**
   * Every distinct path, one at a time, for matches no index can answer (case-insensitive).
   * This reads the paths table (one row per distinct path), not the requests.
   */
  *iteratePaths(): IterableIterator<PathRow> {
    yield* this.statement('allPaths').iterate() as IterableIterator<PathRow>;
  }

  /** Every request for one path, oldest first. */
  requestsForPath(pathId: number): RequestEvent[] {
    return (this.statement('requestsForPath').all(pathId) as EventRow[]).map(toEvent);
  }

  countsForPath(pathId: number): PathCounts {
    return this.statement('countsForPath').get(pathId) as PathCounts;
  }

  /** The interned id of a client address, or null when the case never saw it. */
  findClientId(ip: string): number | null {
    const row = this.statement('ipId').get(ip) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** One client's requests in [fromMs, toMs), oldest first, at most `limit`. */
  requestsForClient(clientId: number, fromMs: number, toMs: number, limit: number): RequestEvent[] {
    return (this.statement('requestsForClient').all(clientId, fromMs, toMs, limit) as EventRow[]).map(toEvent);
  }

  /** One client's requests grouped by user agent, status and path, in one pass over its rows. */
  clientProfile(clientId: number): ClientProfileRow[] {
    return this.statement('clientProfile').all(clientId) as ClientProfileRow[];
  }

  agentText(agentId: number): string | null {
    return (this.statement('agentById').get(agentId) as { agent: string } | undefined)?.agent ?? null;
  }

  pathText(pathId: number): string | null {
    return (this.statement('pathById').get(pathId) as { path: string } | undefined)?.path ?? null;
  }

  clientHours(clientId: number): HourCountRow[] {
    return this.statement('clientHours').all(clientId) as HourCountRow[];
  }

  /** EXPLAIN QUERY PLAN details of one statement (for tests and `--explain` style diagnostics). */
  explain(key: keyof typeof REQUEST_QUERY_SQL): string[] {
    const sql = REQUEST_QUERY_SQL[key];
    const parameters = (sql.match(/\?/g) ?? []).map(() => 1);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
  }
}
