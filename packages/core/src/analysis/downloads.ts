/**
 * Download reconstruction (DESIGN §4): per client (IP + user agent), the successful content
 * responses for the target less than the window apart merge into one download; each
 * download's completeness is decided against the file size, with the rule that decided.
 */
import type { Download, DownloadsReport, DownloadSummary, MatchedPath, RequestEvent } from '../model';
import type { CaseStore } from '../store/case-store';
import { RequestQueries } from '../store/request-queries';
import { cachedAttribution, type AttributeFn } from './attribution-cache';
import { decideCompleteness } from './completeness';
import { checkCrawler } from './crawlers';
import { decideFileSize } from './file-size';
import { findNearMisses } from './near-misses';
import { DEFAULT_WINDOW_MS, type AnalysisOptions } from './options';
import { clientKey, isSuccessfulContent } from './request-kinds';
import { matchTarget, type TargetMatch } from './target-match';

/** Everything the downloads answer is built from, kept for the timeline. */
export interface TargetAnalysis {
  readonly queries: RequestQueries;
  readonly match: TargetMatch;
  /** Every request for the matched paths, oldest first. */
  readonly requests: readonly RequestEvent[];
  readonly report: DownloadsReport;
  readonly attribute: AttributeFn;
}

function byTime(a: RequestEvent, b: RequestEvent): number {
  return a.timeMs - b.timeMs || a.requestId - b.requestId;
}

/** Split one client's successful requests (oldest first) wherever the gap reaches the window. */
function groupByWindow(successes: readonly RequestEvent[], windowMs: number): RequestEvent[][] {
  const groups: RequestEvent[][] = [];
  let current: RequestEvent[] = [];
  for (const request of successes) {
    const previous = current[current.length - 1];
    if (previous !== undefined && request.timeMs - previous.timeMs >= windowMs) {
      groups.push(current);
      current = [];
    }
    current.push(request);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

interface FileGroup {
  readonly paths: string[];
  readonly pathIds: number[];
}

/**
 * The matched paths grouped by the file they name. An exact TARGET names one file even when
 * --case-insensitive matches several spellings of it (IIS serves /Donors.csv and /donors.csv
 * alike); under prefix/glob each distinct path (case-folded when case-insensitive) is a file.
 */
function groupPathsByFile(match: TargetMatch): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const row of match.paths) {
    const key = match.mode === 'exact' ? '' : match.caseInsensitive ? row.path.toLowerCase() : row.path;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { paths: [row.path], pathIds: [row.pathId] });
    else {
      group.paths.push(row.path);
      group.pathIds.push(row.pathId);
    }
  }
  return [...groups.values()];
}

function summarize(downloads: readonly Download[]): DownloadSummary {
  const complete = downloads.filter((download) => download.complete).length;
  const clients = new Set(downloads.map((download) => clientKey(download.requests[0]!)));
  return {
    downloads: downloads.length,
    complete,
    partial: downloads.length - complete,
    clients: clients.size,
    firstMs: downloads.length === 0 ? null : Math.min(...downloads.map((download) => download.startMs)),
    lastMs: downloads.length === 0 ? null : Math.max(...downloads.map((download) => download.endMs)),
  };
}

/** Run the downloads analysis and keep its working data (used by findDownloads and buildTimeline). */
export function analyzeTarget(store: CaseStore, target: string, options: AnalysisOptions = {}): TargetAnalysis {
  const queries = new RequestQueries(store);
  const match = matchTarget(queries, target, options.match ?? 'exact', options.caseInsensitive ?? false);
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const attribute = cachedAttribution(options.attributor);

  const requests: RequestEvent[] = [];
  const matchedPaths: MatchedPath[] = [];
  const drafts: Omit<Download, 'number'>[] = [];
  for (const file of groupPathsByFile(match)) {
    const fileRequests = file.pathIds.flatMap((pathId) => queries.requestsForPath(pathId)).sort(byTime);
    requests.push(...fileRequests);
    const size = decideFileSize(fileRequests, options.sizeBytes);
    for (const path of file.paths) {
      const count = fileRequests.filter((request) => request.path === path).length;
      matchedPaths.push({ path, sizeBytes: size.sizeBytes, sizeRule: size.sizeRule, requests: count });
    }

    const byClient = new Map<string, RequestEvent[]>();
    for (const request of fileRequests) {
      if (!isSuccessfulContent(request)) continue;
      const key = clientKey(request);
      const list = byClient.get(key);
      if (list === undefined) byClient.set(key, [request]);
      else list.push(request);
    }
    for (const successes of byClient.values()) {
      for (const group of groupByWindow(successes, windowMs)) {
        const first = group[0]!;
        const completeness = decideCompleteness(group, size.sizeBytes);
        const attribution = attribute(first.clientIp, first.timeMs);
        drafts.push({
          clientIp: first.clientIp,
          userAgent: first.userAgent,
          startMs: first.timeMs,
          endMs: group[group.length - 1]!.timeMs,
          complete: completeness.complete,
          rule: completeness.rule,
          ruleDetail: completeness.detail,
          bytes: group.reduce((total, request) => total + (request.bytes ?? 0), 0),
          requests: group,
          attribution,
          crawler: checkCrawler(first.userAgent, attribution),
          path: first.path ?? file.paths[0]!,
          sizeBytes: size.sizeBytes,
        });
      }
    }
  }
  requests.sort(byTime);
  drafts.sort((a, b) => byTime(a.requests[0]!, b.requests[0]!));
  const downloads: Download[] = drafts.map((draft, index) => ({ ...draft, number: index + 1 }));

  const exact = match.mode === 'exact';
  // One file: its size is the report's size. Several files (prefix/glob): sizes are per path.
  const single = exact || matchedPaths.length === 1 ? matchedPaths[0] ?? null : null;
  const report: DownloadsReport = {
    target: match.target,
    sizeBytes: single?.sizeBytes ?? (exact ? options.sizeBytes ?? null : null),
    sizeRule: single?.sizeRule ?? (exact && options.sizeBytes != null ? 'given' : 'unknown'),
    summary: summarize(downloads),
    downloads,
    nearMisses: exact ? findNearMisses(queries, match.target, new Set(match.paths.map((row) => row.path))) : [],
    match: match.mode,
    caseInsensitive: match.caseInsensitive,
    matchedPaths,
    windowMs,
    requestCount: requests.length,
  };
  return { queries, match, requests, report, attribute };
}

/**
 * Who downloaded TARGET: the downloads per client with completeness, the rule that decided
 * and the source lines of every request, plus near-miss paths as a hint.
 */
export function findDownloads(store: CaseStore, target: string, options: AnalysisOptions = {}): DownloadsReport {
  return analyzeTarget(store, target, options).report;
}
