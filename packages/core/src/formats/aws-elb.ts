/**
 * AWS Classic Load Balancer (ELB) access logs.
 *
 * Spec: Elastic Load Balancing, Classic Load Balancers guide, "Access log entries"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html).
 *
 *   time elb client:port backend:port request_processing_time backend_processing_time
 *   response_processing_time elb_status_code backend_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol
 *
 * TCP listeners write "-" for the HTTP fields and `"- - - "` for the request: such lines
 * are records without a method or status (a connection from the client at that time).
 *
 * Example: `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80
 * 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1"
 * "curl/7.38.0" - -`
 */
import { awsLbRecord, LB_MAPPED, namedExtras, splitAwsFields } from './aws-fields';
import { reject, type LineParser, type LineResult, type LogFormat } from './log-format';

const ELB_FIELDS = [
  'time', 'elb', 'client', 'backend', 'request_processing_time', 'backend_processing_time', 'response_processing_time',
  'elb_status_code', 'backend_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent', 'ssl_cipher', 'ssl_protocol',
];
const MIN_FIELDS = 12;
const ISO_START = /^\d{4}-\d{2}-\d{2}T/;

export class ElbLineParser implements LineParser {
  parseLine(text: string): LineResult {
    const values = splitAwsFields(text);
    if (!ISO_START.test(values[0] ?? '')) return reject('first field is not an ISO-8601 time: not a Classic ELB entry');
    if (values.length < MIN_FIELDS) return reject(`${values.length} fields; a Classic ELB entry has at least ${MIN_FIELDS} (up to the request)`);
    const extra = namedExtras(ELB_FIELDS, values, LB_MAPPED);
    if (values.length === MIN_FIELDS) values.push('-');
    return awsLbRecord(values, { time: 0, client: 2, processing: 4, status: 7, sentBytes: 10, request: 11, agent: 12 }, extra);
  }
}

export const elbFormat: LogFormat = {
  name: 'elb',
  description: 'AWS Classic Load Balancer (ELB) access logs (ISO UTC times, client:port)',
  spec: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html',
  samples: [
    '2026-03-02T10:04:11.518221Z files-elb 198.51.100.23:51234 10.0.4.17:80 0.000073 0.412048 0.000057 200 200 0 5243120 "GET https://files.example.org:443/exports/members.xlsx HTTP/1.1" "curl/8.4.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2',
    '2026-03-02T10:04:12.000001Z files-elb 203.0.113.7:40001 10.0.4.17:80 0.001069 0.000028 0.000041 - - 82 305 "- - - " "-" - -',
  ],
  needsTimeZone: false,
  timeBasis: 'UTC by specification (ISO-8601 with Z)',
  createParser: () => new ElbLineParser(),
};
