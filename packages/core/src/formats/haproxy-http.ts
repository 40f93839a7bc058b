/**
 * HAProxy logs: the HTTP log format (`option httplog`), plus the TCP format and connection
 * errors that share the same stream, usually behind a syslog prefix.
 *
 * Spec: HAProxy Configuration Manual, section 8.2.3 "HTTP log format" (and 8.2.2 "TCP log
 * format", 8.2.5 "Error log format")
 * (https://docs.haproxy.org/2.8/configuration.html#8.2.3):
 *   client_ip:port [accept_date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes_read
 *   req_cookie res_cookie termination_state actconn/feconn/beconn/srv_conn/retries
 *   srv_queue/backend_queue {captured request headers} {captured response headers} "request"
 *
 * The accept date ("06/Feb/2009:12:14:14.655") is the proxy's LOCAL time without an offset:
 * the user must give `--assume-tz`. `bytes_read` is bytes sent to the client (headers
 * included). Captured headers are kept verbatim in extra: their order depends on the
 * `capture request header` lines of the configuration, which the log does not show, so no
 * user agent is guessed from them. HAProxy's own messages ("Proxy x started.") are skipped.
 *
 * Example: `Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655]
 * http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`
 */
import type { AccessRecord } from '../model';
import { assumedZoneOf, missingZoneReason, type AssumedZone } from './assumed-zone';
import { parseClfTime } from './clf-time';
import { dashToNull, EMPTY_RECORD, reject, shareOfParsedLines, SKIP, splitHostPort, splitRequestLine, type LineParser, type LineResult, type LogFormat } from './log-format';

const CLIENT_AND_DATE = /(?:^|\s)(\S+:\d+) \[(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)?)\] (.*)$/;
const HTTP_REST = /^(\S+) (\S+) (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(\+?-?\d+) (-?\d+) (\+?\d+) (\S+) (\S+) (\S+) (\S+) (\S+)(?: \{([^}]*)\})?(?: \{([^}]*)\})?(?: "(.*?)"?)?$/;
const TCP_REST = /^(\S+) (\S+) (-?\d+)\/(-?\d+)\/(\+?-?\d+) (\+?\d+) (\S+) (\S+) (\S+)$/;
const SYSLOG_PREFIX = /^(?:<\d+>\d?\s*)?(?:[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\S+) \S+ (\S+?)(?:\[\d+\])?: /;

function count(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text.replace('+', ''));
  return Number.isInteger(n) && n >= 0 ? n : null;
}

class HaproxyLineParser implements LineParser {
  constructor(private readonly zone: AssumedZone | null) {}

  parseLine(text: string): LineResult {
    const m = CLIENT_AND_DATE.exec(text);
    if (m === null) {
      const prefix = SYSLOG_PREFIX.exec(text);
      if (prefix !== null && /haproxy/i.test(prefix[1]!)) return SKIP; // "Proxy x started.", alerts: not requests
      return reject('no "client:port [dd/Mon/yyyy:HH:MM:SS.mmm]" part: not an HAProxy request log line');
    }
    if (this.zone === null) return reject(missingZoneReason('HAProxy accept date'));
    const local = parseClfTime(`${m[2]!} +0000`);
    if (local === null) return reject(`accept date "${m[2]!}" is not dd/Mon/yyyy:HH:MM:SS.mmm`);
    const instant = this.zone.toUtc(local.timeMs);
    const client = splitHostPort(m[1]!);
    const rest = m[3]!;
    const extra: Record<string, string> = {};
    if (client.port !== null) extra['client_port'] = String(client.port);
    if (instant.note !== null) extra['time_note'] = instant.note;
    const base: AccessRecord = {
      ...EMPTY_RECORD,
      timeMs: instant.timeMs,
      utcOffsetMin: instant.utcOffsetMin,
      offsetAssumed: true,
      remoteIp: client.host,
    };
    const http = HTTP_REST.exec(rest);
    if (http !== null) {
      const request = splitRequestLine(http[17] ?? '');
      const total = Number(http[7]!.replace('+', ''));
      Object.assign(extra, { frontend: http[1]!, backend: http[2]!, timers: `${http[3]}/${http[4]}/${http[5]}/${http[6]}/${http[7]}`, termination_state: http[12]! });
      if (http[15] !== undefined && http[15] !== '') extra['captured_request_headers'] = http[15];
      if (http[16] !== undefined && http[16] !== '') extra['captured_response_headers'] = http[16];
      const status = Number(http[8]);
      return {
        kind: 'record',
        record: {
          ...base,
          method: request.method,
          target: request.target,
          protocol: request.protocol,
          requestLine: request.method === null ? dashToNull(http[17] ?? null) : null,
          status: status >= 0 ? status : null,
          bytes: count(http[9]),
          durationUs: total >= 0 ? total * 1000 : null,
          extra,
        },
      };
    }
    const tcp = TCP_REST.exec(rest);
    if (tcp !== null) {
      Object.assign(extra, { haproxy_mode: 'tcp', frontend: tcp[1]!, backend: tcp[2]!, termination_state: tcp[7]! });
      const total = Number(tcp[5]!.replace('+', ''));
      return { kind: 'record', record: { ...base, bytes: count(tcp[6]), durationUs: total >= 0 ? total * 1000 : null, extra } };
    }
    // Error log format: "frontend/bind: Connection closed during SSL handshake" and friends.
    extra['haproxy_event'] = rest;
    return { kind: 'record', record: { ...base, extra } };
  }
}

/** Detection reads the times as UTC: the zone changes no line's shape. */
function detectHaproxy(lines: readonly string[]): number {
  return shareOfParsedLines(new HaproxyLineParser(assumedZoneOf('UTC')), lines);
}

export const haproxyFormat: LogFormat = {
  name: 'haproxy',
  description: 'HAProxy HTTP log (option httplog) with syslog prefix; local times: needs --assume-tz',
  spec: 'https://docs.haproxy.org/2.8/configuration.html#8.2.3',
  samples: [
    'Mar  2 10:04:11 lb1 haproxy[2113]: 198.51.100.23:51234 [02/Mar/2026:10:04:11.105] https-in~ files/web1 0/0/1/410/412 200 5243120 - - ---- 3/2/0/0/0 0/0 {files.example.org|curl/8.4.0} {} "GET /exports/members.xlsx HTTP/1.1"',
    'Mar  2 10:05:00 lb1 haproxy[2113]: 203.0.113.7:40001 [02/Mar/2026:10:05:00.001] https-in~ files/<NOSRV> -1/-1/-1/-1/0 403 212 - - PR-- 1/1/0/0/0 0/0 "GET /exports/ HTTP/1.1"',
    'Mar  2 10:05:03 lb1 haproxy[2113]: Proxy https-in started.',
  ],
  needsTimeZone: true,
  createParser: (options) => new HaproxyLineParser(assumedZoneOf(options.assumeTz)),
  detect: detectHaproxy,
};
