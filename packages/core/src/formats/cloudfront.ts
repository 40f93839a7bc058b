/**
 * Amazon CloudFront standard (legacy) access logs: W3C extended, tab-separated, with
 * `#Version` and `#Fields` headers; times UTC; user agents and referrers URL-encoded.
 *
 * Spec: Amazon CloudFront Developer Guide, "Standard logging (access logs)", log file
 * fields (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html).
 *
 * Mapping notes:
 * - `bytes` is the body: `sc-content-len` capped by `sc-bytes` (which includes headers and is
 *   what was really sent); when `sc-content-len` is "-", `sc-bytes` (an over-estimate of the
 *   body by the header size). Both raw values stay in `extra`.
 * - `sc-range-start`/`sc-range-end` become rangeStart/rangeEnd for range coverage.
 * - `vhost` is `x-host-header` (the Host the viewer asked for), not `cs(Host)` (the
 *   distribution's cloudfront.net name, kept in extra).
 * - Lines before any `#Fields` use the documented 33-field layout.
 *
 * Example (tabs shown as spaces): `2019-12-04 21:02:31 LAX1 392 192.0.2.100 GET
 * d111111abcdef8.cloudfront.net /index.html 200 - Mozilla/5.0%20(Windows%20NT%2010.0) ...`
 */
import { reject, SKIP, parseCount, type LineParser, type LineResult, type LogFormat } from './log-format';
import { parseFieldsDirective, recordFromW3cValues, splitW3cValues, w3cLayout, type W3cDialect, type W3cFileState } from './w3c-fields';

const CLOUDFRONT_DIALECT: W3cDialect = { separator: 'tab', agentEncoding: 'percent', timeTaken: 's' };

/** The documented field list (2019 onwards), used until a #Fields line says otherwise. */
const DEFAULT_FIELDS =
  'date time x-edge-location sc-bytes c-ip cs-method cs(host) cs-uri-stem sc-status cs(referer) cs(user-agent) cs-uri-query ' +
  'cs(cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ' +
  'ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte ' +
  'x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';

class CloudFrontLineParser implements LineParser {
  private readonly state: W3cFileState = { layout: w3cLayout(DEFAULT_FIELDS.split(' ')), directiveDayMs: null };

  parseLine(line: string): LineResult {
    // Files saved by Windows tools may start with a byte-order mark.
    const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (text.charCodeAt(0) === 35) {
      if (/^#Fields:/i.test(text)) {
        const names = parseFieldsDirective(text);
        if (names.length === 0) return reject('#Fields directive lists no fields');
        this.state.layout = w3cLayout(names);
      }
      return SKIP;
    }
    let values: string[];
    let warning: string | null = null;
    if (text.indexOf('\t') === -1) {
      // Copies that went through a tool turning tabs into spaces: accepted only when the value
      // count matches #Fields exactly (no value of CloudFront contains a space, except
      // x-forwarded-for lists, which then make the count differ and the line is rejected).
      values = text.split(' ');
      if (values.length !== this.state.layout!.names.length) {
        return reject(`no tab-separated fields, and ${values.length} space-separated values for ${this.state.layout!.names.length} fields: not a CloudFront standard log line`);
      }
      warning = 'space-separated values (CloudFront writes tabs)';
    } else {
      // A trailing tab (seen in real files) adds an empty value, not a field.
      values = splitW3cValues(text.endsWith('\t') ? text.slice(0, -1) : text, 'tab');
    }
    const result = recordFromW3cValues(this.state.layout!, values, this.state, CLOUDFRONT_DIALECT, null);
    if (result.kind !== 'record') return result;
    const record = warning === null ? result.record : { ...result.record, extra: { ...result.record.extra, parse_warning: warning } };
    const extra = record.extra ?? {};
    const totalBytes = record.bytes;
    const contentLength = parseCount(extra['sc-content-len']);
    const bytes = contentLength === null ? totalBytes : totalBytes === null ? contentLength : Math.min(contentLength, totalBytes);
    return {
      kind: 'record',
      record: {
        ...record,
        bytes,
        extra: totalBytes === null ? record.extra : { ...extra, 'sc-bytes': String(totalBytes) },
      },
    };
  }
}

function detectCloudFront(lines: readonly string[]): number {
  let data = 0;
  let parsed = 0;
  let edgeHeader = false;
  const parser = new CloudFrontLineParser();
  for (const given of lines) {
    const line = given.charCodeAt(0) === 0xfeff ? given.slice(1) : given;
    if (line.startsWith('#')) {
      if (/^#Fields:.*\bx-edge-/i.test(line)) edgeHeader = true;
      parser.parseLine(line);
      continue;
    }
    data++;
    if (parser.parseLine(line).kind === 'record') parsed++;
  }
  if (data === 0) return edgeHeader ? 0.9 : 0;
  return parsed / data;
}

export const cloudFrontFormat: LogFormat = {
  name: 'cloudfront',
  description: 'Amazon CloudFront standard logs (tab-separated W3C, URL-encoded user agent, sc-range-start/end)',
  spec: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html',
  // A data line first: `logwitness formats` shows the first sample (the documented layout applies without #Fields).
  samples: [
    [
      '2026-03-02', '10:04:11', 'LHR61-P1', '5243212', '198.51.100.23', 'GET', 'd111111abcdef8.cloudfront.net', '/exports/members.xlsx', '206',
      '-', 'Mozilla/5.0%20(X11;%20Linux%20x86_64)%20Firefox/123.0', '-', '-', 'Hit', 'vZp0Q6ZxbC6Ww8bQ5YYc1Ll0Y3mK9n8rV7nTqZ0uYQ0a7b8c9dEx==',
      'files.example.org', 'https', '412', '0.120', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'Hit', 'HTTP/2.0', '-', '-', '51234', '0.002',
      'Hit', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '5242880', '0', '5242879',
    ].join('\t'),
    '#Version: 1.0',
    '#Fields: ' + DEFAULT_FIELDS.replace('cs(host)', 'cs(Host)').replace('cs(referer)', 'cs(Referer)').replace('cs(user-agent)', 'cs(User-Agent)').replace('cs(cookie)', 'cs(Cookie)'),
  ],
  needsTimeZone: false,
  timeBasis: 'UTC by specification (CloudFront date/time)',
  createParser: () => new CloudFrontLineParser(),
  detect: detectCloudFront,
};
