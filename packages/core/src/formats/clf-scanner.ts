/**
 * One hand-written scanner for the Common Log Format family (Apache/nginx common, combined,
 * Debian vhost_combined, and combined with extra trailing fields). It is lenient about the
 * shape of each line, because real files mix them (a vhost_combined file gains common lines
 * when a second virtual host logs elsewhere), and strict about the fields it relies on:
 * the time, the request, the status and the byte count.
 *
 *   [vhost[:port]] host ident user [dd/Mon/yyyy:HH:MM:SS ±hhmm] "request" status bytes
 *       ["referer" "user-agent"] [extra fields...]
 *
 * Quotes inside the request are not always escaped (Apache before 2.0.46, attack traffic
 * reaching some proxies), so the request ends at the first quote that is followed by a
 * status code, not at the first quote.
 */
import type { AccessRecord } from '../model';
import { parseClfTime } from './clf-time';
import { decodeLogEscapes } from './escapes';
import { dashToNull, parseCount, reject, splitHostPort, splitRequestLine, type LineResult } from './log-format';

export type ClfShape = 'common' | 'combined' | 'vhost_combined';

export interface ClfResult {
  readonly result: LineResult;
  /** The shape of the line, when it parsed. */
  readonly shape: ClfShape | null;
}

const IP_LIST = /^[0-9A-Fa-f.:]+(\s*,\s*[0-9A-Fa-f.:]+)*$/;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** True when the quote at `at` is escaped by an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** Index of the quote closing the request: the first one followed by " NNN " or " NNN" at the end. */
function findRequestEnd(line: string, from: number): number {
  let at = line.indexOf('"', from);
  while (at !== -1) {
    if (
      !isEscaped(line, at) &&
      line.charCodeAt(at + 1) === 32 &&
      ((isDigit(line.charCodeAt(at + 2)) && isDigit(line.charCodeAt(at + 3)) && isDigit(line.charCodeAt(at + 4)) &&
        (at + 5 === line.length || line.charCodeAt(at + 5) === 32)) ||
        (line[at + 2] === '-' && (at + 3 === line.length || line.charCodeAt(at + 3) === 32)))
    ) {
      return at;
    }
    at = line.indexOf('"', at + 1);
  }
  return -1;
}

interface TailField {
  readonly value: string;
  readonly quoted: boolean;
  readonly key: string | null;
  readonly unterminated: boolean;
}

/** Split what follows the byte count into bare, "quoted" and key="quoted" fields. */
function splitTail(line: string, from: number): TailField[] {
  const fields: TailField[] = [];
  let at = from;
  while (at < line.length) {
    while (line.charCodeAt(at) === 32) at++;
    if (at >= line.length) break;
    let key: string | null = null;
    const keyMatch = /^([A-Za-z][\w-]*)="/.exec(line.slice(at, at + 64));
    if (keyMatch) {
      key = keyMatch[1]!;
      at += key.length + 1;
    }
    if (line[at] === '"') {
      let close = line.indexOf('"', at + 1);
      while (close !== -1 && (isEscaped(line, close) || (close + 1 < line.length && line.charCodeAt(close + 1) !== 32))) {
        close = line.indexOf('"', close + 1);
      }
      if (close === -1) {
        fields.push({ value: line.slice(at + 1), quoted: true, key, unterminated: true });
        break;
      }
      fields.push({ value: line.slice(at + 1, close), quoted: true, key, unterminated: false });
      at = close + 1;
    } else {
      let end = line.indexOf(' ', at);
      if (end === -1) end = line.length;
      fields.push({ value: line.slice(at, end), quoted: false, key, unterminated: false });
      at = end;
    }
  }
  return fields;
}

/** Split the fields before "[time]" into host, ident and user (and a vhost or proxy list). */
function splitPrefix(prefix: string): string[] | null {
  const raw = prefix.split(' ');
  const tokens: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let token = raw[i]!;
    if (token === '') continue;
    if (token.startsWith('"') && !(token.length > 1 && token.endsWith('"'))) {
      // A quoted proxy list: "10.5.102.222, 199.96.1.1" 10.2.1.185 - - [...]
      while (i + 1 < raw.length && !token.endsWith('"')) token += ' ' + raw[++i];
    } else {
      // nginx with $proxy_add_x_forwarded_for in place of the address: "10.0.0.2, 10.0.0.1, 127.0.0.1"
      while (token.endsWith(',') && i + 1 < raw.length) token += ' ' + raw[++i];
    }
    tokens.push(token);
  }
  return tokens.length === 3 || tokens.length === 4 ? tokens : null;
}

const JOINED_WARNING = 'two requests on one line (the server wrote no line break between them)';

/**
 * At most this many requests are split out of one line. Real files join two (the NASA 1995
 * trace); a hostile line of thousands would otherwise recurse until the stack overflows, and
 * re-scan the rest of the line at each level. Beyond it the line is rejected (kept verbatim).
 */
const MAX_JOINED_REQUESTS = 16;

/**
 * A line whose byte count runs straight into another log line ("200 4538www-b3.proxy.aol.com
 * - - [...") holds two requests. Returns both, each marked with a parse warning, or null.
 */
function splitJoinedLine(line: string, bytesAt: number, joined: number): ClfResult | null {
  if (joined + 1 >= MAX_JOINED_REQUESTS) return null;
  let digitsEnd = bytesAt;
  while (isDigit(line.charCodeAt(digitsEnd))) digitsEnd++;
  // Nothing after the digits (or no digits): not two lines. Without this check a byte count
  // too long for parseCount made the first half re-enter here forever (stack overflow).
  if (digitsEnd === bytesAt || digitsEnd === line.length) return null;
  const first = scanClfLine(line.slice(0, digitsEnd), joined);
  const second = scanClfLine(line.slice(digitsEnd), joined + 1);
  if (first.result.kind !== 'record' || second.result.kind !== 'record') return null;
  const mark = (record: AccessRecord): AccessRecord => ({ ...record, extra: { ...record.extra, parse_warning: JOINED_WARNING } });
  const more = [second.result.record, ...(second.result.more ?? [])].map(mark);
  return { result: { kind: 'record', record: mark(first.result.record), more }, shape: first.shape };
}

function isStatusAt(line: string, at: number): boolean {
  return isDigit(line.charCodeAt(at)) && isDigit(line.charCodeAt(at + 1)) && isDigit(line.charCodeAt(at + 2));
}

/**
 * The shape nearly every line of a real common or combined log has: single spaces between
 * fields, no backslash, a bare address, and quotes only around the request (and the
 * referrer and user agent, which end the line). Such a line is read with a few indexOf
 * calls, without the general scanner's tokenising (a third of the parse time of the 1M-line
 * benchmark log). Any other line returns null and goes through {@link scanGeneralClfLine},
 * which reads these lines to the same record: test/formats/clf-fast-path.test.ts compares
 * the two on every corpus line and on mutations of them.
 */
export function scanSimpleClfLine(line: string): ClfResult | null {
  if (line.indexOf('\\') !== -1) return null;
  const hostEnd = line.indexOf(' ');
  const identEnd = line.indexOf(' ', hostEnd + 1);
  const open = line.indexOf(' ', identEnd + 1);
  if (hostEnd <= 0 || identEnd <= hostEnd + 1 || open <= identEnd + 1 || line.indexOf(' [') !== open) return null;
  // A comma before the time means a proxy list (or a token the general scanner joins to the next).
  if (line.lastIndexOf(',', open) !== -1) return null;
  const close = line.indexOf(']', open + 2);
  const requestStart = close + 2;
  if (close === -1 || line.charCodeAt(close + 1) !== 32 || line.charCodeAt(requestStart) !== 34 || line.indexOf('"') !== requestStart) return null;
  const host = line.slice(0, hostEnd);
  const time = parseClfTime(line.slice(open + 2, close));
  if (time === null) return null;
  const requestEnd = line.indexOf('"', requestStart + 1);
  const statusAt = requestEnd + 2;
  if (requestEnd === -1 || line.charCodeAt(requestEnd + 1) !== 32 || !isStatusAt(line, statusAt) || line.charCodeAt(statusAt + 3) !== 32) return null;
  let bytesEnd = line.indexOf(' ', statusAt + 4);
  if (bytesEnd === -1) bytesEnd = line.length;
  const bytesText = line.slice(statusAt + 4, bytesEnd);
  const bytes = parseCount(bytesText);
  if (bytes === null && bytesText !== '-') return null;
  let referrer: string | null = null;
  let userAgent: string | null = null;
  let shape: ClfShape = 'common';
  if (bytesEnd < line.length) {
    // Exactly ' "referrer" "user agent"' to the end of the line.
    const referrerEnd = line.indexOf('"', bytesEnd + 2);
    const agentStart = referrerEnd + 2;
    if (line.charCodeAt(bytesEnd + 1) !== 34 || referrerEnd === -1 || line.charCodeAt(referrerEnd + 1) !== 32 || line.charCodeAt(agentStart) !== 34) return null;
    if (line.indexOf('"', agentStart + 1) !== line.length - 1) return null;
    referrer = dashToNull(line.slice(bytesEnd + 2, referrerEnd));
    userAgent = dashToNull(line.slice(agentStart + 1, line.length - 1));
    shape = 'combined';
  }
  const requestLine = line.slice(requestStart + 1, requestEnd);
  const request = splitRequestLine(requestLine);
  const record: AccessRecord = {
    timeMs: time.timeMs,
    utcOffsetMin: time.utcOffsetMin,
    offsetAssumed: false,
    remoteIp: splitHostPort(host).host,
    forwardedFor: null,
    ident: dashToNull(line.slice(hostEnd + 1, identEnd)),
    user: dashToNull(line.slice(identEnd + 1, open)),
    method: request.method,
    target: request.target,
    protocol: request.protocol,
    requestLine: request.method === null ? dashToNull(requestLine) : null,
    status: Number(line.slice(statusAt, statusAt + 3)),
    bytes,
    referrer,
    userAgent,
    vhost: null,
    serverPort: null,
    durationUs: null,
    rangeHeader: null,
    contentRange: null,
    rangeStart: null,
    rangeEnd: null,
    objectSize: null,
    extra: null,
  };
  return { result: { kind: 'record', record }, shape };
}

/** Scan one line; `joined` counts the requests already split off the same physical line. */
export function scanClfLine(line: string, joined = 0): ClfResult {
  return (joined === 0 ? scanSimpleClfLine(line) : null) ?? scanGeneralClfLine(line, joined);
}

/** The general scanner: every shape this module's comment describes. */
export function scanGeneralClfLine(line: string, joined = 0): ClfResult {
  const open = line.indexOf(' [');
  if (open <= 0) return { result: reject('no "[time]" field: not a Common Log Format line'), shape: null };
  const prefix = splitPrefix(line.slice(0, open));
  if (prefix === null) {
    return { result: reject('expected "host ident user" (optionally after a virtual host) before "[time]"'), shape: null };
  }
  const close = line.indexOf(']', open + 2);
  if (close === -1) return { result: reject('"[time]" is not closed by "]"'), shape: null };
  const time = parseClfTime(line.slice(open + 2, close));
  if (time === null) {
    return { result: reject(`time "${line.slice(open + 2, close).slice(0, 40)}" is not dd/Mon/yyyy:HH:MM:SS ±hhmm`), shape: null };
  }
  if (line[close + 1] !== ' ' || line[close + 2] !== '"') {
    return { result: reject('expected a quoted request after the time'), shape: null };
  }
  const requestEnd = findRequestEnd(line, close + 3);
  if (requestEnd === -1) return { result: reject('no status code after the quoted request'), shape: null };
  const requestLine = decodeLogEscapes(line.slice(close + 3, requestEnd));

  const statusAt = requestEnd + 2;
  const status = line[statusAt] === '-' ? null : Number(line.slice(statusAt, statusAt + 3));
  let at = statusAt + (status === null ? 1 : 3);
  let bytes: number | null = null;
  if (at < line.length) {
    at++;
    let end = line.indexOf(' ', at);
    if (end === -1) end = line.length;
    const bytesText = line.slice(at, end);
    bytes = parseCount(bytesText);
    if (bytes === null && bytesText !== '-') {
      const split = splitJoinedLine(line, at, joined);
      if (split !== null) return split;
      return { result: reject(`byte count "${bytesText.slice(0, 20)}" is not a number or "-"`), shape: null };
    }
    at = end;
  }

  let referrer: string | null = null;
  let userAgent: string | null = null;
  let forwardedFor: string | null = null;
  let extra: Record<string, string> | null = null;
  const addExtra = (name: string, value: string): void => {
    (extra ??= {})[name] = value;
  };
  const tail = splitTail(line, at);
  let pairAt = -1;
  for (let i = 0; i + 1 < tail.length; i++) {
    if (tail[i]!.quoted && tail[i + 1]!.quoted && tail[i]!.key === null && tail[i + 1]!.key === null) {
      pairAt = i;
      break;
    }
  }
  let unnamed = 0;
  tail.forEach((field, index) => {
    const value = decodeLogEscapes(field.value);
    if (index === pairAt) referrer = dashToNull(value);
    else if (index === pairAt + 1) {
      userAgent = dashToNull(value);
      if (field.unterminated) addExtra('parse_warning', 'user agent not closed by a quote');
    } else if (field.key !== null && field.key.toLowerCase() === 'x-forwarded-for') {
      forwardedFor = dashToNull(value);
    } else if (field.key !== null) {
      addExtra(field.key, value);
    } else if (pairAt >= 0 && index === pairAt + 2 && field.quoted && forwardedFor === null && (value === '-' || IP_LIST.test(value))) {
      // nginx's stock "main" format ends with "$http_x_forwarded_for".
      forwardedFor = dashToNull(value);
    } else {
      addExtra(`extra_${++unnamed}`, value);
    }
  });

  let vhost: string | null = null;
  let serverPort: number | null = null;
  let hostToken: string;
  if (prefix.length === 4) {
    const first = prefix[0]!;
    if (first.startsWith('"')) {
      forwardedFor ??= dashToNull(first.slice(1, -1));
    } else if (first.endsWith(',') || first.includes(', ')) {
      // An unquoted proxy list before the address: "2001:db8::1, 10.225.192.17 10.2.2.121 - - [...]"
      forwardedFor ??= first;
    } else {
      const vhostParts = splitHostPort(first);
      vhost = vhostParts.host;
      serverPort = vhostParts.port;
    }
    hostToken = prefix[1]!;
  } else {
    hostToken = prefix[0]!;
  }
  let remoteIp: string;
  if (hostToken.includes(',')) {
    // A list of addresses in the client field: the last one is the hop nearest the server.
    const hops = hostToken.split(',').map((hop) => hop.trim());
    remoteIp = hops[hops.length - 1]!;
    forwardedFor ??= hostToken;
  } else {
    remoteIp = splitHostPort(hostToken).host;
  }

  const request = splitRequestLine(requestLine);
  const record: AccessRecord = {
    timeMs: time.timeMs,
    utcOffsetMin: time.utcOffsetMin,
    offsetAssumed: false,
    remoteIp,
    forwardedFor,
    ident: dashToNull(prefix[prefix.length - 2]),
    user: dashToNull(decodeLogEscapes(prefix[prefix.length - 1]!)),
    method: request.method,
    target: request.target,
    protocol: request.protocol,
    requestLine: request.method === null ? dashToNull(requestLine) : null,
    status,
    bytes,
    referrer,
    userAgent,
    vhost,
    serverPort,
    durationUs: null,
    rangeHeader: null,
    contentRange: null,
    rangeStart: null,
    rangeEnd: null,
    objectSize: null,
    extra,
  };
  const shape: ClfShape = vhost !== null ? 'vhost_combined' : pairAt >= 0 ? 'combined' : 'common';
  return { result: { kind: 'record', record }, shape };
}
