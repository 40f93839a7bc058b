/**
 * Traefik access logs in its default Common Log Format variant: combined, then the request
 * count, "router name", "server URL" and the duration with "ms".
 *
 * Spec: Traefik documentation, "Access Logs", CLF format
 * (https://doc.traefik.io/traefik/observability/access-logs/#format):
 *   <remote_IP> - <user> [<timestamp>] "<method> <path> <protocol>" <status> <size>
 *   "<referrer>" "<user_agent>" <request_count> "<router>" "<server_URL>" <duration>ms
 *
 * The line is read by the shared CLF scanner (escaping, odd requests, IPv6); the Traefik tail
 * is then named instead of kept as extra_1..4.
 *
 * Example: `198.51.100.23 - - [02/Mar/2026:10:04:11 +0000] "GET /exports/members.xlsx HTTP/2.0"
 * 200 5242880 "-" "curl/8.4.0" 42 "files@docker" "http://10.0.4.17:8080" 412ms`
 */
import type { AccessRecord } from '../model';
import { scanClfLine } from './clf-scanner';
import { reject, type LineParser, type LineResult, type LogFormat } from './log-format';

const DURATION = /^(\d+)ms$/;

function traefikTail(record: AccessRecord): AccessRecord | null {
  const extra = record.extra;
  if (extra === null) return null;
  const count = extra['extra_1'];
  const duration = DURATION.exec(extra['extra_4'] ?? '');
  if (count === undefined || !/^\d+$/.test(count) || duration === null) return null;
  const named: Record<string, string> = { request_count: count, router_name: extra['extra_2'] ?? '-', server_url: extra['extra_3'] ?? '-' };
  for (const [key, value] of Object.entries(extra)) if (!/^extra_[1-4]$/.test(key)) named[key] = value;
  return { ...record, durationUs: Number(duration[1]) * 1000, extra: named };
}

class TraefikClfLineParser implements LineParser {
  parseLine(text: string): LineResult {
    const scanned = scanClfLine(text).result;
    if (scanned.kind !== 'record') return scanned;
    const record = traefikTail(scanned.record);
    if (record === null) return reject('no Traefik tail (<count> "<router>" "<server URL>" <n>ms) after the user agent');
    return { kind: 'record', record };
  }
}

function detectTraefikClf(lines: readonly string[]): number {
  if (lines.length === 0) return 0;
  const parser = new TraefikClfLineParser();
  let parsed = 0;
  for (const line of lines) if (parser.parseLine(line).kind === 'record') parsed++;
  // Every Traefik line is also a combined line: a full Traefik tail must win that tie.
  return Math.min(1.002, (parsed * 1.002) / lines.length);
}

export const traefikClfFormat: LogFormat = {
  name: 'traefik-clf',
  description: 'Traefik default access log: combined + request count, "router", "server URL", duration in ms',
  spec: 'https://doc.traefik.io/traefik/observability/access-logs/#format',
  samples: [
    '198.51.100.23 - - [02/Mar/2026:10:04:11 +0000] "GET /exports/members.xlsx HTTP/2.0" 200 5242880 "-" "curl/8.4.0" 42 "files@docker" "http://10.0.4.17:8080" 412ms',
    '2001:db8::7 - - [02/Mar/2026:10:05:00 +0000] "GET /exports/ HTTP/1.1" 404 19 "-" "Mozilla/5.0 (X11; Linux x86_64)" 43 "files@docker" "http://10.0.4.17:8080" 1ms',
  ],
  needsTimeZone: false,
  createParser: () => new TraefikClfLineParser(),
  detect: detectTraefikClf,
};
