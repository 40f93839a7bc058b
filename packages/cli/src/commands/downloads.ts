import { CaseStore, downloadsReportJson, findDownloads, formatDisplayTime, type Download, type DownloadsReport, isoUtc } from '@logwitness/core';
import type { Argv } from 'yargs';
import { analysisOptionsFrom, openAttributorFrom, withTargetOptions, type TargetArgs } from '../render/analysis-options';
import { attributionText } from '../render/attribution-text';
import type { GlobalArgs } from '../render/global-options';
import { renderTable, writeErr, writeJson, writeOut, writeRows } from '../render/output';

export const command = 'downloads <target>';
export const describe = 'Who downloaded TARGET: downloads per client with completeness, attribution and source lines';

export function builder(yargs: Argv<GlobalArgs>): Argv<TargetArgs> {
  return withTargetOptions(yargs)
    .example('$0 downloads /admin/export/donors.csv', 'every download of one file')
    .example('$0 downloads /admin/export/ --match prefix --window 2h', 'a whole folder, merging requests up to 2 hours apart') as Argv<TargetArgs>;
}

function sizeText(report: DownloadsReport): string {
  if (report.sizeBytes === null) return report.matchedPaths.length > 1 ? 'per file' : 'unknown (give --size)';
  return `${report.sizeBytes} bytes (${report.sizeRule})`;
}

function downloadRows(downloads: readonly Download[], zone: string): (string | number | null)[][] {
  return downloads.map((d) => [
    d.number, formatDisplayTime(d.startMs, zone), formatDisplayTime(d.endMs, zone), d.clientIp,
    attributionText(d.attribution), d.requests.length, d.bytes, d.complete ? 'complete' : 'partial', d.rule,
  ]);
}

function writeTables(report: DownloadsReport, zone: string): void {
  const { summary } = report;
  writeOut(`Target: ${report.target}   size: ${sizeText(report)}   match: ${report.match}${report.caseInsensitive ? ' (case-insensitive)' : ''}`);
  writeOut(
    `${summary.downloads} download${summary.downloads === 1 ? '' : 's'} (${summary.complete} complete, ${summary.partial} partial) by ${summary.clients} client${summary.clients === 1 ? '' : 's'}` +
      ` among ${report.requestCount} request${report.requestCount === 1 ? '' : 's'} for the target`,
  );
  if (report.downloads.length > 0) {
    writeOut(renderTable(['#', 'start', 'end', 'client', 'network', 'requests', 'bytes', 'result', 'rule'], downloadRows(report.downloads, zone)));
    const crawlers = report.downloads.some((d) => d.crawler !== null);
    writeOut(renderTable(['#', 'user agent', ...(crawlers ? ['crawler check'] : [])], report.downloads.map((d) => [
      d.number, d.userAgent, ...(crawlers ? [d.crawler === null ? null : `${d.crawler.name}: ${d.crawler.verdict}`] : []),
    ])));
    // The range column only when the log recorded ranges (CloudFront, S3, custom formats).
    const ranged = report.downloads.some((d) => d.requests.some((r) => r.contentRange !== null || r.rangeHeader !== null || r.rangeStart !== null));
    const rangeText = (r: Download['requests'][number]): string | null =>
      r.contentRange ?? r.rangeHeader ?? (r.rangeStart !== null ? `${r.rangeStart}-${r.rangeEnd ?? ''}` : null);
    const requestRows = report.downloads.flatMap((d) =>
      d.requests.map((r) => [
        d.number, formatDisplayTime(r.timeMs, zone), r.method, r.status, r.bytes, ...(ranged ? [rangeText(r)] : []),
        `${r.source.file}:${r.source.line}`, r.source.sha256.slice(0, 16),
      ]),
    );
    writeOut('Requests of each download (source file:line, sha256 prefix):');
    writeOut(renderTable(['#', 'time', 'method', 'status', 'bytes', ...(ranged ? ['range'] : []), 'source', 'sha256'], requestRows));
    writeOut('Completeness:');
    writeOut(renderTable(['#', 'rule', 'evidence'], report.downloads.map((d) => [d.number, d.rule, d.ruleDetail])));
  }
  if (report.nearMisses.length > 0) {
    writeOut('Near misses (similar paths, not the target; not counted above):');
    writeOut(renderTable(['path', 'requests', 'successful'], report.nearMisses.map((n) => [n.path, n.requests, n.successes])));
  }
}

export function handler(args: TargetArgs): number {
  const store = CaseStore.open(args.case, { readonly: true });
  const attributor = openAttributorFrom(args, store);
  try {
    const report = findDownloads(store, args.target, analysisOptionsFrom(args, attributor));
    if (args.json) writeJson(downloadsReportJson(report));
    else if (args.csv) {
      writeRows(
        ['number', 'start_utc', 'end_utc', 'client_ip', 'user_agent', 'path', 'complete', 'rule', 'bytes', 'size_bytes', 'requests', 'country', 'asn', 'as_org', 'network', 'sources'],
        report.downloads.map((d) => [
          d.number, isoUtc(d.startMs), isoUtc(d.endMs), d.clientIp, d.userAgent, d.path, d.complete, d.rule, d.bytes,
          d.sizeBytes, d.requests.length, d.attribution?.countryCode, d.attribution?.asn, d.attribution?.asOrg, d.attribution?.network,
          d.requests.map((r) => `${r.source.file}:${r.source.line}`).join(' '),
        ]),
        true,
      );
    } else {
      for (const warning of attributor.warningsFor(report.summary.firstMs, report.summary.lastMs)) writeErr(`warning: ${warning}`);
      writeTables(report, args.tz);
    }
    return 0;
  } finally {
    attributor.close();
    store.close();
  }
}
