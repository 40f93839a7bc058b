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

/** A GeoIP/ASN database that answered part of an attribution. */
export interface GeoDatabaseInfo {
  /** File name as given (path). */
  readonly file: string;
  readonly sha256: string;
  /** `databaseType` from the MMDB metadata ("GeoLite2-ASN", "GeoIP2-City", "dbip-country-lite"...). */
  readonly databaseType: string;
  /** Build time from the MMDB metadata (`build_epoch`), as UTC epoch ms. */
  readonly buildEpochMs: number;
}

/** Which database answered which attribution fields. */
export interface AttributionSource {
  readonly database: GeoDatabaseInfo;
  /** Attribution field names this database supplied ("countryCode", "asn"...). */
  readonly fields: readonly string[];
}

/**
 * What is known about the network of one client address. Every field is null when no
 * database answered it. `network` is the investigator's own known-network label.
 */
export interface Attribution {
  readonly ip: string;
  /** Why the address was not looked up: "private", "loopback", "link-local", "cgnat", "documentation", "not an IP address"... */
  readonly reserved: string | null;
  readonly countryCode: string | null;
  readonly countryName: string | null;
  readonly subdivision: string | null;
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly accuracyRadiusKm: number | null;
  readonly asn: number | null;
  readonly asOrg: string | null;
  readonly isp: string | null;
  readonly organization: string | null;
  readonly connectionType: string | null;
  readonly isAnonymous: boolean | null;
  readonly isAnonymousVpn: boolean | null;
  readonly isHostingProvider: boolean | null;
  readonly isPublicProxy: boolean | null;
  readonly isTorExitNode: boolean | null;
  /** Known-network label (from --networks), most specific match. */
  readonly network: string | null;
  /** The CIDR of the matching known network, and the file it came from. */
  readonly networkCidr: string | null;
  readonly networkSource: string | null;
  readonly provenance: readonly AttributionSource[];
}

/** One stored request as the analysis sees it. */
export interface RequestEvent {
  readonly requestId: number;
  readonly timeMs: number;
  readonly utcOffsetMin: number;
  readonly clientIp: string;
  /** The connecting address when a trusted proxy forwarded the request, else null. */
  readonly remoteIp: string | null;
  readonly method: string | null;
  /** Normalised path (see normalizeTargetPath). */
  readonly path: string | null;
  /** The target as sent (with query string). */
  readonly target: string | null;
  readonly status: number | null;
  readonly bytes: number | null;
  readonly referrer: string | null;
  readonly userAgent: string | null;
  readonly rangeHeader: string | null;
  readonly contentRange: string | null;
  readonly rangeStart: number | null;
  readonly rangeEnd: number | null;
  readonly objectSize: number | null;
  readonly source: SourceRef;
}

/** How a download's completeness was decided (DESIGN §4). */
export type CompletenessRule =
  /** Byte ranges (Range/Content-Range, CloudFront/S3 range fields) whose union covers the file. */
  | 'ranges-cover-file'
  /** A 200 whose bytes reach the file size. */
  | 'full-200'
  /** 206 responses whose bytes add up to at least the file size. */
  | 'partial-bytes-sum'
  /** None of the rules above held. */
  | 'incomplete';

/**
 * One client (IP + user agent) obtaining content of the target: its successful requests less
 * than the merge window apart.
 */
export interface Download {
  readonly clientIp: string;
  readonly userAgent: string | null;
  readonly startMs: number;
  readonly endMs: number;
  readonly complete: boolean;
  readonly rule: CompletenessRule;
  /** Body bytes sent across the download's requests. */
  readonly bytes: number;
  readonly requests: readonly RequestEvent[];
  readonly attribution: Attribution | null;
  /** 1-based position in the report's downloads (chronological); timeline events refer to it. */
  readonly number: number;
  /** The matched request path this download obtained (differs from the target with --match prefix/glob). */
  readonly path: string;
  /** The file size completeness was measured against, or null when unknown. */
  readonly sizeBytes: number | null;
  /** The evidence for `rule` in one plain sentence ("a 200 response sent 1,048,576 bytes, reaching..."). */
  readonly ruleDetail: string;
  /** When the user agent names a known crawler: whether the client's network is the crawler operator's. */
  readonly crawler: CrawlerCheck | null;
}

/** What a timeline entry is, for the target. */
export type TimelineEventKind =
  | 'download'
  | 'partial-download'
  | 'probe'
  | 'revalidation'
  | 'denied'
  | 'server-error'
  | 'refused-after-fix'
  | 'other';

export interface TimelineEvent {
  readonly timeMs: number;
  readonly kind: TimelineEventKind;
  /** One plain sentence describing the event. */
  readonly description: string;
  readonly request: RequestEvent;
  readonly attribution: Attribution | null;
  /** The `number` of the download this request is part of, or null for events that are not downloads. */
  readonly downloadNumber: number | null;
}

/** Totals over the downloads of one target. */
export interface DownloadSummary {
  readonly downloads: number;
  readonly complete: number;
  readonly partial: number;
  readonly clients: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
}

/** A requested path that resembles the target but is not it (".bak", another year, the folder). */
export interface NearMiss {
  readonly path: string;
  readonly requests: number;
  readonly successes: number;
}

/** The answer to "who downloaded TARGET" (`logwitness downloads`). */
export interface DownloadsReport {
  readonly target: string;
  /** File size used for completeness, and where it came from. */
  readonly sizeBytes: number | null;
  readonly sizeRule: 'given' | 'largest-200' | 'object-size' | 'unknown';
  readonly summary: DownloadSummary;
  readonly downloads: readonly Download[];
  readonly nearMisses: readonly NearMiss[];
  /** How TARGET was matched, and the distinct request paths it matched. */
  readonly match: 'exact' | 'prefix' | 'glob';
  readonly caseInsensitive: boolean;
  readonly matchedPaths: readonly MatchedPath[];
  /** The merge window used, in ms. */
  readonly windowMs: number;
  /** All requests for the matched paths (successes and other events). */
  readonly requestCount: number;
}

/** One request path that TARGET matched, with its own size (sizes differ per file under --match prefix/glob). */
export interface MatchedPath {
  readonly path: string;
  readonly sizeBytes: number | null;
  readonly sizeRule: 'given' | 'largest-200' | 'object-size' | 'unknown';
  readonly requests: number;
}

/** When the target was exposed, and when the hole was closed. */
export interface ExposureWindow {
  readonly firstSuccessMs: number | null;
  readonly lastSuccessMs: number | null;
  /** The first 403/404/410 for the target after the last success. */
  readonly closedAtMs: number | null;
  readonly closedBy: RequestEvent | null;
}

/** How the target was found: the first successful client and what it did just before. */
export interface Discovery {
  readonly first: RequestEvent;
  readonly referrer: string | null;
  /** That client's requests in the hour before its first success. */
  readonly before: readonly RequestEvent[];
  /**
   * The earliest referrer from another site in that hour (a forum, a search engine, a chat
   * link), or null. "Another site": a host other than those whose referrer URLs point at
   * paths this client requested (the site's own pages).
   */
  readonly externalReferrer: RequestEvent | null;
}

/** The answer to `logwitness timeline TARGET`. */
export interface TimelineReport {
  readonly target: string;
  /** One sentence a lawyer can read; every number in it is backed by `events`. */
  readonly narrative: string;
  readonly exposure: ExposureWindow;
  readonly discovery: Discovery | null;
  readonly events: readonly TimelineEvent[];
  /** Requests for the target after the fix (who came back and was refused). */
  readonly refusedAfterFix: readonly RequestEvent[];
  /** The downloads the narrative counts (the same answer as `findDownloads`). */
  readonly downloads: DownloadsReport;
}

/** A client whose user agent names a known crawler, checked against the crawler operator's ASN. */
export interface CrawlerCheck {
  /** Crawler name ("Googlebot"). */
  readonly name: string;
  readonly operator: string;
  readonly operatorAsns: readonly number[];
  /** The client's ASN from attribution, or null when unknown. */
  readonly observedAsn: number | null;
  /** verified: the ASN is the operator's; mismatch: another network (likely an impersonator); unknown: no ASN data. */
  readonly verdict: 'verified' | 'mismatch' | 'unknown';
  /** The verdict in one sentence, with its caveat. */
  readonly explanation: string;
  /** Where the operator's ASN comes from. */
  readonly reference: string;
}

/** One user agent a client used. */
export interface ActorUserAgent {
  readonly userAgent: string | null;
  readonly requests: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly crawler: CrawlerCheck | null;
}

/** The answer to `logwitness actor IP`: everything one client address did. */
export interface ActorReport {
  /** The address as stored in the case (as given when not seen). */
  readonly ip: string;
  readonly attribution: Attribution | null;
  readonly requests: number;
  readonly bytes: number;
  readonly firstSeenMs: number | null;
  readonly lastSeenMs: number | null;
  readonly userAgents: readonly ActorUserAgent[];
  readonly statuses: readonly { readonly status: number | null; readonly requests: number }[];
  /** The most requested paths, most first. */
  readonly topPaths: readonly { readonly path: string | null; readonly requests: number; readonly bytes: number }[];
  /** Requests per UTC clock hour, for the hours with any. */
  readonly hourly: readonly { readonly hourStartMs: number; readonly requests: number }[];
  /** Requests per hour of the day (0-23) in the display zone. */
  readonly hourOfDay: readonly number[];
  /** The first requests, oldest first (at most the event limit). */
  readonly events: readonly RequestEvent[];
  readonly eventsTruncated: boolean;
  /** One sentence summarising the client. */
  readonly narrative: string;
}
