/**
 * The timeline of a target: every request for it, oldest first, each with its kind and a
 * plain description; the exposure window, the discovery, who came back after the fix, and
 * the narrative sentence.
 */
import type { Download, RequestEvent, TimelineEvent, TimelineEventKind, TimelineReport } from '../model';
import type { CaseStore } from '../store/case-store';
import { findDiscovery } from './discovery';
import { analyzeTarget } from './downloads';
import { computeExposure } from './exposure';
import { buildNarrative } from './narrative';
import type { AnalysisOptions } from './options';
import { formatCount } from './plain-text';
import { classifyNonContent, isSuccessfulContent } from './request-kinds';

function describeEvent(kind: TimelineEventKind, request: RequestEvent, download: Download | undefined, closing: boolean): string {
  const who = request.clientIp;
  const method = request.method ?? 'request';
  const status = request.status ?? 'no status';
  switch (kind) {
    case 'download':
    case 'partial-download': {
      const bytes = `${formatCount(request.bytes ?? 0)} bytes`;
      const part = download!.requests.length === 1 ? '' : ` (${download!.requests.indexOf(request) + 1} of ${download!.requests.length} requests)`;
      return `${who} received ${bytes} (${method} ${status}): ${download!.complete ? 'complete' : 'partial'} download #${download!.number}${part}`;
    }
    case 'probe':
      return `${who} sent HEAD (${status}): checked the file without downloading it`;
    case 'revalidation':
      return `${who} revalidated a copy it already held (${method} 304, no content sent)`;
    case 'denied':
      return `${who} was refused (${method} ${status})`;
    case 'refused-after-fix':
      if (closing) return `${who} was refused (${method} ${status}): the first refusal after the last success, taken as the fix`;
      return `${who} came back after the fix and was refused (${method} ${status})`;
    case 'server-error':
      return `${who} got a server error (${method} ${status}), no content`;
    default:
      return `${who} ${method} ${status}: no content of the target`;
  }
}

/** Build the timeline for TARGET (the downloads are those findDownloads gives with the same options). */
export function buildTimeline(store: CaseStore, target: string, options: AnalysisOptions = {}): TimelineReport {
  const analysis = analyzeTarget(store, target, options);
  const { report, requests, attribute } = analysis;
  const exposure = computeExposure(requests);
  const closedAtMs = exposure.window.closedAtMs;

  const downloadOf = new Map<number, Download>();
  for (const download of report.downloads) for (const request of download.requests) downloadOf.set(request.requestId, download);

  const events: TimelineEvent[] = requests.map((request) => {
    const download = downloadOf.get(request.requestId);
    let kind: TimelineEventKind;
    if (download !== undefined && isSuccessfulContent(request)) kind = download.complete ? 'download' : 'partial-download';
    else {
      kind = classifyNonContent(request);
      if (kind === 'denied' && closedAtMs !== null && request.timeMs >= closedAtMs) kind = 'refused-after-fix';
    }
    return {
      timeMs: request.timeMs,
      kind,
      description: describeEvent(kind, request, download, request === exposure.window.closedBy),
      request,
      attribution: attribute(request.clientIp, request.timeMs),
      downloadNumber: download?.number ?? null,
    };
  });

  return {
    target: report.target,
    narrative: buildNarrative(report, exposure.window, exposure.refusedAfterFix, options.timeZone ?? 'UTC'),
    exposure: exposure.window,
    discovery: findDiscovery(analysis.queries, requests),
    events,
    refusedAfterFix: exposure.refusedAfterFix,
    downloads: report,
  };
}
