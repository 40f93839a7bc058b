/**
 * The W3C Extended Log File Format machinery shared by IIS/W3C and CloudFront: directives
 * (`#Fields`, `#Date`...), splitting a line into values, and mapping field identifiers
 * (`c-ip`, `cs-uri-stem`, `cs(User-Agent)`...) onto an AccessRecord.
 *
 * Spec: W3C Working Draft WD-logfile-960323 (https://www.w3.org/TR/WD-logfile.html);
 * Microsoft IIS "W3C Logging" field list
 * (https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging).
 */
import type { AccessRecord } from '../model';
import type { AssumedZone } from './assumed-zone';
import { missingZoneReason } from './assumed-zone';
import { parseIsoDate, parseTimeOfDay, secondsToUs } from './iso-time';
import { dashToNull, EMPTY_RECORD, parseCount, reject, splitHostPort, type LineResult } from './log-format';

/** How one W3C producer writes a few fields differently. */
export interface W3cDialect {
  /** "tab": CloudFront; "whitespace": IIS and the W3C draft (runs of spaces or tabs). */
  readonly separator: 'tab' | 'whitespace';
  /** How user agents (and referrers) encode spaces: IIS writes "+", CloudFront percent-encodes. */
  readonly agentEncoding: 'plus' | 'percent';
  /** time-taken unit: IIS writes milliseconds, the W3C draft and CloudFront seconds. */
  readonly timeTaken: 'ms' | 's' | 'unknown';
}

/** Split a data line into values: tab-separated, or whitespace runs with W3C "quoted strings" ("" escapes a quote). */
export function splitW3cValues(line: string, separator: W3cDialect['separator']): string[] {
  if (separator === 'tab') return line.split('\t');
  const values: string[] = [];
  let at = 0;
  const n = line.length;
  while (at < n) {
    let c = line.charCodeAt(at);
    while (at < n && (c === 32 || c === 9)) c = line.charCodeAt(++at);
    if (at >= n) break;
    if (c === 34) {
      let value = '';
      let i = at + 1;
      for (; i < n; i++) {
        if (line.charCodeAt(i) === 34) {
          if (line.charCodeAt(i + 1) === 34) {
            value += '"';
            i++;
            continue;
          }
          break;
        }
        value += line[i];
      }
      values.push(value);
      at = i + 1;
    } else {
      let end = at;
      while (end < n && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
      values.push(line.slice(at, end));
      at = end;
    }
  }
  return values;
}

/** The field identifiers of a `#Fields:` directive, lower-cased. */
export function parseFieldsDirective(line: string): string[] {
  return line
    .slice(line.indexOf(':') + 1)
    .trim()
    .split(/\s+/)
    .filter((name) => name !== '')
    .map((name) => name.toLowerCase());
}

/** A `#Date:` / `#Start-Date:` directive's date (UTC day start), or null. */
export function parseDateDirective(line: string): number | null {
  const value = line.slice(line.indexOf(':') + 1).trim();
  return parseIsoDate(value.slice(0, 10));
}

function decodePercent(text: string): string {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // Invalid sequences (a lone "%") stay as written.
    return text.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => {
      const code = parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : match;
    });
  }
}

function decodeAgent(text: string | null, encoding: W3cDialect['agentEncoding']): string | null {
  if (text === null) return null;
  return encoding === 'plus' ? text.replace(/\+/g, ' ') : decodePercent(text);
}

/** Canonical names of the fields that map onto record fields; everything else goes to `extra`. */
const KNOWN_FIELDS = new Set([
  'date', 'time', 'date-local', 'time-local', 'c-ip', 'cs-username', 'c-auth-id', 'cs-method', 'cs-uri-stem', 'cs-uri-query',
  'cs-uri', 'sc-status', 'sc-bytes', 'bytes', 'time-taken', 'cs-version', 'cs-protocol-version', 'cs(user-agent)',
  'cs(referer)', 'cs(referrer)', 'cs-host', 'cs(host)', 'x-host-header', 's-port', 'x-forwarded-for', 'cs(x-forwarded-for)',
  'cs(range)', 'sc(content-range)', 'sc-range-start', 'sc-range-end',
]);

/** A `#Fields` list prepared once: names, their positions, and whether times are local. */
export interface W3cLayout {
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly local: boolean;
}

export function w3cLayout(names: readonly string[]): W3cLayout {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  return { names, index, local: index.has('time-local') || index.has('date-local') };
}

/** State a W3C parser carries from line to line. */
export interface W3cFileState {
  layout: W3cLayout | null;
  /** Day from the latest #Date directive, for files without a date field. */
  directiveDayMs: number | null;
}

/**
 * Map one data line's values onto a record, using the current `#Fields`. Returns a reject
 * when the time cannot be read.
 */
export function recordFromW3cValues(
  layout: W3cLayout,
  values: readonly string[],
  state: W3cFileState,
  dialect: W3cDialect,
  zone: AssumedZone | null,
): LineResult {
  const { names, index: fieldIndex, local } = layout;
  const get = (name: string): string | null => {
    const index = fieldIndex.get(name);
    return index === undefined || index >= values.length ? null : dashToNull(values[index]);
  };
  const dateText = local ? get('date-local') : get('date');
  const timeText = local ? get('time-local') : get('time');
  if (timeText === null) return reject(`no ${local ? 'time-local' : 'time'} value (fields: ${names.join(' ')})`);
  const timeOfDayMs = parseTimeOfDay(timeText);
  if (timeOfDayMs === null) return reject(`time "${timeText.slice(0, 30)}" is not HH:MM:SS`);
  let dayMs: number | null;
  if (dateText !== null) {
    dayMs = parseIsoDate(dateText);
    if (dayMs === null) return reject(`date "${dateText.slice(0, 30)}" is not YYYY-MM-DD`);
  } else {
    dayMs = state.directiveDayMs;
    if (dayMs === null) return reject('no date field and no #Date directive before this line');
  }
  let timeMs = dayMs + timeOfDayMs;
  let utcOffsetMin = 0;
  let timeNote: string | null = null;
  if (local) {
    if (zone === null) return reject(missingZoneReason('date-local/time-local'));
    const instant = zone.toUtc(timeMs);
    timeMs = instant.timeMs;
    utcOffsetMin = instant.utcOffsetMin;
    timeNote = instant.note;
  }

  let extra: Record<string, string> | null = null;
  const addExtra = (name: string, value: string): void => {
    (extra ??= {})[name] = value;
  };
  names.forEach((name, index) => {
    if ((!KNOWN_FIELDS.has(name) || (name === 'time-taken' && dialect.timeTaken === 'unknown')) && index < values.length && values[index] !== '-' && values[index] !== '') addExtra(name, values[index]!);
  });
  if (values.length > names.length) {
    for (let i = names.length; i < values.length; i++) addExtra(`extra_${i - names.length + 1}`, values[i]!);
    addExtra('parse_warning', `${values.length} values for ${names.length} fields in #Fields`);
  } else if (values.length < names.length) {
    addExtra('parse_warning', `${values.length} values for ${names.length} fields in #Fields (missing ones left empty)`);
  }
  if (timeNote !== null) addExtra('time_note', timeNote);

  const stem = get('cs-uri-stem');
  const query = get('cs-uri-query');
  const target = get('cs-uri') ?? (stem === null ? null : query === null ? stem : `${stem}?${query}`);
  const clientIp = get('c-ip') ?? get('c-dns') ?? '';
  const timeTaken = get('time-taken');
  let durationUs: number | null = null;
  if (timeTaken !== null && dialect.timeTaken !== 'unknown') {
    durationUs = dialect.timeTaken === 's' ? secondsToUs(timeTaken) : (parseCount(timeTaken) ?? -1) * 1000;
    if (durationUs !== null && durationUs < 0) durationUs = secondsToUs(timeTaken);
  }
  const status = get('sc-status');
  const host = get('x-host-header') ?? get('cs-host') ?? get('cs(host)');
  const record: AccessRecord = {
    ...EMPTY_RECORD,
    timeMs,
    utcOffsetMin,
    offsetAssumed: local,
    // IPv6 zone indexes ("::1%0") name an interface of the logging host, not the client.
    remoteIp: splitHostPort(clientIp).host.replace(/%.*$/, ''),
    forwardedFor: get('x-forwarded-for') ?? get('cs(x-forwarded-for)'),
    user: get('cs-username') ?? get('c-auth-id'),
    method: get('cs-method'),
    target,
    protocol: get('cs-protocol-version') ?? get('cs-version'),
    status: status === null ? null : parseCount(status),
    bytes: parseCount(get('sc-bytes') ?? get('bytes')),
    referrer: dialect.agentEncoding === 'percent' ? decodeAgent(get('cs(referer)') ?? get('cs(referrer)'), 'percent') : (get('cs(referer)') ?? get('cs(referrer)')),
    userAgent: decodeAgent(get('cs(user-agent)'), dialect.agentEncoding),
    vhost: host,
    serverPort: parseCount(get('s-port')),
    durationUs,
    rangeHeader: get('cs(range)'),
    contentRange: get('sc(content-range)'),
    rangeStart: parseCount(get('sc-range-start')),
    rangeEnd: parseCount(get('sc-range-end')),
    extra,
  };
  return { kind: 'record', record };
}
