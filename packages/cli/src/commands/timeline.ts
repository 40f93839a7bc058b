import { escapeForTerminal, buildTimeline, CaseStore, formatDisplayTime, timelineReportJson, type TimelineReport, isoUtc } from '@logwitness/core';
import type { Argv } from 'yargs';
import { analysisOptionsFrom, openAttributorFrom, withTargetOptions, type TargetArgs } from '../render/analysis-options';
import { attributionText } from '../render/attribution-text';
import type { GlobalArgs } from '../render/global-options';
import { renderTable, writeErr, writeJson, writeOut, writeRows } from '../render/output';

export const command = 'timeline <target>';
export const describe = 'Every request for TARGET in order, the exposure window, how it was found, and a one-line narrative';

export function builder(yargs: Argv<GlobalArgs>): Argv<TargetArgs> {
  return withTargetOptions(yargs).example('$0 timeline /admin/export/donors.csv --tz Europe/London', 'the story of one file, times in London') as Argv<TargetArgs>;
}

function time(timeMs: number | null, zone: string): string {
  return timeMs === null ? 'not in the logs' : formatDisplayTime(timeMs, zone);
}

function writeText(report: TimelineReport, zone: string): void {
  writeOut(renderTable(['time', 'event', 'client', 'network', 'status', 'bytes', 'description', 'source'], report.events.map((e) => [
    formatDisplayTime(e.timeMs, zone), e.kind, e.request.clientIp, attributionText(e.attribution), e.request.status, e.request.bytes,
    e.description, `${e.request.source.file}:${e.request.source.line}`,
  ])));
  const { exposure, discovery } = report;
  writeOut(renderTable(['exposure', ''], [
    ['first success', time(exposure.firstSuccessMs, zone)],
    ['last success', time(exposure.lastSuccessMs, zone)],
    ['closed at (first 403/404/410 after)', time(exposure.closedAtMs, zone)],
    ['refused after the fix', report.refusedAfterFix.length],
  ]));
  if (discovery !== null) {
    const external = discovery.externalReferrer;
    writeOut(escapeForTerminal(
      `Discovery: first obtained by ${discovery.first.clientIp} at ${formatDisplayTime(discovery.first.timeMs, zone)}, referrer: ${discovery.referrer ?? '(none)'}` +
        (external === null ? '' : `; arrived from another site: ${external.referrer} (${formatDisplayTime(external.timeMs, zone)}, ${external.source.file}:${external.source.line})`),
    ));
    if (discovery.before.length > 0) {
      writeOut('What that address requested in the hour before:');
      writeOut(renderTable(['time', 'method', 'path', 'status', 'referrer', 'source'], discovery.before.map((r) => [
        formatDisplayTime(r.timeMs, zone), r.method, r.target, r.status, r.referrer, `${r.source.file}:${r.source.line}`,
      ])));
    }
  }
  // The narrative quotes log-derived text (the target path): escaped like every table cell.
  writeOut(`Narrative: ${escapeForTerminal(report.narrative)}`);
}

export function handler(args: TargetArgs): number {
  const store = CaseStore.open(args.case, { readonly: true });
  const attributor = openAttributorFrom(args, store);
  try {
    const report = buildTimeline(store, args.target, analysisOptionsFrom(args, attributor));
    if (args.json) writeJson(timelineReportJson(report));
    else if (args.csv) {
      writeRows(
        ['time_utc', 'kind', 'client_ip', 'user_agent', 'method', 'path', 'status', 'bytes', 'referrer', 'download', 'description', 'source_file', 'source_line', 'source_sha256'],
        report.events.map((e) => [
          isoUtc(e.timeMs), e.kind, e.request.clientIp, e.request.userAgent, e.request.method, e.request.path, e.request.status,
          e.request.bytes, e.request.referrer, e.downloadNumber, e.description, e.request.source.file, e.request.source.line, e.request.source.sha256,
        ]),
        true,
      );
    } else {
      for (const warning of attributor.warningsFor(report.exposure.firstSuccessMs, report.exposure.lastSuccessMs)) writeErr(`warning: ${warning}`);
      writeText(report, args.tz);
    }
    return 0;
  } finally {
    attributor.close();
    store.close();
  }
}
