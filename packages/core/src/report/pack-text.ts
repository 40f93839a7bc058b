/**
 * The prose of an evidence pack (key facts, methodology, limitations) as plain-text sections.
 * The HTML report and the Markdown files render the same sections, each with its own escaping,
 * so the two never say different things.
 */
import { formatDisplayTime } from './display-time';
import { timeRange, type PackContent } from './pack-content';

export interface TextSection {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly items: readonly string[];
}

export interface KeyFact {
  readonly label: string;
  readonly value: string;
}

const DEFAULT_WINDOW_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

function section(title: string, paragraphs: readonly string[], items: readonly string[] = []): TextSection {
  return { title, paragraphs, items };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function displayTime(content: PackContent, timeMs: number | null): string {
  return timeMs === null ? 'none' : formatDisplayTime(timeMs, content.displayZone);
}

function sizeText(content: PackContent): string {
  const { sizeBytes, sizeRule } = content.downloads;
  if (sizeBytes === null) return 'unknown (no full response and no size given), so no download can be called complete by size';
  const how = { given: 'given by the examiner (--size)', 'largest-200': 'the largest 200 response body for the target', 'object-size': 'the object size recorded in the log', unknown: 'unknown' }[sizeRule];
  return `${sizeBytes} bytes (${how})`;
}

/** The numbers at the top of the report. */
export function keyFacts(content: PackContent): KeyFact[] {
  const s = content.downloads.summary;
  const e = content.timeline.exposure;
  return [
    { label: 'Target', value: content.target },
    ...(content.downloads.match === 'exact' ? [] : [{ label: 'Paths matched', value: `${content.downloads.matchedPaths.length} (--match ${content.downloads.match})` }]),
    { label: 'Downloads', value: String(s.downloads) },
    { label: 'Complete', value: String(s.complete) },
    { label: 'Partial', value: String(s.partial) },
    { label: 'Distinct clients', value: String(s.clients) },
    { label: 'First successful response', value: displayTime(content, e.firstSuccessMs) },
    { label: 'Last successful response', value: displayTime(content, e.lastSuccessMs) },
    { label: 'Closed (first refusal after last success)', value: e.closedAtMs === null ? 'not seen in the logs' : displayTime(content, e.closedAtMs) },
    { label: 'File size used', value: sizeText(content) },
  ];
}

export function methodologySections(content: PackContent): TextSection[] {
  const p = content.provenance;
  const windowMs = p.analysisOptions.windowMs ?? DEFAULT_WINDOW_MS;
  const match = p.analysisOptions.match ?? 'exact';
  const totalLines = content.sources.reduce((sum, s) => sum + s.lines, 0);
  const parsed = content.sources.reduce((sum, s) => sum + s.parsed, 0);
  const rejected = content.sources.reduce((sum, s) => sum + s.rejected, 0);
  return [
    section('Sources examined', [
      `${plural(content.sources.length, 'log file')} (${totalLines} lines: ${parsed} parsed as requests, ${rejected} rejected with a recorded reason, the rest blank lines, comments or headers) were read into the case file ${p.caseFile.path}. Each file was opened read-only and its SHA-256 computed over the bytes as given (and over the decompressed text for compressed files); sources.csv lists every file with its hash, format, counts and time range.`,
      'The exact bytes of every line were kept in the case, so each line cited by a finding is reproduced verbatim in evidence-lines.log with its file hash and line number, and can be checked against the original file.',
    ]),
    section('Times', [
      `Times are stored as UTC instants, read with the UTC offset written in each log line (or the zone recorded per source in provenance.json when the format carries none). Times in this report are shown in ${content.displayZone === 'UTC' ? 'UTC' : `the zone ${content.displayZone}`}; the CSV and JSON files give UTC as well.`,
    ]),
    section('Target matching', [
      `A request concerns the target when its path equals ${content.target} after percent-decoding unreserved characters, collapsing duplicate slashes, resolving dot segments and dropping the query string${match === 'exact' ? '' : ` (match mode: ${match})`}${p.analysisOptions.caseInsensitive ? ', compared without regard to letter case' : ''}.`,
    ]),
    section('Downloads', [
      `A download is one client, identified by IP address and user agent, obtaining content of the target: responses with status 200 or 206 and more than 0 body bytes. That client's successful requests less than ${Math.round(windowMs / 60_000)} minutes apart are merged into one download. HEAD requests, 304 (not modified), 4xx and 5xx responses are listed as events, not downloads.`,
      `A download is complete when a 200 response's bytes reach the file size, or when logged byte ranges cover the whole file, or else when its 206 responses add up to at least the file size; the rule that decided is recorded for each download. File size: ${sizeText(content)}.`,
    ]),
    section('Exposure window', [
      'The first and last successful content responses for the target bound the exposure seen in the logs. The exposure is taken as closed at the first 403, 404 or 410 response for the target after the last success.',
    ]),
    section('Attribution', [
      p.geoDatabases.length === 0
        ? 'No GeoIP or ASN database was used: client addresses are not attributed to countries or networks.'
        : 'Client addresses were looked up in the databases below (file SHA-256 in provenance.json). Country, city and network owner are properties of the address block at the database build date, not of a person.',
      p.knownNetworks === null ? 'No known-networks list was used.' : `Known-network labels come from ${p.knownNetworks.file} (SHA-256 ${p.knownNetworks.sha256}).`,
    ], p.geoDatabases.map((db) => `${db.databaseType}: ${db.file}, built ${db.buildDate.slice(0, 10)}, SHA-256 ${db.sha256}`)),
    section('Integrity of this pack', [
      'manifest.json lists the SHA-256 of every other file in the pack. "logwitness verify" recomputes them, checks the signature when the pack is signed (manifest.sig, with the signer\'s public key in manifest.pub.pem), and with --logs re-reads the original logs and re-runs the analysis with the options recorded in provenance.json to confirm the same findings.',
    ]),
  ];
}

export function limitationSections(content: PackContent): TextSection[] {
  const gaps = content.gaps;
  const zone = content.displayZone;
  const p = content.provenance;
  const gapItems: string[] = [];
  if (gaps.coverage === null) gapItems.push('The case holds no requests.');
  else gapItems.push(`The logs cover ${formatDisplayTime(gaps.coverage.firstMs, zone)} to ${formatDisplayTime(gaps.coverage.lastMs, zone)}. Nothing before or after is seen.`);
  for (const day of gaps.missingDaysMs) gapItems.push(`No request at all on ${new Date(day).toISOString().slice(0, 10)} (UTC), a day inside the period covered.`);
  for (const period of gaps.silentPeriods) {
    gapItems.push(`No request from ${formatDisplayTime(period.startMs, zone)} to ${formatDisplayTime(period.endMs, zone)} (${plural(period.hours, 'hour')}), although the same hours on other days typically hold about ${Math.round(period.expectedRequests)} requests.`);
  }
  for (const rotation of gaps.missingRotations) {
    gapItems.push(`Rotated log files appear to be missing from the series ${rotation.series}: ${rotation.missing.join(', ')} (present: ${rotation.present.join(', ')}).`);
  }
  for (const source of gaps.incompleteSources) gapItems.push(`${source.path} could only be read in part: ${source.error ?? 'reason not recorded'}.`);
  for (const source of gaps.rejectedLines) gapItems.push(`${source.path}: ${source.rejected} of ${source.lines} lines could not be parsed (listed in the case file's rejects table with line numbers and reasons).`);
  const gapFree = gaps.silentPeriods.length === 0 && gaps.missingDaysMs.length === 0 && gaps.missingRotations.length === 0 && gaps.incompleteSources.length === 0 && gaps.rejectedLines.length === 0;
  const oldest = timeRange(p.geoDatabases.map((db) => db.buildEpochMs))?.firstMs ?? null;
  const firstEvent = content.timeline.events[0]?.timeMs ?? null;
  return [
    section('What a download means here', [
      'A download is inferred from the server\'s access log: the bytes a log records are what the server sent (or tried to send), not proof that the client received or kept them. A response can be logged as 200 although the connection broke, and caches, CDNs and proxies in front of the server can serve the file without the server logging it, or fetch it once for many people.',
      'Some log formats count the bytes sent including the response headers (Apache %O, as in vhost_combined; IIS sc-bytes; AWS load balancer sent_bytes; HAProxy). For those, a 200 response cut short by no more than the size of its headers (typically a few hundred bytes) can look complete. sources.csv names the format of each file.',
    ]),
    section('An IP address is not a person', [
      'A client address identifies a network connection at a moment, not a person or a device. Many people can share one address (NAT at home or work, carrier-grade NAT on mobile networks, proxies, VPNs, Tor, CDNs and corporate gateways), and one person can use many. User agents are sent by the client and can be set to anything. Linking an address to a person needs records from the network operator for the exact time.',
    ]),
    section('GeoIP and network attribution', [
      'Geolocation databases map address blocks to places and owners with limited accuracy: country is usually right, city often wrong, and addresses change hands. VPN, hosting and proxy flags are the database vendor\'s classification.',
      oldest === null
        ? 'No database was used for this pack.'
        : `The oldest database used was built on ${new Date(oldest).toISOString().slice(0, 10)}${firstEvent === null ? '' : `, ${Math.round(Math.abs(firstEvent - oldest) / DAY_MS)} days ${firstEvent >= oldest ? 'before' : 'after'} the first event`}; attribution reflects the database's view at its build date, not necessarily at the time of the events.`,
    ], p.geoWarnings),
    section('Gaps in the logs', [
      gapFree
        ? 'No gaps were detected from the data: no silent hours against the traffic pattern, no missing rotated files, no partly read files, no unparsed lines. This does not prove the logs are complete: files never provided cannot be detected.'
        : 'The following were detected from the data. Requests in a gap are not seen, so the findings are a lower bound.',
    ], gapItems),
  ];
}
