/**
 * Amazon S3 server access logs.
 *
 * Spec: Amazon S3 User Guide, "Amazon S3 server access log format"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html).
 *
 *   bucket_owner bucket [time] remote_ip requester request_id operation key "request_uri"
 *   http_status error_code bytes_sent object_size total_time turn_around_time "referer"
 *   "user_agent" version_id host_id signature_version cipher_suite authentication_type
 *   host_header tls_version access_point_arn acl_required ...
 *
 * `bytes_sent` (body bytes, "-" for none) is the record's bytes and `object_size` its
 * objectSize: together they decide whether a GET delivered the whole object. total_time is
 * milliseconds. AWS adds fields at the end over time: fields after turn_around_time are
 * optional and unknown ones are kept as field_N. Internal operations (BATCH.DELETE.OBJECT,
 * log delivery) have "-" for the request and often for remote_ip (kept as "-").
 *
 * Example: `79a59df900b9... DOC-EXAMPLE-BUCKET1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3
 * 79a59df900b9... 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /DOC-EXAMPLE-BUCKET1?versioning
 * HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76Z... SigV4 ...`
 */
import type { AccessRecord } from '../model';
import { namedExtras, splitAwsFields } from './aws-fields';
import { parseClfTime } from './clf-time';
import { dashToNull, EMPTY_RECORD, parseCount, reject, splitRequestLine, type LineParser, type LineResult, type LogFormat } from './log-format';

const S3_FIELDS = [
  'bucket_owner', 'bucket', 'time', 'remote_ip', 'requester', 'request_id', 'operation', 'key', 'request_uri', 'http_status',
  'error_code', 'bytes_sent', 'object_size', 'total_time', 'turn_around_time', 'referer', 'user_agent', 'version_id', 'host_id',
  'signature_version', 'cipher_suite', 'authentication_type', 'host_header', 'tls_version', 'access_point_arn', 'acl_required',
];
/** Up to object_size. */
const MIN_FIELDS = 13;
const MAPPED: ReadonlySet<string> = new Set(['time', 'remote_ip', 'requester', 'request_uri', 'http_status', 'bytes_sent', 'object_size', 'total_time', 'referer', 'user_agent', 'host_header']);

class S3LineParser implements LineParser {
  parseLine(text: string): LineResult {
    const values = splitAwsFields(text);
    if (values.length < MIN_FIELDS) return reject(`${values.length} fields; an S3 server access entry has at least ${MIN_FIELDS} (up to object_size)`);
    if (!/^[0-9a-f]{16,}$|^-$/i.test(values[0]!)) return reject('first field is not a canonical user ID (hex): not an S3 server access entry');
    const time = parseClfTime(values[2]!);
    if (time === null) return reject(`time "${values[2]!.slice(0, 40)}" is not [dd/Mon/yyyy:HH:MM:SS ±hhmm]`);
    const status = values[9]!;
    if (status !== '-' && parseCount(status) === null) return reject(`http_status "${status.slice(0, 20)}" is not a number or "-"`);
    const requestUri = values[8]!;
    const request = splitRequestLine(requestUri);
    const extra = namedExtras(S3_FIELDS, values, MAPPED);
    const totalTime = parseCount(values[13]);
    const record: AccessRecord = {
      ...EMPTY_RECORD,
      timeMs: time.timeMs,
      utcOffsetMin: time.utcOffsetMin,
      remoteIp: values[3]!,
      user: dashToNull(values[4]),
      method: request.method,
      target: request.target,
      protocol: request.protocol,
      requestLine: request.method === null ? dashToNull(requestUri) : null,
      status: parseCount(status),
      bytes: parseCount(values[11]),
      objectSize: parseCount(values[12]),
      durationUs: totalTime === null ? null : totalTime * 1000,
      referrer: dashToNull(values[15]),
      userAgent: dashToNull(values[16]),
      vhost: dashToNull(values[22]),
      extra,
    };
    return { kind: 'record', record };
  }
}

export const s3AccessFormat: LogFormat = {
  name: 's3',
  description: 'Amazon S3 server access logs (bytes_sent and object_size kept for completeness)',
  spec: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html',
  samples: [
    '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be member-exports [02/Mar/2026:10:04:11 +0000] 198.51.100.23 - 3E57427F3EXAMPLE REST.GET.OBJECT exports/members.xlsx "GET /member-exports/exports/members.xlsx HTTP/1.1" 200 - 5242880 5242880 412 38 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 QueryString member-exports.s3.eu-west-2.amazonaws.com TLSv1.3 - -',
    '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be member-exports [02/Mar/2026:10:05:40 +0000] 203.0.113.7 - 891CE47D2EXAMPLE REST.GET.OBJECT exports/members.xlsx "GET /member-exports/exports/members.xlsx HTTP/1.1" 206 - 1048576 5242880 95 12 "-" "curl/8.4.0" -',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC offset written in each line',
  createParser: () => new S3LineParser(),
};
