/**
 * Custom formats: an Apache `LogFormat` string or an nginx `log_format` string, compiled ONCE
 * into a line parser (one anchored regular expression plus a field mapping), so no line
 * re-reads the format.
 *
 * Specs: Apache mod_log_config "Custom Log Formats"
 * (https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats); nginx
 * ngx_http_log_module `log_format` and the embedded variables of ngx_http_core_module
 * (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format,
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#variables).
 *
 * Directives/variables with a record field are mapped to it (%h %a $remote_addr -> remoteIp,
 * %{Range}i $http_range -> rangeHeader, %D $request_time -> durationUs ...). Every other
 * one is kept in `extra` under its own name (`%{X-Request-Id}i` -> "X-Request-Id",
 * `$upstream_addr` -> "upstream_addr"). Fields the server appended after the format's end are
 * kept as `trailing`, not rejected.
 */
import { InputError } from '../errors';
import type { AccessRecord } from '../model';
import { assumedZoneOf, missingZoneReason, type AssumedZone } from './assumed-zone';
import { parseClfTime } from './clf-time';
import { decodeLogEscapes } from './escapes';
import { parseIsoTime, secondsToUs } from './iso-time';
import { dashToNull, EMPTY_RECORD, parseCount, reject, splitHostPort, splitRequestLine, type LineParser, type LineResult, type LogFormat } from './log-format';

/** What a field's text becomes. */
type FieldRole =
  | 'remoteIp' | 'ident' | 'user' | 'time' | 'requestLine' | 'method' | 'path' | 'query' | 'target' | 'protocol' | 'status'
  | 'bytes' | 'bytesWithHeaders' | 'referrer' | 'userAgent' | 'vhost' | 'serverPort' | 'durationUs' | 'durationMs' | 'durationS'
  | 'rangeHeader' | 'contentRange' | 'forwardedFor' | 'extra';

type TimeKind = 'clf' | 'iso' | 'epochS' | 'epochMs' | 'epochUs' | 'strftime' | 'fracMs' | 'fracUs';

interface FieldSpec {
  readonly role: FieldRole;
  /** Name used in `extra` and in error messages ("%>s", "$status"). */
  readonly label: string;
  readonly extraName: string;
  /** The regular expression source of the value (without the capture group). */
  readonly pattern: string;
  readonly time?: { readonly kind: TimeKind; readonly strftime?: StrftimeParser };
}

type Token = { readonly literal: string } | { readonly field: FieldSpec };

const TEXT = '.*?';
const NUMBER = '-|-?\\d+';
const DECIMAL = '-|\\d+(?:\\.\\d+)?';
const ADDRESS = '\\S+?';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function field(role: FieldRole, label: string, pattern: string, extraName = label): FieldSpec {
  return { role, label, extraName, pattern };
}

function badFormat(format: string, at: number, message: string): InputError {
  return new InputError('BAD_FORMAT_STRING', `--format '${format}': ${message} at character ${at + 1} ("${format.slice(at, at + 12)}")`, {
    details: { format, position: at },
  });
}

// ---------------------------------------------------------------- strftime in %{...}t

/** The parts of a time that one or several %{...}t directives give (Apache allows splitting them). */
interface TimeParts {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  fractionMs?: number;
  offsetMin?: number;
}

interface StrftimeParser {
  readonly pattern: string;
  readonly parts: readonly string[];
  readonly hasOffset: boolean;
  /** Adds the parts this directive gives to `into`; false when the text does not fit. */
  parse(text: string, into: TimeParts): boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const STRFTIME: Readonly<Record<string, { pattern: string; part: string }>> = {
  Y: { pattern: '\\d{4}', part: 'year' },
  m: { pattern: '\\d{2}', part: 'month' },
  d: { pattern: '\\d{2}', part: 'day' },
  e: { pattern: ' ?\\d{1,2}', part: 'day' },
  H: { pattern: '\\d{2}', part: 'hour' },
  M: { pattern: '\\d{2}', part: 'minute' },
  S: { pattern: '\\d{2}', part: 'second' },
  b: { pattern: '[A-Za-z]{3}', part: 'monthName' },
  h: { pattern: '[A-Za-z]{3}', part: 'monthName' },
  z: { pattern: '[+-]\\d{4}', part: 'offset' },
  a: { pattern: '[A-Za-z]{3}', part: 'ignore' },
  A: { pattern: '[A-Za-z]+', part: 'ignore' },
  Z: { pattern: '[A-Za-z]+', part: 'ignore' },
};

function compileStrftime(spec: string, format: string, at: number): StrftimeParser {
  const expanded = spec.replace(/%T/g, '%H:%M:%S').replace(/%F/g, '%Y-%m-%d').replace(/%D/g, '%m/%d/%y');
  let source = '';
  let plain = '';
  const parts: string[] = [];
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i]!;
    if (c !== '%') {
      source += escapeRegex(c);
      plain += escapeRegex(c);
      continue;
    }
    const conversion = expanded[++i];
    if (conversion === '%') {
      source += '%';
      plain += '%';
      continue;
    }
    const known = conversion === undefined ? undefined : STRFTIME[conversion];
    if (known === undefined) throw badFormat(format, at, `time format %${conversion ?? ''} inside %{...}t is not supported (supported: %Y %m %d %e %H %M %S %b %z %T %F and %a %A %Z, which are skipped)`);
    source += `(${known.pattern})`;
    plain += `(?:${known.pattern})`;
    parts.push(known.part);
  }
  const regex = new RegExp(`^${source}$`);
  return {
    pattern: plain,
    parts,
    hasOffset: parts.includes('offset'),
    parse(text, into) {
      const m = regex.exec(text);
      if (m === null) return false;
      for (let i = 0; i < parts.length; i++) {
        const value = m[i + 1]!.trim();
        switch (parts[i]) {
          case 'year': into.year = Number(value); break;
          case 'month': into.month = Number(value) - 1; break;
          case 'monthName': into.month = MONTHS.indexOf(value.toLowerCase()); break;
          case 'day': into.day = Number(value); break;
          case 'hour': into.hour = Number(value); break;
          case 'minute': into.minute = Number(value); break;
          case 'second': into.second = Number(value); break;
          case 'offset': into.offsetMin = (value[0] === '-' ? -1 : 1) * (Number(value.slice(1, 3)) * 60 + Number(value.slice(3, 5))); break;
        }
      }
      return true;
    },
  };
}

/** The wall time (as if UTC) of merged parts, or null when they are not a valid date. */
function localMsOf(parts: TimeParts): number | null {
  const { year = 0, month = 0, day = 1, hour = 0, minute = 0, second = 0, fractionMs = 0 } = parts;
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  if (new Date(Date.UTC(year, month, 1) + (day - 1) * 86_400_000).getUTCMonth() !== month) return null;
  return Date.UTC(year, month, day, hour, minute, second) + fractionMs;
}

// ---------------------------------------------------------------- Apache LogFormat

const REQUEST_HEADER_ROLES: Readonly<Record<string, FieldRole>> = {
  referer: 'referrer', 'user-agent': 'userAgent', range: 'rangeHeader', 'x-forwarded-for': 'forwardedFor', host: 'vhost',
};

function apacheField(directive: string, param: string | null, format: string, at: number, label: string): FieldSpec {
  switch (directive) {
    case 'h': case 'a': return field('remoteIp', label, ADDRESS);
    case 'l': return field('ident', label, ADDRESS);
    case 'u': return field('user', label, TEXT);
    case 'r': return field('requestLine', label, TEXT);
    case 'm': return field('method', label, ADDRESS);
    case 'U': return field('path', label, TEXT);
    case 'q': return field('query', label, TEXT);
    case 'H': return field('protocol', label, ADDRESS);
    case 's': return field('status', label, NUMBER);
    case 'b': case 'B': return field('bytes', label, NUMBER);
    case 'O': return field('bytesWithHeaders', label, NUMBER);
    case 'v': case 'V': return field('vhost', label, ADDRESS);
    case 'p': return param === null || param === 'canonical' || param === 'local' ? field('serverPort', label, NUMBER) : field('extra', label, NUMBER, param === 'remote' ? 'client_port' : label);
    case 'D': return field('durationUs', label, NUMBER);
    case 'T': {
      if (param === null || param === 's') return field('durationS', label, DECIMAL);
      if (param === 'ms') return field('durationMs', label, NUMBER);
      if (param === 'us') return field('durationUs', label, NUMBER);
      throw badFormat(format, at, `%{${param}}T: the unit must be s, ms or us`);
    }
    case 't': {
      if (param === null) return { ...field('time', label, '\\[[^\\]]*\\]'), time: { kind: 'clf' } };
      const bare = param.replace(/^(begin|end):/, '');
      if (bare === 'sec') return { ...field('time', label, '\\d+'), time: { kind: 'epochS' } };
      if (bare === 'msec') return { ...field('time', label, '\\d+'), time: { kind: 'epochMs' } };
      if (bare === 'usec') return { ...field('time', label, '\\d+'), time: { kind: 'epochUs' } };
      if (bare === 'msec_frac') return { ...field('time', label, '\\d{3}'), time: { kind: 'fracMs' } };
      if (bare === 'usec_frac') return { ...field('time', label, '\\d{6}'), time: { kind: 'fracUs' } };
      const strftime = compileStrftime(bare, format, at);
      return { ...field('time', label, strftime.pattern), time: { kind: 'strftime', strftime } };
    }
    case 'i': {
      if (param === null) throw badFormat(format, at, '%i needs a header name: %{Header-Name}i');
      return field(REQUEST_HEADER_ROLES[param.toLowerCase()] ?? 'extra', label, TEXT, param);
    }
    case 'o': {
      if (param === null) throw badFormat(format, at, '%o needs a header name: %{Header-Name}o');
      return field(param.toLowerCase() === 'content-range' ? 'contentRange' : 'extra', label, TEXT, `response:${param}`);
    }
    case 'A': return field('extra', label, ADDRESS, 'server_ip');
    case 'I': return field('extra', label, NUMBER, 'bytes_received');
    case 'S': return field('extra', label, NUMBER, 'bytes_transferred');
    case 'k': return field('extra', label, NUMBER, 'keepalive_requests');
    case 'P': return field('extra', label, ADDRESS, 'pid');
    case 'X': return field('extra', label, ADDRESS, 'connection_status');
    case 'L': return field('extra', label, ADDRESS, 'log_id');
    case 'f': return field('extra', label, TEXT, 'filename');
    case 'R': return field('extra', label, TEXT, 'handler');
    case 'C': case 'e': case 'n': case '^ti': case '^to':
      if (param === null) throw badFormat(format, at, `%${directive} needs a name: %{NAME}${directive}`);
      return field('extra', label, TEXT, param);
    default:
      throw badFormat(format, at, `unknown directive "%${directive}" (see https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats)`);
  }
}

function tokenizeApache(format: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      // The shell or config file escapes: \" \t \n \\.
      const next = format[++i]!;
      literal += next === 't' ? '\t' : next === 'n' ? '\n' : next;
      continue;
    }
    if (c !== '%') {
      literal += c;
      continue;
    }
    const start = i;
    i++;
    if (format[i] === '%') {
      literal += '%';
      continue;
    }
    // Conditions (%400,501{...}i, %!200...) and </> (original/final request) modifiers.
    while (i < format.length && /[!0-9,<>]/.test(format[i]!)) i++;
    let param: string | null = null;
    if (format[i] === '{') {
      const close = format.indexOf('}', i);
      if (close === -1) throw badFormat(format, start, 'unterminated "%{"');
      param = format.slice(i + 1, close);
      i = close + 1;
    }
    let directive = format[i];
    if (directive === undefined) throw badFormat(format, start, 'a "%" at the end with no directive');
    if (directive === '^') {
      directive = format.slice(i, i + 3);
      i += 2;
    }
    if (literal !== '') tokens.push({ literal });
    literal = '';
    tokens.push({ field: apacheField(directive, param, format, start, format.slice(start, i + 1)) });
  }
  if (literal !== '') tokens.push({ literal });
  return tokens;
}

// ---------------------------------------------------------------- nginx log_format

const NGINX_VARIABLES: Readonly<Record<string, { role: FieldRole; pattern: string; time?: TimeKind }>> = {
  remote_addr: { role: 'remoteIp', pattern: ADDRESS },
  realip_remote_addr: { role: 'extra', pattern: ADDRESS },
  remote_user: { role: 'user', pattern: TEXT },
  time_local: { role: 'time', pattern: '[^\\]]*?', time: 'clf' },
  time_iso8601: { role: 'time', pattern: '\\S+', time: 'iso' },
  msec: { role: 'time', pattern: '\\d+(?:\\.\\d+)?', time: 'epochS' },
  request: { role: 'requestLine', pattern: TEXT },
  request_method: { role: 'method', pattern: ADDRESS },
  request_uri: { role: 'target', pattern: TEXT },
  uri: { role: 'path', pattern: TEXT },
  document_uri: { role: 'path', pattern: TEXT },
  args: { role: 'query', pattern: TEXT },
  query_string: { role: 'query', pattern: TEXT },
  server_protocol: { role: 'protocol', pattern: ADDRESS },
  status: { role: 'status', pattern: NUMBER },
  body_bytes_sent: { role: 'bytes', pattern: NUMBER },
  bytes_sent: { role: 'bytesWithHeaders', pattern: NUMBER },
  http_referer: { role: 'referrer', pattern: TEXT },
  http_user_agent: { role: 'userAgent', pattern: TEXT },
  http_x_forwarded_for: { role: 'forwardedFor', pattern: TEXT },
  proxy_add_x_forwarded_for: { role: 'forwardedFor', pattern: TEXT },
  http_range: { role: 'rangeHeader', pattern: TEXT },
  sent_http_content_range: { role: 'contentRange', pattern: TEXT },
  request_time: { role: 'durationS', pattern: DECIMAL },
  host: { role: 'vhost', pattern: ADDRESS },
  http_host: { role: 'vhost', pattern: ADDRESS },
  server_name: { role: 'vhost', pattern: ADDRESS },
  server_port: { role: 'serverPort', pattern: NUMBER },
};

function tokenizeNginx(format: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '$') {
      literal += c;
      continue;
    }
    const start = i;
    let name: string;
    if (format[i + 1] === '{') {
      const close = format.indexOf('}', i);
      if (close === -1) throw badFormat(format, start, 'unterminated "${"');
      name = format.slice(i + 2, close);
      i = close;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(format.slice(i + 1));
      if (m === null) throw badFormat(format, start, 'a "$" not followed by a variable name');
      name = m[0];
      i += name.length;
    }
    if (literal !== '') tokens.push({ literal });
    literal = '';
    const known = NGINX_VARIABLES[name];
    const label = `$${name}`;
    if (known === undefined) {
      tokens.push({ field: field('extra', label, name.startsWith('http_') || name.startsWith('sent_http_') ? TEXT : '\\S*?', name) });
    } else {
      tokens.push({ field: { ...field(known.role, label, known.pattern, name), ...(known.time ? { time: { kind: known.time } } : {}) } });
    }
  }
  if (literal !== '') tokens.push({ literal });
  return tokens;
}

// ---------------------------------------------------------------- the compiled parser

/**
 * The format string itself when the user pasted a whole configuration directive:
 * `LogFormat "%h %l ..." combined` (Apache, `\"` inside stays for the tokenizer) or
 * `log_format main escape=default '$remote_addr - ' '"$request" ...';` (nginx, whose quoted
 * pieces are joined as nginx joins them).
 */
export function unwrapFormatDirective(text: string): string {
  const apache = /^\s*(?:Custom)?LogFormat\s+"((?:[^"\\]|\\.)*)"(?:\s+\S+)?\s*$/i.exec(text);
  if (apache !== null) return apache[1]!;
  let rest = text;
  const nginx = /^\s*log_format\s+\S+\s+(?:escape=\S+\s+)?([\s\S]*?);?\s*$/.exec(text);
  if (nginx !== null) rest = nginx[1]!;
  const pieces = /^\s*(?:'[^']*'\s*)+$/.test(rest) ? rest.match(/'[^']*'/g) : null;
  if (pieces !== null) return pieces.map((piece) => piece.slice(1, -1)).join('');
  return rest;
}

/** True when the text looks like an nginx log_format ($variables) rather than an Apache LogFormat. */
export function isNginxFormatString(text: string): boolean {
  return /\$\{?[a-z_]/.test(text) && !/%[<>!0-9,]*(\{[^}]*\})?[a-zA-Z]/.test(text);
}

/** True when the text is a LogFormat or log_format string rather than a format name. */
export function looksLikeFormatString(text: string): boolean {
  return /%[<>!0-9,]*(\{[^}]*\})?[a-zA-Z%]/.test(text) || /\$\{?[a-z_]/.test(text);
}

interface CompiledFormat {
  readonly tokens: readonly Token[];
  readonly fields: readonly FieldSpec[];
  readonly regex: RegExp;
  readonly local: boolean;
  /**
   * True when the time comes from %{...}t directives (possibly several, as in Apache's
   * "[%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t]"), whose parts are merged.
   */
  readonly timeFromParts: boolean;
  /** Anchored regexes of the first 1..n tokens, to say where a line stops matching. */
  readonly prefixes: readonly RegExp[];
}

/**
 * A quoted string as Apache and nginx write it: quotes and backslashes inside are escaped,
 * so there is exactly one way to match it. Free text must never be a lazy ".*?" between
 * other fields: on hostile lines the backtracking grows with the power of the number of
 * such fields (a 3 KB line took seconds).
 */
const QUOTED_TEXT = '(?:[^"\\\\]|\\\\.)*';

function tokenSource(tokens: readonly Token[], index: number): string {
  const token = tokens[index]!;
  if ('literal' in token) return escapeRegex(token.literal).replace(/ /g, ' +');
  const f = token.field;
  if (f.role === 'time' && f.time?.kind === 'clf' && f.pattern.startsWith('\\[')) return '\\[([^\\]]*)\\]';
  const before = tokens[index - 1];
  const after = tokens[index + 1];
  const quoted = before !== undefined && 'literal' in before && before.literal.endsWith('"') && after !== undefined && 'literal' in after && after.literal.startsWith('"');
  // Inside quotes (JSON log formats, "%v"), a token value stops at the quote.
  if (f.pattern !== TEXT) return `(${quoted ? f.pattern.replace(/\\S/g, '[^"\\s]') : f.pattern})`;
  if (after === undefined) return '(.*)';
  if (!('literal' in after)) return `(${TEXT})`;
  if (quoted) return `(${QUOTED_TEXT})`;
  // Unquoted free text ends at the first character of what follows it.
  return `([^${escapeRegex(after.literal[0]!)}]*)`;
}

function compile(format: string): CompiledFormat {
  if (format.trim() === '') throw new InputError('BAD_FORMAT_STRING', '--format is empty: expected a format name or a LogFormat string');
  const nginx = isNginxFormatString(format);
  const tokens = nginx ? tokenizeNginx(format) : tokenizeApache(format);
  const fields = tokens.flatMap((token) => ('field' in token ? [token.field] : []));
  const times = fields.filter((f) => f.role === 'time');
  if (times.length === 0) {
    throw new InputError('BAD_FORMAT_STRING', `--format '${format}': no time field (${nginx ? '$time_local, $time_iso8601 or $msec' : '%t or %{...}t'}); every request needs its time`);
  }
  if (!fields.some((f) => f.role === 'remoteIp')) {
    throw new InputError('BAD_FORMAT_STRING', `--format '${format}': no client address field (${nginx ? '$remote_addr' : '%h or %a'}); every request needs its client`);
  }
  const sources = tokens.map((_, index) => tokenSource(tokens, index));
  const prefixes: RegExp[] = [];
  let source = '^';
  for (const part of sources) {
    source += part;
    prefixes.push(new RegExp(source));
  }
  const endsWithField = 'field' in tokens[tokens.length - 1]!;
  source += endsWithField ? '$' : '(?: +(.*))?$';
  const timeFromParts = times[0]!.time!.kind === 'strftime' || times[0]!.time!.kind.startsWith('frac');
  let local = false;
  if (timeFromParts) {
    const parts = new Set(times.flatMap((t) => t.time!.strftime?.parts ?? []));
    if (!parts.has('year') || !(parts.has('month') || parts.has('monthName')) || !parts.has('day') || !parts.has('hour')) {
      throw new InputError('BAD_FORMAT_STRING', `--format '${format}': the %{...}t time directives together need at least a year, month, day and hour`);
    }
    local = !parts.has('offset');
  }
  return { tokens, fields, regex: new RegExp(source), local, prefixes, timeFromParts };
}

/** Why a line does not match: the first field (or literal) that could not be matched. */
function explainMismatch(compiled: CompiledFormat, line: string): string {
  let lastGood = 0;
  for (let i = 0; i < compiled.tokens.length; i++) {
    const m = compiled.prefixes[i]!.exec(line);
    if (m === null) {
      const token = compiled.tokens[i]!;
      const what = 'literal' in token ? `"${token.literal}"` : `${token.field.label}`;
      return `line does not match the format: expected ${what} at column ${lastGood + 1}, found "${line.slice(lastGood, lastGood + 20)}"`;
    }
    lastGood = m[0].length;
  }
  return 'line does not match the format (unexpected text at the end)';
}

function parseTime(spec: FieldSpec, text: string, zone: AssumedZone | null): { timeMs: number; utcOffsetMin: number; assumed: boolean; note: string | null } | string {
  const kind = spec.time!.kind;
  if (kind === 'clf') {
    const t = parseClfTime(text);
    return t === null ? `time "${text.slice(0, 40)}" is not dd/Mon/yyyy:HH:MM:SS ±hhmm` : { ...t, assumed: false, note: null };
  }
  if (kind === 'epochS' || kind === 'epochMs' || kind === 'epochUs') {
    const value = Number(text);
    if (!Number.isFinite(value)) return `time "${text.slice(0, 40)}" is not a number`;
    const timeMs = kind === 'epochS' ? Math.floor(value * 1000) : kind === 'epochMs' ? value : Math.floor(value / 1000);
    return { timeMs, utcOffsetMin: 0, assumed: false, note: null };
  }
  const parsed = parseIsoTime(text);
  if (parsed === null) return `time "${text.slice(0, 40)}" does not match ${spec.label}`;
  return toInstant(parsed.localMs, parsed.offsetMin, spec.label, zone);
}

type Instant = { timeMs: number; utcOffsetMin: number; assumed: boolean; note: string | null };

function toInstant(localMs: number, offsetMin: number | null, label: string, zone: AssumedZone | null): Instant | string {
  if (offsetMin !== null) return { timeMs: localMs - offsetMin * 60_000, utcOffsetMin: offsetMin, assumed: false, note: null };
  if (zone === null) return missingZoneReason(`${label} time`);
  const instant = zone.toUtc(localMs);
  return { timeMs: instant.timeMs, utcOffsetMin: instant.utcOffsetMin, assumed: true, note: instant.note };
}

/** The instant given by all %{...}t directives of a line together. */
function timeFromParts(fields: readonly FieldSpec[], match: RegExpExecArray, zone: AssumedZone | null): Instant | string {
  const parts: TimeParts = {};
  let label = '';
  for (let i = 0; i < fields.length; i++) {
    const spec = fields[i]!;
    if (spec.role !== 'time') continue;
    const raw = match[i + 1]!;
    const kind = spec.time!.kind;
    if (kind === 'fracMs') parts.fractionMs = Number(raw);
    else if (kind === 'fracUs') parts.fractionMs = Math.floor(Number(raw) / 1000);
    else if (kind === 'strftime') {
      label ||= spec.label;
      if (!spec.time!.strftime!.parse(raw, parts)) return `time "${raw.slice(0, 40)}" does not match ${spec.label}`;
    }
  }
  const localMs = localMsOf(parts);
  if (localMs === null) return `time parts ${JSON.stringify(parts)} are not a valid date`;
  return toInstant(localMs, parts.offsetMin ?? null, label, zone);
}

class CustomLineParser implements LineParser {
  constructor(private readonly compiled: CompiledFormat, private readonly zone: AssumedZone | null) {}

  parseLine(text: string): LineResult {
    const m = this.compiled.regex.exec(text);
    if (m === null) return reject(explainMismatch(this.compiled, text));
    const record: { -readonly [K in keyof AccessRecord]: AccessRecord[K] } = { ...EMPTY_RECORD };
    let extra: Record<string, string> | null = null;
    let path: string | null = null;
    let query: string | null = null;
    let bytesWithHeaders: number | null = null;
    let requestLine: string | null = null;
    let haveTime = false;
    const fields = this.compiled.fields;
    if (this.compiled.timeFromParts) {
      const time = timeFromParts(fields, m, this.zone);
      if (typeof time === 'string') return reject(time);
      record.timeMs = time.timeMs;
      record.utcOffsetMin = time.utcOffsetMin;
      record.offsetAssumed = time.assumed;
      if (time.note !== null) (extra ??= {})['time_note'] = time.note;
    }
    for (let i = 0; i < fields.length; i++) {
      const spec = fields[i]!;
      const raw = m[i + 1]!;
      if (spec.role === 'time') {
        if (this.compiled.timeFromParts) continue;
        if (haveTime) {
          (extra ??= {})[spec.extraName] = raw;
          continue;
        }
        const time = parseTime(spec, raw, this.zone);
        if (typeof time === 'string') return reject(time);
        record.timeMs = time.timeMs;
        record.utcOffsetMin = time.utcOffsetMin;
        record.offsetAssumed = time.assumed;
        if (time.note !== null) (extra ??= {})['time_note'] = time.note;
        haveTime = true;
        continue;
      }
      const value = dashToNull(decodeLogEscapes(raw));
      switch (spec.role) {
        case 'remoteIp': record.remoteIp = value === null ? raw : splitHostPort(value).host; break;
        case 'ident': record.ident = value; break;
        case 'user': record.user = value; break;
        case 'requestLine': requestLine = value; break;
        case 'method': record.method = value; break;
        case 'path': path = value; break;
        case 'query': query = value; break;
        case 'target': record.target = value; break;
        case 'protocol': record.protocol = value; break;
        case 'status': record.status = parseCount(value); break;
        case 'bytes': record.bytes = parseCount(value); break;
        case 'bytesWithHeaders': bytesWithHeaders = parseCount(value); break;
        case 'referrer': record.referrer = value; break;
        case 'userAgent': record.userAgent = value; break;
        case 'vhost': record.vhost = value; break;
        case 'serverPort': record.serverPort = parseCount(value); break;
        case 'durationUs': record.durationUs = parseCount(value); break;
        case 'durationMs': { const ms = parseCount(value); record.durationUs = ms === null ? null : ms * 1000; break; }
        case 'durationS': record.durationUs = secondsToUs(value); break;
        case 'rangeHeader': record.rangeHeader = value; break;
        case 'contentRange': record.contentRange = value; break;
        case 'forwardedFor': record.forwardedFor = value; break;
        case 'extra': if (value !== null) (extra ??= {})[spec.extraName] = value; break;
      }
    }
    const trailing = m[fields.length + 1];
    if (trailing !== undefined && trailing !== '') (extra ??= {})['trailing'] = trailing;
    if (requestLine !== null) {
      const request = splitRequestLine(requestLine);
      record.method ??= request.method;
      record.target ??= request.target;
      record.protocol ??= request.protocol;
      if (request.method === null) record.requestLine = requestLine;
    }
    if (record.target === null && path !== null) {
      // Apache's %q includes the "?"; nginx's $args does not.
      record.target = query === null ? path : query.startsWith('?') ? path + query : `${path}?${query}`;
    }
    // %O / $bytes_sent include headers: used only when the body count (%b, $body_bytes_sent) is not logged.
    if (record.bytes === null && bytesWithHeaders !== null) record.bytes = bytesWithHeaders;
    if (bytesWithHeaders !== null && fields.some((f) => f.role === 'bytes')) (extra ??= {})['bytes_with_headers'] = String(bytesWithHeaders);
    record.extra = extra;
    return { kind: 'record', record };
  }
}

/**
 * Compile an Apache LogFormat or nginx log_format string into a LogFormat. Throws InputError
 * saying what was expected and where in the string when the string is not valid.
 */
export function compileFormatString(given: string): LogFormat {
  const format = unwrapFormatDirective(given);
  const compiled = compile(format);
  const nginx = isNginxFormatString(format);
  return {
    name: 'custom',
    description: `${nginx ? 'nginx log_format' : 'Apache LogFormat'} '${format}'`,
    spec: nginx ? 'https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format' : 'https://httpd.apache.org/docs/2.4/mod/mod_log_config.html#formats',
    samples: [],
    needsTimeZone: compiled.local,
    timeBasis: compiled.local ? undefined : 'time as written by the custom format (offset or epoch)',
    createParser: (options) => new CustomLineParser(compiled, assumedZoneOf(options.assumeTz)),
  };
}
