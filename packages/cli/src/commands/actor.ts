import { escapeForTerminal, InputError, actorReportJson, CaseStore, describeActor, formatDisplayTime, type ActorReport, isoUtc } from '@logwitness/core';
import type { Argv } from 'yargs';
import { openAttributorFrom } from '../render/analysis-options';
import { attributionText } from '../render/attribution-text';
import type { GlobalArgs } from '../render/global-options';
import { histogramBars } from '../render/histogram';
import { renderTable, writeJson, writeOut, writeRows } from '../render/output';

interface ActorArgs extends GlobalArgs {
  readonly ip: string;
  readonly limit: number | undefined;
}

export const command = 'actor <ip>';
export const describe = 'Everything one client address did: attribution, first/last seen, user agents, paths, hours, requests';

export function builder(yargs: Argv<GlobalArgs>): Argv<ActorArgs> {
  return yargs
    .positional('ip', { type: 'string', demandOption: true, describe: 'client IP address as logged' })
    .option('limit', { type: 'number', describe: 'how many of its requests to list (default 50 in tables, 1000 with --json/--csv)' })
    .example('$0 actor 203.0.113.7', 'one client in full') as unknown as Argv<ActorArgs>;
}

function writeText(report: ActorReport, zone: string): void {
  writeOut(escapeForTerminal(report.narrative));
  if (report.requests === 0) return;
  writeOut(renderTable(['client', ''], [
    ['address', report.ip],
    ['network', attributionText(report.attribution)],
    ['first seen', formatDisplayTime(report.firstSeenMs!, zone)],
    ['last seen', formatDisplayTime(report.lastSeenMs!, zone)],
    ['requests', report.requests],
    ['bytes sent to it', report.bytes],
  ]));
  writeOut(renderTable(['user agent', 'requests', 'first seen', 'last seen', 'crawler check'], report.userAgents.map((a) => [
    a.userAgent, a.requests, formatDisplayTime(a.firstSeenMs, zone), formatDisplayTime(a.lastSeenMs, zone),
    a.crawler === null ? null : `${a.crawler.verdict}: ${a.crawler.explanation}`,
  ])));
  writeOut(renderTable(['status', 'requests'], report.statuses.map((s) => [s.status, s.requests])));
  writeOut(renderTable(['path', 'requests', 'bytes'], report.topPaths.map((p) => [p.path, p.requests, p.bytes])));
  const bars = histogramBars(report.hourOfDay);
  writeOut(renderTable([`hour (${zone})`, 'requests', ''], report.hourOfDay.map((n, hour) => [String(hour).padStart(2, '0'), n, bars[hour]])));
  writeOut(renderTable(['time', 'method', 'target', 'status', 'bytes', 'referrer', 'source'], report.events.map((r) => [
    formatDisplayTime(r.timeMs, zone), r.method, r.target, r.status, r.bytes, r.referrer, `${r.source.file}:${r.source.line}`,
  ])));
  if (report.eventsTruncated) writeOut(`(first ${report.events.length} of ${report.requests} requests listed; use --limit or --json for more)`);
}

export function handler(args: ActorArgs): number {
  const store = CaseStore.open(args.case, { readonly: true });
  const attributor = openAttributorFrom(args, store);
  try {
    const machine = args.json || args.csv;
    if (args.limit !== undefined && !(Number.isInteger(args.limit) && args.limit > 0)) {
      throw new InputError('BAD_LIMIT', `--limit ${String(args.limit)}: expected a whole number of requests greater than zero`);
    }
    const report = describeActor(store, args.ip, { attributor, timeZone: args.tz, eventLimit: args.limit ?? (machine ? 1000 : 50) });
    if (args.json) writeJson(actorReportJson(report));
    else if (args.csv) {
      writeRows(
        ['time_utc', 'method', 'target', 'status', 'bytes', 'referrer', 'user_agent', 'source_file', 'source_line', 'source_sha256'],
        report.events.map((r) => [isoUtc(r.timeMs), r.method, r.target, r.status, r.bytes, r.referrer, r.userAgent, r.source.file, r.source.line, r.source.sha256]),
        true,
      );
    } else writeText(report, args.tz);
    return 0;
  } finally {
    attributor.close();
    store.close();
  }
}
