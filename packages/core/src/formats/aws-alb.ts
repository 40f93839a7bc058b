/**
 * AWS Application Load Balancer access logs.
 *
 * Spec: Elastic Load Balancing, Application Load Balancers guide, "Access log entries"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html).
 *
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" ...
 *
 * Times are ISO-8601 UTC (`time` is when the response was sent; it is the record's time, as
 * in Elastic; `request_creation_time` is kept). `-1` processing times (no target reached)
 * give no duration. AWS appends fields over the years: every field after the user agent is
 * optional and unknown trailing fields are kept as field_N, never rejected.
 *
 * Example: `http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188
 * 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET
 * http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:... "Root=1-58337262-..."`
 */
import { awsLbRecord, LB_MAPPED, namedExtras, splitAwsClient, splitAwsFields } from './aws-fields';
import { ElbLineParser } from './aws-elb';
import { parseIsoTime } from './iso-time';
import { EMPTY_RECORD, parseCount, reject, type LineParser, type LineResult, type LogFormat } from './log-format';

const ALB_FIELDS = [
  'type', 'time', 'elb', 'client', 'target', 'request_processing_time', 'target_processing_time', 'response_processing_time',
  'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent', 'ssl_cipher', 'ssl_protocol',
  'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time',
  'actions_executed', 'redirect_url', 'error_reason', 'target_port_list', 'target_status_code_list', 'classification',
  'classification_reason', 'conn_trace_id',
];
const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
/** Fields up to and including the user agent are required. */
const MIN_FIELDS = 14;

const NLB_TLS_FIELDS = [
  'type', 'version', 'time', 'elb', 'listener', 'client', 'destination', 'connection_time', 'tls_handshake_time', 'received_bytes',
  'sent_bytes', 'incoming_tls_alert', 'chosen_cert_arn', 'chosen_cert_serial', 'tls_cipher', 'tls_protocol_version', 'tls_named_group',
  'domain_name', 'alpn_fe_protocol', 'alpn_be_protocol', 'alpn_client_preference_list', 'tls_connection_creation_time',
];
const CONNECTION_FIELDS = [
  'time', 'client', 'client_port', 'listener_port', 'tls_protocol', 'tls_cipher', 'tls_handshake_latency', 'leaf_client_cert_subject',
  'leaf_client_cert_validity', 'leaf_client_cert_serial_number', 'tls_verify_status', 'conn_trace_id',
];
const CONNECTION_MAPPED: ReadonlySet<string> = new Set(['time', 'client']);
const ISO_START = /^\d{4}-\d{2}-\d{2}T/;
const IP_LIKE = /^[0-9a-fA-F:.]+$/;

/**
 * A connection without an HTTP request (NLB TLS listener entries, ALB connection logs): a
 * record with the client and time and no method or status. NLB times carry no "Z" but are
 * UTC by AWS's definition.
 */
function connectionRecord(values: readonly string[], names: readonly string[], at: { time: number; client: number; port: number | null; sentBytes: number | null }, kind: string): LineResult {
  const time = parseIsoTime(values[at.time] ?? '');
  if (time === null) return reject(`time "${(values[at.time] ?? '').slice(0, 40)}" is not an ISO-8601 time`);
  const client = at.port === null ? splitAwsClient(values[at.client] ?? '') : { host: values[at.client] ?? '', port: parseCount(values[at.port]) };
  if (client.host === '' || client.host === '-') return reject('no client address');
  const extra = namedExtras(names, values, CONNECTION_MAPPED) ?? {};
  extra['aws_log_type'] = kind;
  if (client.port !== null) extra['client_port'] = String(client.port);
  return {
    kind: 'record',
    record: {
      ...EMPTY_RECORD,
      timeMs: time.localMs - (time.offsetMin ?? 0) * 60_000,
      remoteIp: client.host,
      bytes: at.sentBytes === null ? null : parseCount(values[at.sentBytes]),
      extra,
    },
  };
}

const classicElbParser = new ElbLineParser();

class AlbLineParser implements LineParser {
  parseLine(text: string): LineResult {
    const values = splitAwsFields(text);
    const first = values[0] ?? '';
    if (!ALB_TYPES.has(first)) {
      // The same bucket often holds the other AWS load balancer logs: read them too.
      if (first === 'tls' && values.length >= 11) {
        return connectionRecord(values, NLB_TLS_FIELDS, { time: 2, client: 5, port: null, sentBytes: 10 }, 'nlb-tls');
      }
      if (ISO_START.test(first) && IP_LIKE.test(values[1] ?? '') && values.length >= 7) {
        return connectionRecord(values, CONNECTION_FIELDS, { time: 0, client: 1, port: 2, sentBytes: null }, 'alb-connection');
      }
      if (ISO_START.test(first)) return classicElbParser.parseLine(text);
      return reject(`first field "${first.slice(0, 20)}" is not an ALB request type (http, https, h2, grpcs, ws, wss), "tls" (NLB) or a time (Classic ELB, connection log)`);
    }
    if (values.length < MIN_FIELDS) return reject(`${values.length} fields; an ALB entry has at least ${MIN_FIELDS} (up to the user agent)`);
    const extra = namedExtras(ALB_FIELDS, values, LB_MAPPED);
    return awsLbRecord(values, { time: 1, client: 3, processing: 5, status: 8, sentBytes: 11, request: 12, agent: 13 }, extra);
  }
}

export const albFormat: LogFormat = {
  name: 'alb',
  description: 'AWS Application Load Balancer access logs (ISO UTC times, client:port, trailing fields kept; Classic ELB, NLB TLS and connection-log lines in the same files are read too)',
  spec: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html',
  samples: [
    'https 2026-03-02T10:04:11.518221Z app/files-lb/50dc6c495c0c9188 198.51.100.23:51234 10.0.4.17:8080 0.001 0.412 0.000 200 200 312 5243120 "GET https://files.example.org:443/exports/members.xlsx HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/files/73e2d6bc24d8a067 "Root=1-65e2f9ab-1d84f3d73c47ec4e58577259" "files.example.org" "arn:aws:acm:eu-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2026-03-02T10:04:11.105000Z "forward" "-" "-" "10.0.4.17:8080" "200" "-" "-" TID_4f1c2a',
    'http 2026-03-02T10:05:00.000100Z app/files-lb/50dc6c495c0c9188 203.0.113.7:41542 - -1 -1 -1 503 - 120 326 "GET http://files.example.org:80/exports/ HTTP/1.1" "python-requests/2.31.0" - - - "Root=1-65e2f9ab-4c6df30820daa80e3fd72ced" "-" "-" 0 2026-03-02T10:05:00.000000Z "forward" "-" "-" "-" "-" "-" "-"',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC by specification (ISO-8601 with Z)',
  createParser: () => new AlbLineParser(),
};
