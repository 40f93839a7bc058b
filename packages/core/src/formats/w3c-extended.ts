/**
 * W3C Extended Log File Format, as written by Microsoft IIS 6 to 10, HTTP.sys, the IIS
 * Advanced Logging module and other servers.
 *
 * Spec: W3C Working Draft WD-logfile-960323 (https://www.w3.org/TR/WD-logfile.html) and
 * Microsoft's "W3C Logging" field reference
 * (https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging).
 *
 * - `#Fields:` names the values of the following lines and may change mid-file (IIS
 *   appends a new header block when the configuration changes or the service restarts), so
 *   the parser keeps the current layout per file.
 * - `date` and `time` are UTC by specification; `date-local`/`time-local` (Advanced Logging)
 *   are local and need `--assume-tz`. Files with `time` only take the day from `#Date:`.
 * - `-` means empty; IIS writes spaces in user agents as `+`; time-taken is milliseconds.
 * - Lines before any `#Fields` (a log cut out of a bigger file) are read with the IIS default
 *   layout that has as many fields as the line has values, and marked with a parse warning.
 *
 * Example: `2021-04-01 00:00:21 111.111.111.111 GET /foo/bar/baz.asp - 80 - 222.222.222.222
 * Mozilla/5.0+(Windows+NT+5.1) http://111.111.111.111/ 200 0 0 65`
 */
import { assumedZoneOf } from './assumed-zone';
import { reject, SKIP, type LineParser, type LogFormat, type LineResult } from './log-format';
import {
  parseDateDirective, parseFieldsDirective, recordFromW3cValues, splitW3cValues, w3cLayout, type W3cDialect, type W3cFileState,
  type W3cLayout,
} from './w3c-fields';

const IIS_DIALECT: W3cDialect = { separator: 'whitespace', agentEncoding: 'plus', timeTaken: 'ms' };
const OTHER_DIALECT: W3cDialect = { separator: 'whitespace', agentEncoding: 'plus', timeTaken: 'unknown' };

/** IIS field selections seen in the wild, by number of values, for lines with no `#Fields` before them. */
const HEADERLESS_LAYOUTS: ReadonlyMap<number, W3cLayout> = new Map(
  [
    // IIS 6 default.
    'date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) sc-status sc-substatus sc-win32-status',
    // IIS 7 to 10 default.
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken',
    // IIS default plus the X-Forwarded-For custom field.
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken x-forwarded-for',
    'date time s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(referer) sc-status sc-substatus sc-win32-status time-taken x-forwarded-for',
    'date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(referer) cs-host sc-status sc-substatus sc-win32-status time-taken',
    'date time s-sitename cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(user-agent) cs(cookie) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
    'date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(user-agent) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
    'date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(user-agent) cs(cookie) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
    // Every IIS field selected.
    'date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(user-agent) cs(cookie) cs(referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
  ].map((fields) => {
    const names = fields.split(' ');
    return [names.length, w3cLayout(names)] as const;
  }),
);

const W3C_DATA_START = /^\d{4}-\d{2}-\d{2}[ \t]+\d{2}:\d{2}:\d{2}/;

class W3cLineParser implements LineParser {
  private readonly state: W3cFileState = { layout: null, directiveDayMs: null };
  private software = '';

  constructor(private readonly zone: ReturnType<typeof assumedZoneOf>) {}

  parseLine(line: string): LineResult {
    // Files saved by Windows tools may start with a byte-order mark.
    const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (text.charCodeAt(0) === 35 /* # */) return this.directive(text);
    const values = splitW3cValues(text, 'whitespace');
    if (values.length === 0) return SKIP;
    let layout = this.state.layout;
    let headerless = false;
    if (layout === null) {
      layout = HEADERLESS_LAYOUTS.get(values.length) ?? null;
      if (layout === null || !W3C_DATA_START.test(text)) {
        return reject(`no #Fields directive before this line and no IIS default layout has ${values.length} fields`);
      }
      headerless = true;
    }
    // time-taken is milliseconds in Microsoft's servers; other software uses other units, so it stays in extra.
    const dialect = this.software === '' || /Microsoft/i.test(this.software) ? IIS_DIALECT : OTHER_DIALECT;
    const result = recordFromW3cValues(layout, values, this.state, dialect, this.zone);
    if (headerless && result.kind === 'record') {
      const extra = { ...result.record.extra, parse_warning: `no #Fields header: read with the IIS layout of ${values.length} fields` };
      return { kind: 'record', record: { ...result.record, extra } };
    }
    return result;
  }

  private directive(text: string): LineResult {
    const name = text.slice(1, text.indexOf(':') === -1 ? undefined : text.indexOf(':')).trim().toLowerCase();
    if (name === 'fields') {
      const names = parseFieldsDirective(text);
      if (names.length === 0) return reject('#Fields directive lists no fields');
      this.state.layout = w3cLayout(names);
    } else if (name === 'date' || name === 'start-date') {
      const day = parseDateDirective(text);
      if (day !== null) this.state.directiveDayMs = day;
    } else if (name === 'software') {
      this.software = text;
    }
    // Directives and comments are not requests; they are counted as skipped lines.
    return SKIP;
  }
}

function detectW3c(lines: readonly string[]): number {
  let directives = 0;
  let data = 0;
  let parsed = 0;
  // Local-time files are recognised too (their lines then ask for --assume-tz at ingest).
  const parser = new W3cLineParser(assumedZoneOf('UTC'));
  for (const given of lines) {
    const line = given.charCodeAt(0) === 0xfeff ? given.slice(1) : given;
    if (line.startsWith('#')) {
      // CloudFront writes W3C too; its own format reads its tab-separated fields correctly.
      if (/^#Fields:.*\bx-edge-(location|request-id)\b/i.test(line)) return 0;
      if (/^#(Software|Version|Fields|Date|Start-Date|Remark):/i.test(line)) directives++;
      parser.parseLine(line);
      continue;
    }
    data++;
    if (parser.parseLine(line).kind === 'record') parsed++;
  }
  if (data === 0) return directives > 0 ? 0.6 : 0;
  return parsed / data;
}

export const w3cFormat: LogFormat = {
  name: 'w3c',
  description: 'W3C Extended / Microsoft IIS 6-10 (#Fields header, may change mid-file; UTC times; + for spaces)',
  spec: 'https://www.w3.org/TR/WD-logfile.html; https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging',
  // A data line first: `logwitness formats` shows the first sample (it parses with the IIS default layout).
  samples: [
    '2026-03-02 09:15:01 192.0.2.10 GET /exports/members.xlsx - 443 - 198.51.100.23 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 200 0 0 412',
    '#Software: Microsoft Internet Information Services 10.0',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    '2026-03-02 09:15:07 192.0.2.10 GET /search q=annual+report 443 CORP\\jsmith 2001:db8::5 curl/8.4.0 https://intranet.example/ 404 0 2 15',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC by specification (W3C date/time); date-local/time-local fields use --assume-tz',
  createParser: (options) => new W3cLineParser(assumedZoneOf(options.assumeTz)),
  detect: detectW3c,
};
