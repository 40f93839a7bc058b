/**
 * Splitting of AWS access log lines (ALB, Classic ELB, S3): values separated by single
 * spaces, some "double-quoted" (a quote inside is not escaped by AWS, so a quoted value ends
 * at a quote followed by a space or the end of the line) and, in S3 logs, a
 * [bracketed time] that contains a space.
 */
import type { AccessRecord } from '../model';
import { parseIsoTime, secondsToUs } from './iso-time';
import { dashToNull, EMPTY_RECORD, parseCount, reject, splitHostPort, splitRequestLine, type LineResult } from './log-format';

export function splitAwsFields(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  const n = line.length;
  while (at < n) {
    if (line.charCodeAt(at) === 32) {
      at++;
      continue;
    }
    const c = line.charCodeAt(at);
    if (c === 34 /* " */) {
      let close = line.indexOf('"', at + 1);
      while (close !== -1 && close + 1 < n && line.charCodeAt(close + 1) !== 32) close = line.indexOf('"', close + 1);
      if (close === -1) close = n;
      fields.push(line.slice(at + 1, close));
      at = close + 1;
    } else if (c === 91 /* [ */) {
      let close = line.indexOf(']', at + 1);
      if (close === -1) close = n;
      fields.push(line.slice(at + 1, close));
      at = close + 1;
    } else {
      let end = line.indexOf(' ', at);
      if (end === -1) end = n;
      fields.push(line.slice(at, end));
      at = end;
    }
  }
  return fields;
}

/**
 * An AWS "client:port" field. AWS always writes the port and writes IPv6 clients without
 * brackets ("2001:db8::5:41866"), so the port is what follows the last colon.
 */
export function splitAwsClient(value: string): { host: string; port: number | null } {
  if (value.startsWith('[')) return splitHostPort(value);
  const colon = value.lastIndexOf(':');
  if (colon > 0) {
    const port = parseCount(value.slice(colon + 1));
    if (port !== null && port <= 65535) return { host: value.slice(0, colon), port };
  }
  return { host: value, port: null };
}

/** ALB/ELB fields that become record fields, so they are not repeated in extra. */
export const LB_MAPPED: ReadonlySet<string> = new Set(['time', 'client', 'request', 'user_agent', 'sent_bytes', 'elb_status_code']);

/**
 * Keep the named values that are present (not "-" or empty) in an extra map, leaving out
 * the fields already mapped onto record fields. Unnamed trailing values are field_N.
 */
export function namedExtras(names: readonly string[], values: readonly string[], mapped: ReadonlySet<string>): Record<string, string> | null {
  let extra: Record<string, string> | null = null;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === '-' || value === '') continue;
    const name = names[i] ?? `field_${i + 1}`;
    if (mapped.has(name)) continue;
    (extra ??= {})[name] = value;
  }
  return extra;
}

/** Request URL parts: "http://www.example.com:80/path" -> host and port. */
function urlHostPort(target: string | null): { host: string | null; port: number | null } {
  const m = target === null ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
  if (m === null) return { host: null, port: null };
  const { host, port } = splitHostPort(m[1]!);
  return { host: host === '' ? null : host, port };
}

/** Sum of the three processing times in µs, or null when any is -1 (the request never reached a target). */
function totalDurationUs(values: readonly string[], first: number): number | null {
  let total = 0;
  for (let i = first; i < first + 3; i++) {
    const us = secondsToUs(values[i]);
    if (us === null) return null;
    total += us;
  }
  return total;
}

/** Shared by ALB and Classic ELB: map the request, agent, status and byte fields. */
export function awsLbRecord(
  values: readonly string[],
  at: { time: number; client: number; processing: number; status: number; sentBytes: number; request: number; agent: number },
  extra: Record<string, string> | null,
): LineResult {
  const time = parseIsoTime(values[at.time]!);
  if (time === null || time.offsetMin === null) return reject(`time "${values[at.time]!.slice(0, 40)}" is not an ISO-8601 UTC time`);
  const client = splitAwsClient(values[at.client]!);
  if (client.host === '' || client.host === '-') return reject('no client:port field');
  const requestLine = values[at.request]!;
  const request = splitRequestLine(requestLine);
  const status = values[at.status]!;
  if (status !== '-' && parseCount(status) === null) return reject(`elb_status_code "${status.slice(0, 20)}" is not a number or "-"`);
  const url = urlHostPort(request.target);
  const record: AccessRecord = {
    ...EMPTY_RECORD,
    timeMs: time.localMs - time.offsetMin * 60_000,
    remoteIp: client.host,
    method: request.method,
    target: request.target,
    protocol: request.protocol,
    requestLine: request.method === null ? dashToNull(requestLine.trim()) : null,
    status: parseCount(status),
    bytes: parseCount(values[at.sentBytes]),
    userAgent: dashToNull(values[at.agent]),
    vhost: url.host,
    serverPort: url.port,
    durationUs: totalDurationUs(values, at.processing),
    extra: client.port === null ? extra : { ...extra, client_port: String(client.port) },
  };
  return { kind: 'record', record };
}

