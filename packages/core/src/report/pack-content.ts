/**
 * Everything an evidence pack says, gathered once: the renderers (HTML, Markdown, CSV,
 * JSONL) only format this, so the files of one pack cannot disagree with each other.
 */
import type { MatchMode } from '../analysis/options';
import type { ActorReport, Attribution, Download, DownloadsReport, GeoDatabaseInfo, RequestEvent, TimelineEvent, TimelineReport } from '../model';
import type { SourceRow } from '../store/case-store';
import type { RawLine } from '../store/raw-lines';
import type { LogGaps } from './log-gaps';

/** The analysis options a pack was made with, recorded so verify can re-run them. */
export interface RecordedAnalysisOptions {
  readonly match?: MatchMode | null;
  readonly caseInsensitive?: boolean | null;
  readonly windowMs?: number | null;
  readonly sizeBytes?: number | null;
}

/** How one source was read: verify --logs re-reads it the same way. */
export interface RecordedSource {
  readonly path: string;
  readonly sha256: string;
  readonly format: string;
  readonly timeBasis: string;
  /** The ingest options recorded in the case ({format, assumeTz}), or null. */
  readonly ingestOptions: { readonly format?: string | null; readonly assumeTz?: string | null } | null;
}

/** provenance.json: what was examined, how, with which tools and data, by whom. */
export interface Provenance {
  readonly tool: { readonly name: string; readonly version: string; readonly node: string; readonly platform: string };
  readonly generatedAt: string;
  /** The command line as typed (arguments after the program name), or null from the API. */
  readonly commandLine: readonly string[] | null;
  /** Where the command ran: relative paths in the command line are relative to it. */
  readonly workingDirectory: string;
  readonly target: string;
  readonly analysisOptions: RecordedAnalysisOptions;
  readonly timeZones: {
    /** Zone used for times shown to people; every file also gives UTC. */
    readonly display: string;
    /** How each source's times were read (offset in each line, UTC by spec, or an assumed zone). */
    readonly sources: readonly RecordedSource[];
  };
  readonly geoDatabases: readonly (GeoDatabaseInfo & { readonly buildDate: string })[];
  /** The attributor's warnings for the events' period (database age, missing databases). */
  readonly geoWarnings: readonly string[];
  readonly knownNetworks: { readonly file: string; readonly sha256: string } | null;
  readonly examiner: string | null;
  readonly caseRef: string | null;
  readonly caseFile: { readonly path: string; readonly sources: number; readonly requests: number };
}

/** What one client address did with the target. */
export interface ActorSection {
  readonly ip: string;
  readonly userAgents: readonly string[];
  readonly attribution: Attribution | null;
  readonly downloads: readonly Download[];
  readonly events: readonly TimelineEvent[];
  readonly firstMs: number;
  readonly lastMs: number;
  /** Everything else the address did in the case (describeActor), for the first actors of the report; null beyond. */
  readonly profile: ActorReport | null;
}

export interface PackContent {
  readonly target: string;
  readonly generatedAtMs: number;
  /** Display zone (checked): "UTC", an IANA name or "+05:30". */
  readonly displayZone: string;
  readonly downloads: DownloadsReport;
  readonly timeline: TimelineReport;
  readonly actors: readonly ActorSection[];
  readonly sources: readonly SourceRow[];
  readonly gaps: LogGaps;
  readonly provenance: Provenance;
  /** Every cited line, verbatim, in source then line order. */
  readonly evidence: readonly RawLine[];
}

/**
 * First and last of some times, or null for none. A loop, not Math.min(...times): spreading
 * hundreds of thousands of arguments overflows the stack.
 */
export function timeRange(times: Iterable<number>): { firstMs: number; lastMs: number } | null {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const time of times) {
    if (time < firstMs) firstMs = time;
    if (time > lastMs) lastMs = time;
  }
  return firstMs === Infinity ? null : { firstMs, lastMs };
}

/** Every request a finding rests on: the downloads' requests and the timeline's events. */
export function citedRequests(downloads: DownloadsReport, timeline: TimelineReport): RequestEvent[] {
  const byId = new Map<number, RequestEvent>();
  for (const download of downloads.downloads) for (const request of download.requests) byId.set(request.requestId, request);
  for (const event of timeline.events) byId.set(event.request.requestId, event.request);
  for (const request of timeline.refusedAfterFix) byId.set(request.requestId, request);
  if (timeline.exposure.closedBy !== null) byId.set(timeline.exposure.closedBy.requestId, timeline.exposure.closedBy);
  if (timeline.discovery !== null) {
    byId.set(timeline.discovery.first.requestId, timeline.discovery.first);
    for (const request of timeline.discovery.before) byId.set(request.requestId, request);
  }
  return [...byId.values()];
}

/** Group the findings by client address, first seen first. */
export function groupActors(downloads: DownloadsReport, timeline: TimelineReport): ActorSection[] {
  const actors = new Map<string, { agents: Set<string>; attribution: Attribution | null; downloads: Download[]; events: TimelineEvent[]; firstMs: number; lastMs: number }>();
  const actorOf = (ip: string) => {
    let actor = actors.get(ip);
    if (actor === undefined) {
      actor = { agents: new Set(), attribution: null, downloads: [], events: [], firstMs: Infinity, lastMs: -Infinity };
      actors.set(ip, actor);
    }
    return actor;
  };
  for (const download of downloads.downloads) {
    const actor = actorOf(download.clientIp);
    actor.downloads.push(download);
    actor.attribution ??= download.attribution;
    if (download.userAgent !== null) actor.agents.add(download.userAgent);
    actor.firstMs = Math.min(actor.firstMs, download.startMs);
    actor.lastMs = Math.max(actor.lastMs, download.endMs);
  }
  for (const event of timeline.events) {
    const actor = actorOf(event.request.clientIp);
    actor.events.push(event);
    actor.attribution ??= event.attribution;
    if (event.request.userAgent !== null) actor.agents.add(event.request.userAgent);
    actor.firstMs = Math.min(actor.firstMs, event.timeMs);
    actor.lastMs = Math.max(actor.lastMs, event.timeMs);
  }
  return [...actors]
    .map(([ip, a]) => ({
      ip,
      userAgents: [...a.agents],
      attribution: a.attribution,
      downloads: a.downloads,
      events: a.events,
      firstMs: a.firstMs,
      lastMs: a.lastMs,
      profile: null,
    }))
    .sort((a, b) => a.firstMs - b.firstMs || (a.ip < b.ip ? -1 : 1));
}
