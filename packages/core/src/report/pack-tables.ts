/**
 * The machine-readable files of an evidence pack: downloads.csv, timeline.csv, sources.csv,
 * events.jsonl (ECS field names, Timesketch-ready) and evidence-lines.log (cited lines,
 * verbatim). CSV cells go through toCsv, so formula-like log text stays inert.
 */
import type { Attribution, RequestEvent } from '../model';
import type { SourceRow } from '../store/case-store';
import type { RawLine } from '../store/raw-lines';
import { formatDisplayTime, isoUtc } from './display-time';
import type { PackContent } from './pack-content';
import { toCsv } from './safe-text';

function isoOrNull(timeMs: number | null): string | null {
  return timeMs === null ? null : isoUtc(timeMs);
}

function sourceCitation(request: RequestEvent): string {
  return `${request.source.sha256}:${request.source.line}`;
}

function attributionCells(a: Attribution | null): unknown[] {
  return [a?.countryCode ?? null, a?.city ?? null, a?.asn ?? null, a?.asOrg ?? null, a?.network ?? null, a === null ? null : anonymityOf(a)];
}

/** "VPN; hosting", "Tor exit", or null: the anonymity flags a database reported. */
export function anonymityOf(a: Attribution): string | null {
  const flags = [
    a.isTorExitNode ? 'Tor exit' : null,
    a.isAnonymousVpn ? 'VPN' : null,
    a.isPublicProxy ? 'public proxy' : null,
    a.isHostingProvider ? 'hosting' : null,
    a.isAnonymous && !a.isTorExitNode && !a.isAnonymousVpn && !a.isPublicProxy ? 'anonymous' : null,
  ].filter((flag): flag is string => flag !== null);
  return flags.length === 0 ? null : flags.join('; ');
}

const ATTRIBUTION_HEADER = ['country', 'city', 'asn', 'as_org', 'known_network', 'anonymity'];

export function downloadsCsv(content: PackContent): string {
  const header = ['download', 'client_ip', 'user_agent', 'start_utc', 'end_utc', 'start_local', 'requests', 'bytes', 'complete', 'completeness_rule', 'rule_detail', 'path', ...ATTRIBUTION_HEADER, 'source_lines'];
  const rows = content.downloads.downloads.map((d) => [
    d.number, d.clientIp, d.userAgent, isoUtc(d.startMs), isoUtc(d.endMs), formatDisplayTime(d.startMs, content.displayZone),
    d.requests.length, d.bytes, d.complete ? 'yes' : 'no', d.rule, d.ruleDetail, d.path, ...attributionCells(d.attribution),
    d.requests.map(sourceCitation).join(' '),
  ]);
  return toCsv(header, rows);
}

/** Download number (as in downloads.csv) of each request that belongs to one. */
export function downloadNumbers(content: PackContent): Map<number, number> {
  const numbers = new Map<number, number>();
  for (const d of content.downloads.downloads) for (const r of d.requests) numbers.set(r.requestId, d.number);
  return numbers;
}

export function timelineCsv(content: PackContent): string {
  const numbers = downloadNumbers(content);
  const header = ['time_utc', 'time_local', 'kind', 'client_ip', 'method', 'url', 'status', 'bytes', 'user_agent', 'referrer', ...ATTRIBUTION_HEADER, 'download', 'description', 'source_file', 'source_sha256', 'source_line'];
  const rows = content.timeline.events.map((e) => {
    const r = e.request;
    return [
      isoUtc(e.timeMs), formatDisplayTime(e.timeMs, content.displayZone), e.kind, r.clientIp, r.method, r.target ?? r.path, r.status, r.bytes,
      r.userAgent, r.referrer, ...attributionCells(e.attribution), numbers.get(r.requestId) ?? null, e.description,
      r.source.file, r.source.sha256, r.source.line,
    ];
  });
  return toCsv(header, rows);
}

export function sourcesCsv(sources: readonly SourceRow[]): string {
  const header = ['file', 'sha256', 'content_sha256', 'size_bytes', 'compression', 'format', 'time_basis', 'lines', 'parsed', 'rejected', 'blank', 'first_utc', 'last_utc', 'status', 'error', 'ingested_utc', 'tool_version'];
  const rows = sources.map((s) => [
    s.path, s.sha256, s.contentSha256, s.sizeBytes, s.compression, s.format, s.timeBasis, s.lines, s.parsed, s.rejected, s.skippedLines,
    isoOrNull(s.firstTimeMs), isoOrNull(s.lastTimeMs), s.status, s.error, isoUtc(s.ingestedAtMs), s.toolVersion,
  ]);
  return toCsv(header, rows);
}

/** Drop null fields: ECS consumers treat an absent field as unknown, and "null" as a value. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

/**
 * One JSON object per timeline event, with flat ECS field names (Elasticsearch and OpenSearch
 * read dotted names as objects) and Timesketch's message, datetime and timestamp_desc.
 */
export function eventsJsonl(content: PackContent): string {
  const numbers = downloadNumbers(content);
  return content.timeline.events
    .map((e) => {
      const r = e.request;
      const a = e.attribution;
      const time = isoUtc(e.timeMs);
      return JSON.stringify(
        compact({
          '@timestamp': time,
          datetime: time,
          timestamp_desc: 'Request Time',
          message: `${r.clientIp} ${r.method ?? '?'} ${r.target ?? r.path ?? '?'} -> ${r.status ?? '?'} (${r.bytes ?? 0} bytes): ${e.description}`,
          'event.kind': 'event',
          'event.category': ['web'],
          'event.type': ['access'],
          'event.action': e.kind,
          'event.outcome': r.status === null ? 'unknown' : r.status < 400 ? 'success' : 'failure',
          'source.ip': r.clientIp,
          'source.as.number': a?.asn ?? null,
          'source.as.organization.name': a?.asOrg ?? null,
          'source.geo.country_iso_code': a?.countryCode ?? null,
          'source.geo.country_name': a?.countryName ?? null,
          'source.geo.region_name': a?.subdivision ?? null,
          'source.geo.city_name': a?.city ?? null,
          'source.geo.location': a?.latitude != null && a.longitude != null ? { lat: a.latitude, lon: a.longitude } : null,
          'url.path': r.path,
          'url.original': r.target ?? r.path,
          'http.request.method': r.method,
          'http.request.referrer': r.referrer,
          'http.response.status_code': r.status,
          'http.response.body.bytes': r.bytes,
          'user_agent.original': r.userAgent,
          'log.file.path': r.source.file,
          'logwitness.source.sha256': r.source.sha256,
          'logwitness.source.line': r.source.line,
          'logwitness.download': numbers.get(r.requestId) ?? null,
          'logwitness.known_network': a?.network ?? null,
          'logwitness.anonymity': a === null ? null : anonymityOf(a),
        }),
      );
    })
    .map((line) => line + '\n')
    .join('');
}

export const EVIDENCE_LINES_HEADER =
  '# logwitness evidence lines: every log line cited by a finding in this pack, verbatim.\n' +
  '# Each entry is one header line "<source sha256> line <N> bytes <L> file <JSON file name>", then exactly L bytes copied\n' +
  '# from that line of that file (its terminator included when it had one), then "\\n" if those bytes do not end with one.\n' +
  '# Check any entry against the original: sed -n "<N>p" FILE (sha256sum FILE gives the sha256).\n';

/** evidence-lines.log: the exact bytes of every cited line, each with where it came from. */
export function evidenceLinesFile(lines: readonly RawLine[]): Buffer {
  const parts: Buffer[] = [Buffer.from(EVIDENCE_LINES_HEADER, 'utf8')];
  for (const line of lines) {
    const note = line.whole ? '' : ` (only the first ${line.bytes.length} of ${line.fullBytes} bytes were kept at ingest)`;
    parts.push(Buffer.from(`${line.sha256} line ${line.line} bytes ${line.bytes.length} file ${JSON.stringify(line.sourcePath)}${note}\n`, 'utf8'));
    parts.push(line.bytes);
    if (line.bytes[line.bytes.length - 1] !== 10) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** One entry of evidence-lines.log. */
export interface EvidenceEntry {
  readonly sha256: string;
  readonly line: number;
  readonly bytes: Buffer;
}

const ENTRY_HEADER = /^([0-9a-f]{64}) line (\d+) bytes (\d+) file (.*)$/;

/** Read evidence-lines.log back (for verify). Throws an Error saying where it is malformed. */
export function parseEvidenceLines(data: Buffer): EvidenceEntry[] {
  const entries: EvidenceEntry[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf(10, offset);
    const headerEnd = end === -1 ? data.length : end;
    const header = data.subarray(offset, headerEnd).toString('utf8');
    offset = headerEnd + 1;
    if (header.startsWith('#') || header === '') continue;
    const match = ENTRY_HEADER.exec(header);
    if (match === null) throw new Error(`expected an entry header "<sha256> line <N> bytes <L> file <name>" at byte ${offset - header.length - 1}, found ${JSON.stringify(header.slice(0, 80))}`);
    const length = Number(match[3]);
    if (offset + length > data.length) throw new Error(`the entry for line ${match[2]} of ${match[1]} says ${length} bytes but the file ends first`);
    const bytes = data.subarray(offset, offset + length);
    offset += length;
    if (bytes[bytes.length - 1] !== 10) offset += 1; // the separator newline the writer added
    entries.push({ sha256: match[1]!, line: Number(match[2]), bytes });
  }
  return entries;
}
