/**
 * The records logwitness works with. All are plain readonly data: times are UTC epoch
 * milliseconds, absent values are `null` (never "-" or "").
 */

/** One request as parsed from one log line, before it is stored. */
export interface AccessRecord {
  /** Request time as a UTC instant (epoch milliseconds). */
  readonly timeMs: number;
  /** UTC offset of the time as written in the log, in minutes east of UTC (0 for UTC formats). */
  readonly utcOffsetMin: number;
  /** True when the log gave no offset and the time zone was assumed (see `--assume-tz`). */
  readonly offsetAssumed: boolean;
  /** The connecting client address (or host name, when the server logged names). */
  readonly remoteIp: string;
  /** Raw X-Forwarded-For header value when logged. */
  readonly forwardedFor: string | null;
  readonly ident: string | null;
  readonly user: string | null;
  readonly method: string | null;
  /** The request target as sent (path and query), decoded from log escaping only. */
  readonly target: string | null;
  readonly protocol: string | null;
  /** The whole request line, kept when it could not be split into method, target, protocol. */
  readonly requestLine: string | null;
  readonly status: number | null;
  /** Response body bytes sent (`%b`/`%O`/`$body_bytes_sent`, `sc-bytes`...). Null when absent. */
  readonly bytes: number | null;
  readonly referrer: string | null;
  readonly userAgent: string | null;
  readonly vhost: string | null;
  readonly serverPort: number | null;
  /** Time taken to serve the request, in microseconds. */
  readonly durationUs: number | null;
  /** Request `Range` header, when logged. */
  readonly rangeHeader: string | null;
  /** Response `Content-Range` header, when logged. */
  readonly contentRange: string | null;
  /** First and last byte served (inclusive), from CloudFront sc-range-start/end or similar. */
  readonly rangeStart: number | null;
  readonly rangeEnd: number | null;
  /** Total size of the object, when the log records it (S3 object-size). */
  readonly objectSize: number | null;
  /** Other logged fields kept verbatim, by name. */
  readonly extra: Readonly<Record<string, string>> | null;
}

/** Why a line could not be parsed. */
export interface Reject {
  readonly line: number;
  readonly reason: string;
  /** The raw line, decoded for display (invalid UTF-8 replaced); the exact bytes stay in the case. */
  readonly raw: string;
}

/** Where a finding comes from: one line of one ingested file. */
export interface SourceRef {
  readonly file: string;
  readonly sha256: string;
  readonly line: number;
}
