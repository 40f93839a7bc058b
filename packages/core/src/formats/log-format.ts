/**
 * The LogFormat interface every format implements, and the helpers formats share.
 *
 * A format makes a {@link LineParser} once per file (so stateful formats such as W3C, whose
 * `#Fields` header may change mid-file, keep their state there) and the parser turns each
 * line into a record, a reject with a reason, or a skip (comments, headers, directives).
 */
import type { AccessRecord } from '../model';

export interface ParserOptions {
  /**
   * Time zone for formats whose times carry no UTC offset (HAProxy, some IIS): an IANA name
   * ("Europe/London") or a fixed offset ("+01:00"). Null when the user gave none.
   */
  readonly assumeTz: string | null;
}

export type LineResult =
  /**
   * `more` holds further requests found on the same line, when a server wrote two without a
   * line break between them (the NASA 1995 trace has such lines). Each is stored with the
   * line's number.
   */
  | { readonly kind: 'record'; readonly record: AccessRecord; readonly more?: readonly AccessRecord[] }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'skip' };

export interface LineParser {
  /** Parse one line (without its line terminator). Must never throw. */
  parseLine(text: string): LineResult;
}

export interface LogFormat {
  /** Stable name used by `--format` and stored in the case ("combined", "w3c"...). */
  readonly name: string;
  /** One line for `logwitness formats`. */
  readonly description: string;
  /** Where the format is specified (documentation URL or document name). */
  readonly spec: string;
  /** Real-shaped example lines; every one must parse (checked by the format tests). */
  readonly samples: readonly string[];
  /**
   * True when the format's times carry no UTC offset and are not UTC by specification,
   * so the user must say which zone they are in (`--assume-tz`).
   */
  readonly needsTimeZone: boolean;
  /** How the format's times relate to UTC, recorded with each source ("UTC by specification"...). */
  readonly timeBasis?: string;
  createParser(options: ParserOptions): LineParser;
  /**
   * How well the first lines of a file fit this format, from 0 to 1. Without it, detection
   * uses the share of lines that parse. Formats that share one parser use it to break ties.
   */
  detect?(lines: readonly string[]): number;
}

/**
 * The share of lines (comments and headers aside) that this parser reads as records: the
 * default detection score, and the one formats with their own `detect` start from.
 */
export function shareOfParsedLines(parser: LineParser, lines: readonly string[]): number {
  let considered = 0;
  let records = 0;
  for (const line of lines) {
    const result = parser.parseLine(line);
    if (result.kind === 'skip') continue;
    considered++;
    if (result.kind === 'record') records++;
  }
  return considered === 0 ? 0 : records / considered;
}

export const SKIP: LineResult = Object.freeze({ kind: 'skip' });

export function reject(reason: string): LineResult {
  return { kind: 'reject', reason };
}

/** The record with every optional field absent; formats spread their fields over it. */
export const EMPTY_RECORD: AccessRecord = Object.freeze({
  timeMs: 0,
  utcOffsetMin: 0,
  offsetAssumed: false,
  remoteIp: '',
  forwardedFor: null,
  ident: null,
  user: null,
  method: null,
  target: null,
  protocol: null,
  requestLine: null,
  status: null,
  bytes: null,
  referrer: null,
  userAgent: null,
  vhost: null,
  serverPort: null,
  durationUs: null,
  rangeHeader: null,
  contentRange: null,
  rangeStart: null,
  rangeEnd: null,
  objectSize: null,
  extra: null,
});

export function recordOf(fields: Partial<AccessRecord>): LineResult {
  return { kind: 'record', record: { ...EMPTY_RECORD, ...fields } };
}

/** "-" and "" mean absent in access logs. */
export function dashToNull(value: string | undefined | null): string | null {
  return value === undefined || value === null || value === '-' || value === '' ? null : value;
}

/** A non-negative decimal integer, or null for "-", "" and anything that is not one. */
export function parseCount(value: string | undefined | null): number | null {
  if (value === undefined || value === null || value.length === 0 || value.length > 15) return null;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Split a request line ("GET /path?q HTTP/1.1") into its parts. Lines that are not of that
 * shape (TLS handshakes sent to a plain-HTTP port, "-", scanner junk) keep only the raw text.
 */
export function splitRequestLine(line: string): { method: string | null; target: string | null; protocol: string | null } {
  const firstSpace = line.indexOf(' ');
  if (firstSpace <= 0) return { method: null, target: null, protocol: null };
  const method = line.slice(0, firstSpace);
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(method)) return { method: null, target: null, protocol: null };
  const lastSpace = line.lastIndexOf(' ');
  if (lastSpace > firstSpace && /^HTTP\/\d(\.\d)?$/i.test(line.slice(lastSpace + 1))) {
    return { method, target: line.slice(firstSpace + 1, lastSpace), protocol: line.slice(lastSpace + 1) };
  }
  // HTTP/0.9 style "GET /path" has no protocol.
  return { method, target: line.slice(firstSpace + 1), protocol: null };
}

/**
 * Split "host:port", "[v6]:port" and bare addresses. A bare IPv6 address (several colons)
 * has no port.
 */
export function splitHostPort(value: string): { host: string; port: number | null } {
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close > 0) {
      const port = value[close + 1] === ':' ? parseCount(value.slice(close + 2)) : null;
      return { host: value.slice(1, close), port };
    }
  }
  const colon = value.lastIndexOf(':');
  if (colon > 0 && value.indexOf(':') === colon) {
    const port = parseCount(value.slice(colon + 1));
    if (port !== null) return { host: value.slice(0, colon), port };
  }
  return { host: value, port: null };
}
