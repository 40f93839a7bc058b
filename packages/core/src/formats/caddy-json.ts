/**
 * Caddy v2 structured access logs (JSON lines from the `http.log.access` logger).
 *
 * Spec: Caddy documentation, "log" directive and the access log structure
 * (https://caddyserver.com/docs/caddyfile/directives/log#structure).
 *
 * - `ts` is Unix epoch seconds with a fraction (or an ISO string when `time_format` is set).
 * - `request.remote_ip` (older versions: `request.remote_addr` "ip:port") is the connecting
 *   address and becomes remoteIp; `request.client_ip` (the address Caddy trusted from proxy
 *   headers) is kept in extra.client_ip, as the forensic rules require.
 * - Headers are arrays of strings: `request.headers["User-Agent"][0]`.
 * - `status` 0 means no handler wrote a response; it is kept as 0, not guessed.
 * - `size` is the response body bytes; `duration` seconds.
 * - Lines of other loggers (startup, TLS...) are not requests: they are skipped and counted.
 *
 * Example: `{"level":"info","ts":1772445851.518,"logger":"http.log.access","msg":"handled
 * request","request":{"remote_ip":"198.51.100.23","remote_port":"51234","client_ip":"198.51.100.23",
 * "proto":"HTTP/2.0","method":"GET","host":"files.example.org","uri":"/exports/members.xlsx",
 * "headers":{"User-Agent":["curl/8.4.0"]}},"bytes_read":0,"duration":0.41,"size":5242880,"status":200}`
 */
import type { AccessRecord } from '../model';
import { parseIsoTime } from './iso-time';
import { headerAt, numberAt, objectAt, parseJsonObject, stringAt } from './json-line';
import { EMPTY_RECORD, reject, SKIP, splitHostPort, type LineParser, type LineResult, type LogFormat } from './log-format';

function caddyTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value * 1000);
  if (typeof value === 'string') {
    const iso = parseIsoTime(value);
    if (iso !== null && iso.offsetMin !== null) return iso.localMs - iso.offsetMin * 60_000;
  }
  return null;
}

class CaddyLineParser implements LineParser {
  parseLine(text: string): LineResult {
    const entry = parseJsonObject(text);
    if (entry === null) return reject('not a JSON object: not a Caddy JSON log line');
    const request = objectAt(entry, 'request');
    if (request === null) {
      return typeof entry['logger'] === 'string' || typeof entry['msg'] === 'string' ? SKIP : reject('no "request" object: not a Caddy access log entry');
    }
    const timeMs = caddyTime(entry['ts']);
    if (timeMs === null) return reject('"ts" is not epoch seconds or an ISO time with an offset');
    const remote = stringAt(request, 'remote_ip') ?? (stringAt(request, 'remote_addr') === null ? null : splitHostPort(stringAt(request, 'remote_addr')!).host);
    if (remote === null) return reject('no request.remote_ip or request.remote_addr');
    const headers = objectAt(request, 'headers');
    const responseHeaders = objectAt(entry, 'resp_headers');
    const uri = stringAt(request, 'uri');
    const durationS = numberAt(entry, 'duration');
    const extra: Record<string, string> = {};
    const clientIp = stringAt(request, 'client_ip');
    if (clientIp !== null && clientIp !== remote) extra['client_ip'] = clientIp;
    const port = stringAt(request, 'remote_port');
    if (port !== null) extra['client_port'] = port;
    const userId = stringAt(entry, 'user_id');
    const bytesRead = numberAt(entry, 'bytes_read');
    if (bytesRead !== null) extra['bytes_read'] = String(bytesRead);
    const tls = objectAt(request, 'tls');
    if (tls !== null && stringAt(tls, 'server_name') !== null) extra['tls_server_name'] = stringAt(tls, 'server_name')!;
    const status = numberAt(entry, 'status');
    const record: AccessRecord = {
      ...EMPTY_RECORD,
      timeMs,
      remoteIp: remote,
      forwardedFor: headerAt(headers, 'X-Forwarded-For'),
      user: userId,
      method: stringAt(request, 'method'),
      target: uri,
      protocol: stringAt(request, 'proto'),
      status: status === null ? null : Math.trunc(status),
      bytes: numberAt(entry, 'size'),
      referrer: headerAt(headers, 'Referer'),
      userAgent: headerAt(headers, 'User-Agent'),
      vhost: stringAt(request, 'host'),
      durationUs: durationS === null ? null : Math.round(durationS * 1e6),
      rangeHeader: headerAt(headers, 'Range'),
      contentRange: headerAt(responseHeaders, 'Content-Range'),
      extra: Object.keys(extra).length === 0 ? null : extra,
    };
    return { kind: 'record', record };
  }
}

export const caddyJsonFormat: LogFormat = {
  name: 'caddy',
  description: 'Caddy v2 JSON access log (epoch ts, request.remote_ip/client_ip, headers as arrays)',
  spec: 'https://caddyserver.com/docs/caddyfile/directives/log#structure',
  samples: [
    '{"level":"info","ts":1772445851.5182,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"198.51.100.23","remote_port":"51234","client_ip":"198.51.100.23","proto":"HTTP/2.0","method":"GET","host":"files.example.org","uri":"/exports/members.xlsx","headers":{"User-Agent":["Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0"],"Range":["bytes=0-"]},"tls":{"resumed":false,"version":772,"proto":"h2","server_name":"files.example.org"}},"bytes_read":0,"user_id":"","duration":0.412,"size":5242880,"status":206,"resp_headers":{"Content-Range":["bytes 0-5242879/5242880"],"Content-Type":["application/octet-stream"]}}',
    '{"level":"info","ts":1772445900.001,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"10.0.0.5","remote_port":"40000","client_ip":"203.0.113.7","proto":"HTTP/1.1","method":"HEAD","host":"files.example.org","uri":"/exports/","headers":{"X-Forwarded-For":["203.0.113.7"]}},"bytes_read":0,"user_id":"","duration":0.0001,"size":0,"status":0,"resp_headers":{}}',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC (Unix epoch seconds)',
  createParser: () => new CaddyLineParser(),
};
