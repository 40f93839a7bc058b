/**
 * Traefik access logs in JSON (`accessLog.format: json`).
 *
 * Spec: Traefik documentation, "Access Logs", list of fields
 * (https://doc.traefik.io/traefik/observability/access-logs/#list-of-all-available-fields).
 *
 * - `StartUTC` (RFC 3339) is the request time; `ClientHost` (or `ClientAddr` "ip:port") the
 *   connecting address.
 * - `DownstreamStatus` and `DownstreamContentSize` are what the client received.
 * - `Duration` is nanoseconds.
 * - Headers, when kept, appear as `request_User-Agent`, `request_Referer`, `request_Range`,
 *   `downstream_Content-Range`.
 *
 * Example: `{"ClientHost":"198.51.100.23","ClientAddr":"198.51.100.23:51234","DownstreamStatus":200,
 * "DownstreamContentSize":5242880,"Duration":412000000,"RequestMethod":"GET","RequestPath":
 * "/exports/members.xlsx","RequestProtocol":"HTTP/2.0","RequestHost":"files.example.org",
 * "StartUTC":"2026-03-02T10:04:11.105Z","request_User-Agent":"curl/8.4.0"}`
 */
import type { AccessRecord } from '../model';
import { parseIsoTime } from './iso-time';
import { numberAt, parseJsonObject, stringAt, type JsonObject } from './json-line';
import { EMPTY_RECORD, reject, splitHostPort, type LineParser, type LineResult, type LogFormat } from './log-format';

const EXTRA_FIELDS = ['RouterName', 'ServiceName', 'ServiceURL', 'ServiceAddr', 'OriginStatus', 'OriginContentSize', 'RequestContentSize', 'RequestScheme', 'entryPointName', 'ClientUsername', 'RetryAttempts', 'TLSVersion', 'TLSCipher'];

function traefikTime(entry: JsonObject): { timeMs: number; utcOffsetMin: number } | null {
  for (const key of ['StartUTC', 'StartLocal', 'time']) {
    const text = stringAt(entry, key);
    const iso = text === null ? null : parseIsoTime(text.replace(/(\.\d{3})\d+/, '$1'));
    if (iso !== null && iso.offsetMin !== null) return { timeMs: iso.localMs - iso.offsetMin * 60_000, utcOffsetMin: iso.offsetMin };
  }
  return null;
}

class TraefikJsonLineParser implements LineParser {
  parseLine(text: string): LineResult {
    const entry = parseJsonObject(text);
    if (entry === null) return reject('not a JSON object: not a Traefik JSON access log line');
    const address = stringAt(entry, 'ClientAddr');
    const host = stringAt(entry, 'ClientHost') ?? (address === null ? null : splitHostPort(address).host);
    if (host === null) return reject('no ClientHost or ClientAddr: not a Traefik access log entry');
    const time = traefikTime(entry);
    if (time === null) return reject('no StartUTC/StartLocal time with an offset');
    const durationNs = numberAt(entry, 'Duration');
    const extra: Record<string, string> = {};
    for (const name of EXTRA_FIELDS) {
      const value = stringAt(entry, name);
      if (value !== null) extra[name] = value;
    }
    const port = stringAt(entry, 'ClientPort') ?? (address === null ? null : String(splitHostPort(address).port ?? '')) ;
    if (port !== null && port !== '') extra['client_port'] = port;
    const serverPort = numberAt(entry, 'RequestPort');
    const record: AccessRecord = {
      ...EMPTY_RECORD,
      timeMs: time.timeMs,
      utcOffsetMin: time.utcOffsetMin,
      remoteIp: host,
      forwardedFor: stringAt(entry, 'request_X-Forwarded-For'),
      user: stringAt(entry, 'ClientUsername'),
      method: stringAt(entry, 'RequestMethod'),
      target: stringAt(entry, 'RequestPath'),
      protocol: stringAt(entry, 'RequestProtocol'),
      status: numberAt(entry, 'DownstreamStatus'),
      bytes: numberAt(entry, 'DownstreamContentSize'),
      referrer: stringAt(entry, 'request_Referer'),
      userAgent: stringAt(entry, 'request_User-Agent'),
      vhost: stringAt(entry, 'RequestHost'),
      serverPort,
      durationUs: durationNs === null ? null : Math.round(durationNs / 1000),
      rangeHeader: stringAt(entry, 'request_Range'),
      contentRange: stringAt(entry, 'downstream_Content-Range'),
      extra: Object.keys(extra).length === 0 ? null : extra,
    };
    return { kind: 'record', record };
  }
}

export const traefikJsonFormat: LogFormat = {
  name: 'traefik-json',
  description: 'Traefik JSON access log (StartUTC, ClientHost, DownstreamStatus, Duration in ns)',
  spec: 'https://doc.traefik.io/traefik/observability/access-logs/',
  samples: [
    '{"ClientAddr":"198.51.100.23:51234","ClientHost":"198.51.100.23","ClientPort":"51234","ClientUsername":"-","DownstreamContentSize":5242880,"DownstreamStatus":200,"Duration":412000000,"OriginContentSize":5242880,"OriginDuration":410000000,"OriginStatus":200,"Overhead":2000000,"RequestAddr":"files.example.org","RequestContentSize":0,"RequestCount":42,"RequestHost":"files.example.org","RequestMethod":"GET","RequestPath":"/exports/members.xlsx","RequestPort":"-","RequestProtocol":"HTTP/2.0","RequestScheme":"https","RetryAttempts":0,"RouterName":"files@docker","ServiceName":"files@docker","ServiceURL":"http://10.0.4.17:8080","StartLocal":"2026-03-02T11:04:11.105532+01:00","StartUTC":"2026-03-02T10:04:11.105532Z","entryPointName":"websecure","level":"info","msg":"","request_User-Agent":"curl/8.4.0","time":"2026-03-02T11:04:11+01:00"}',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC (StartUTC)',
  createParser: () => new TraefikJsonLineParser(),
};
