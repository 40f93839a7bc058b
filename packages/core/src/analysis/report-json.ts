/**
 * The `--json` documents of `downloads`, `timeline` and `actor`, in the DESIGN §4 shapes
 * (extra fields allowed, none renamed). Times are ISO-8601 UTC ending in Z. Kept in core so
 * the CLI and the evidence pack write the same documents.
 */
import type { ActorReport, Attribution, Download, DownloadsReport, DownloadSummary, RequestEvent, TimelineEvent, TimelineReport } from '../model';
import { isoUtc } from '../report/display-time';

function isoOrNull(timeMs: number | null): string | null {
  return timeMs === null ? null : isoUtc(timeMs);
}

/** The contract's `summary` object, shared by the downloads and timeline documents. */
function summaryJson(summary: DownloadSummary): Record<string, unknown> {
  return {
    downloads: summary.downloads,
    complete: summary.complete,
    partial: summary.partial,
    clients: summary.clients,
    first: isoOrNull(summary.firstMs),
    last: isoOrNull(summary.lastMs),
  };
}

/** The attribution object of the contract ({country, city, asn, asOrg, network}) plus detail; all null without attribution. */
export function attributionJson(attribution: Attribution | null): Record<string, unknown> {
  return {
    country: attribution?.countryCode ?? null,
    city: attribution?.city ?? null,
    asn: attribution?.asn ?? null,
    asOrg: attribution?.asOrg ?? null,
    network: attribution?.network ?? null,
    countryName: attribution?.countryName ?? null,
    networkCidr: attribution?.networkCidr ?? null,
    reserved: attribution?.reserved ?? null,
    isAnonymous: attribution?.isAnonymous ?? null,
    isHostingProvider: attribution?.isHostingProvider ?? null,
    isTorExitNode: attribution?.isTorExitNode ?? null,
  };
}

/** One request: the contract's {time, method, status, bytes, source{file, sha256, line}} plus the rest of what was logged. */
export function requestJson(request: RequestEvent): Record<string, unknown> {
  return {
    time: isoUtc(request.timeMs),
    method: request.method,
    status: request.status,
    bytes: request.bytes,
    source: { file: request.source.file, sha256: request.source.sha256, line: request.source.line },
    clientIp: request.clientIp,
    remoteIp: request.remoteIp,
    path: request.path,
    target: request.target,
    userAgent: request.userAgent,
    referrer: request.referrer,
    utcOffsetMin: request.utcOffsetMin,
    rangeHeader: request.rangeHeader,
    contentRange: request.contentRange,
    rangeStart: request.rangeStart,
    rangeEnd: request.rangeEnd,
    objectSize: request.objectSize,
  };
}

function downloadJson(download: Download): Record<string, unknown> {
  return {
    time: isoUtc(download.startMs),
    end: isoUtc(download.endMs),
    clientIp: download.clientIp,
    userAgent: download.userAgent,
    complete: download.complete,
    bytes: download.bytes,
    requests: download.requests.map(requestJson),
    attribution: attributionJson(download.attribution),
    number: download.number,
    path: download.path,
    rule: download.rule,
    ruleDetail: download.ruleDetail,
    sizeBytes: download.sizeBytes,
    crawler: download.crawler,
  };
}

/** `logwitness downloads --json`. */
export function downloadsReportJson(report: DownloadsReport): Record<string, unknown> {
  const { summary } = report;
  return {
    target: report.target,
    size: report.sizeBytes,
    summary: summaryJson(summary),
    downloads: report.downloads.map(downloadJson),
    sizeRule: report.sizeRule,
    match: report.match,
    caseInsensitive: report.caseInsensitive,
    windowMs: report.windowMs,
    requestCount: report.requestCount,
    matchedPaths: report.matchedPaths,
    nearMisses: report.nearMisses,
  };
}

function eventJson(event: TimelineEvent): Record<string, unknown> {
  const { request } = event;
  return {
    time: isoUtc(event.timeMs),
    kind: event.kind,
    description: event.description,
    clientIp: request.clientIp,
    userAgent: request.userAgent,
    method: request.method,
    status: request.status,
    bytes: request.bytes,
    path: request.path,
    target: request.target,
    referrer: request.referrer,
    download: event.downloadNumber,
    source: { file: request.source.file, sha256: request.source.sha256, line: request.source.line },
    attribution: attributionJson(event.attribution),
  };
}

/** `logwitness timeline --json`. */
export function timelineReportJson(report: TimelineReport): Record<string, unknown> {
  const { exposure, discovery } = report;
  const summary = report.downloads.summary;
  return {
    target: report.target,
    narrative: report.narrative,
    exposure: {
      firstSuccess: isoOrNull(exposure.firstSuccessMs),
      lastSuccess: isoOrNull(exposure.lastSuccessMs),
      closedAt: isoOrNull(exposure.closedAtMs),
      closedBy: exposure.closedBy === null ? null : requestJson(exposure.closedBy),
    },
    events: report.events.map(eventJson),
    summary: summaryJson(summary),
    discovery:
      discovery === null
        ? null
        : {
            first: requestJson(discovery.first),
            referrer: discovery.referrer,
            before: discovery.before.map(requestJson),
            externalReferrer: discovery.externalReferrer === null ? null : requestJson(discovery.externalReferrer),
          },
    refusedAfterFix: report.refusedAfterFix.map(requestJson),
  };
}

/** `logwitness actor --json`. */
export function actorReportJson(report: ActorReport): Record<string, unknown> {
  return {
    ip: report.ip,
    narrative: report.narrative,
    attribution: attributionJson(report.attribution),
    requests: report.requests,
    bytes: report.bytes,
    firstSeen: isoOrNull(report.firstSeenMs),
    lastSeen: isoOrNull(report.lastSeenMs),
    userAgents: report.userAgents.map((agent) => ({
      userAgent: agent.userAgent,
      requests: agent.requests,
      firstSeen: isoUtc(agent.firstSeenMs),
      lastSeen: isoUtc(agent.lastSeenMs),
      crawler: agent.crawler,
    })),
    statuses: report.statuses,
    topPaths: report.topPaths,
    hourly: report.hourly.map((hour) => ({ hour: isoUtc(hour.hourStartMs), requests: hour.requests })),
    hourOfDay: report.hourOfDay,
    events: report.events.map(requestJson),
    eventsTruncated: report.eventsTruncated,
  };
}
