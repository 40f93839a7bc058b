/**
 * `logwitness pack TARGET --out DIR`: run the analysis once, gather everything a third party
 * needs to understand and check it, render each file, hash them all into manifest.json,
 * optionally sign the manifest, and write the pack as a folder or a zip.
 */
import { describeActor } from '../analysis/actor';
import type { AnalysisOptions } from '../analysis/options';
import { buildTimeline } from '../analysis/timeline';
import { timelineReportJson } from '../analysis/report-json';
import type { Attributor } from '../geo/attributor';
import type { CaseStore } from '../store/case-store';
import { readRawLines, type RawLine } from '../store/raw-lines';
import { countRequestsPerHour } from '../store/traffic-counts';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { checkTimeZone } from './display-time';
import { reproducibleFindings } from './findings-check';
import { MAX_ACTOR_SECTIONS, renderHtmlReport } from './html-report';
import { detectLogGaps } from './log-gaps';
import { writePackFolder, writePackZip, checkPackDestination } from './pack-archive';
import { citedRequests, groupActors, timeRange, type PackContent, type Provenance, type RecordedAnalysisOptions } from './pack-content';
import {
  buildManifest, MANIFEST_FILE, readKeyFile, publicKeyFingerprint, PUBLIC_KEY_FILE, readSigningKey, serializeManifest, sha256Hex, SIGNATURE_FILE, signManifest,
  type ManifestEntry, type PackFile,
} from './pack-manifest';
import { limitationsMarkdown, methodologyMarkdown, summaryMarkdown } from './pack-markdown';
import { downloadsCsv, eventsJsonl, evidenceLinesFile, sourcesCsv, timelineCsv } from './pack-tables';

export const FINDINGS_FILE = 'findings.json';
export const PROVENANCE_FILE = 'provenance.json';
export const EVIDENCE_LINES_FILE = 'evidence-lines.log';
/** Paths listed per client in the report's client sections. */
const ACTOR_TOP_PATHS = 8;

export interface EvidencePackOptions {
  /** The folder to create, or with `zip` the .zip file to create. Must not exist (or be an empty folder). */
  readonly out: string;
  readonly zip?: boolean;
  readonly analysis?: RecordedAnalysisOptions;
  /** Attribution (geo openAttributor); null for none. The pack records its databases. */
  readonly attributor?: Attributor | null;
  /** Display zone for people ("UTC" default); every file also carries UTC. */
  readonly displayZone?: string;
  readonly examiner?: string | null;
  readonly caseRef?: string | null;
  /** Path of a PEM Ed25519 private key: the manifest is signed with it. */
  readonly signKeyPath?: string | null;
  /** The command line as typed (after the program name), recorded in provenance.json. */
  readonly commandLine?: readonly string[] | null;
  /** The generation time (default now); fixed in tests. */
  readonly nowMs?: number;
}

export interface EvidencePackResult {
  readonly path: string;
  readonly files: readonly ManifestEntry[];
  readonly manifestSha256: string;
  /** sha256 of the signer's public key, when signed. */
  readonly signerFingerprint: string | null;
  readonly downloads: number;
  readonly events: number;
  readonly citedLines: number;
}

function toJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');
}

/** Gather the pack's content from the case: analysis, sources, gaps, cited lines, provenance. */
export function gatherPackContent(store: CaseStore, target: string, options: Omit<EvidencePackOptions, 'out' | 'zip' | 'signKeyPath'>): PackContent {
  const zone = checkTimeZone(options.displayZone ?? 'UTC');
  const generatedAtMs = options.nowMs ?? Date.now();
  const analysis: RecordedAnalysisOptions = {
    match: options.analysis?.match ?? 'exact',
    caseInsensitive: options.analysis?.caseInsensitive ?? false,
    windowMs: options.analysis?.windowMs ?? null,
    sizeBytes: options.analysis?.sizeBytes ?? null,
  };
  const attributor = options.attributor ?? null;
  const timeline = buildTimeline(store, target, { ...analysisOptionsFor(analysis), attributor, timeZone: zone });
  const downloads = timeline.downloads;
  const sources = store.listSources();
  const sourceOrder = new Map(sources.map((s, i) => [s.sha256, i]));
  const refs = citedRequests(downloads, timeline)
    .map((r) => r.source)
    .sort((a, b) => (sourceOrder.get(a.sha256) ?? 0) - (sourceOrder.get(b.sha256) ?? 0) || a.line - b.line)
    .filter((r, i, all) => i === 0 || r.sha256 !== all[i - 1]!.sha256 || r.line !== all[i - 1]!.line);
  const evidence: RawLine[] = readRawLines(store, refs);
  const eventRange = timeRange(timeline.events.map((e) => e.timeMs));
  const provenance: Provenance = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION, node: process.version, platform: `${process.platform}-${process.arch}` },
    generatedAt: new Date(generatedAtMs).toISOString(),
    commandLine: options.commandLine ?? null,
    workingDirectory: process.cwd(),
    target,
    analysisOptions: analysis,
    timeZones: {
      display: zone,
      sources: sources.map((s) => ({ path: s.path, sha256: s.sha256, format: s.format, timeBasis: s.timeBasis, ingestOptions: s.ingestOptions === null ? null : JSON.parse(s.ingestOptions) })),
    },
    geoDatabases: (attributor?.databases() ?? []).map((db) => ({ ...db, buildDate: new Date(db.buildEpochMs).toISOString() })),
    geoWarnings: attributor === null ? [] : [...attributor.warningsFor(eventRange?.firstMs ?? null, eventRange?.lastMs ?? null)],
    knownNetworks: attributor?.networksFile() === null || attributor === null ? null : { file: attributor.networksFile()!.path, sha256: attributor.networksFile()!.sha256 },
    examiner: options.examiner ?? null,
    caseRef: options.caseRef ?? null,
    caseFile: { path: store.path, sources: sources.length, requests: store.countRequests() },
  };
  return {
    target, generatedAtMs, displayZone: zone, downloads, timeline, sources,
    actors: groupActors(downloads, timeline).map((actor, i) =>
      i < MAX_ACTOR_SECTIONS ? { ...actor, profile: describeActor(store, actor.ip, { attributor, timeZone: zone, eventLimit: 1, pathLimit: ACTOR_TOP_PATHS }) } : actor,
    ),
    gaps: detectLogGaps(countRequestsPerHour(store), sources), provenance, evidence,
  };
}

/** The analysis options as the analysis functions take them (null means "the default"). */
export function analysisOptionsFor(recorded: RecordedAnalysisOptions): AnalysisOptions {
  return {
    ...(recorded.match ? { match: recorded.match } : {}),
    ...(recorded.caseInsensitive ? { caseInsensitive: true } : {}),
    ...(recorded.windowMs ? { windowMs: recorded.windowMs } : {}),
    ...(recorded.sizeBytes ? { sizeBytes: recorded.sizeBytes } : {}),
  };
}

/** Render every file of the pack (all but the manifest and signature). */
export function renderPackFiles(content: PackContent): PackFile[] {
  const text = (path: string, body: string): PackFile => ({ path, data: Buffer.from(body, 'utf8') });
  return [
    text('report.html', renderHtmlReport(content)),
    text('summary.md', summaryMarkdown(content)),
    text('downloads.csv', downloadsCsv(content)),
    text('timeline.csv', timelineCsv(content)),
    text('events.jsonl', eventsJsonl(content)),
    { path: EVIDENCE_LINES_FILE, data: evidenceLinesFile(content.evidence) },
    text('sources.csv', sourcesCsv(content.sources)),
    { path: PROVENANCE_FILE, data: toJson(content.provenance) },
    {
      path: FINDINGS_FILE,
      data: toJson({
        note: 'timeline: the findings as logwitness timeline --json gives them. reproducible: the part that follows from the log lines and the recorded options alone, which "logwitness verify --logs" recomputes and compares.',
        timeline: timelineReportJson(content.timeline),
        downloads: content.downloads.downloads.map((d) => ({ number: d.number, clientIp: d.clientIp, userAgent: d.userAgent, start: new Date(d.startMs).toISOString(), end: new Date(d.endMs).toISOString(), bytes: d.bytes, complete: d.complete, rule: d.rule, ruleDetail: d.ruleDetail })),
        gaps: content.gaps,
        reproducible: reproducibleFindings(content.timeline),
      }),
    },
    text('methodology.md', methodologyMarkdown(content)),
    text('limitations.md', limitationsMarkdown(content)),
  ];
}

/** Write an evidence pack for TARGET from the case. */
export async function writeEvidencePack(store: CaseStore, target: string, options: EvidencePackOptions): Promise<EvidencePackResult> {
  const out = options.zip && !/\.zip$/i.test(options.out) ? `${options.out}.zip` : options.out;
  checkPackDestination(out);
  // Read the key before the (possibly long) analysis, so a bad key fails fast.
  const signingKey = options.signKeyPath ? readSigningKey(readKeyFile(options.signKeyPath, '--sign-key'), options.signKeyPath) : null;
  const content = gatherPackContent(store, target, options);
  const files = renderPackFiles(content);
  const manifest = buildManifest(files, content.generatedAtMs);
  const manifestBytes = serializeManifest(manifest);
  const all: PackFile[] = [...files, { path: MANIFEST_FILE, data: manifestBytes }];
  let signerFingerprint: string | null = null;
  if (signingKey !== null) {
    const signed = signManifest(manifestBytes, signingKey);
    all.push({ path: SIGNATURE_FILE, data: signed.signature }, { path: PUBLIC_KEY_FILE, data: signed.publicKeyPem });
    signerFingerprint = publicKeyFingerprint(signingKey);
  }
  if (options.zip) await writePackZip(out, all, content.generatedAtMs);
  else writePackFolder(out, all);
  return {
    path: out,
    files: manifest.files,
    manifestSha256: sha256Hex(manifestBytes),
    signerFingerprint,
    downloads: content.downloads.downloads.length,
    events: content.timeline.events.length,
    citedLines: content.evidence.length,
  };
}
