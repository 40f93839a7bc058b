/**
 * The options `downloads` and `timeline` share (--window, --size, --match,
 * --case-insensitive), and the attributor every analysis command opens from the global
 * --geo-db / --networks options. Parsing rules live in core; this maps flags to them.
 */
import { openCaseAttributor, parseMatchOption, parseSizeOption, parseWindowOption, type AnalysisOptions, type Attributor, type CaseStore } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from './global-options';

export interface TargetArgs extends GlobalArgs {
  readonly target: string;
  readonly window: string | undefined;
  readonly size: string | undefined;
  readonly match: string | undefined;
  readonly caseInsensitive: boolean | undefined;
}

/** Add TARGET and the matching/merging options to a command. */
export function withTargetOptions(yargs: Argv<GlobalArgs>): Argv<TargetArgs> {
  return yargs
    .positional('target', { type: 'string', demandOption: true, describe: 'URL path of the exposed file, e.g. /admin/export/donors.csv' })
    .option('window', { type: 'string', describe: 'merge one client\'s requests less than this apart into one download: minutes, or 90s / 30m / 2h (default 30m)' })
    .option('size', { type: 'string', describe: 'file size in bytes (default: logged object size, else the largest 200 response)' })
    .option('match', { type: 'string', choices: ['exact', 'prefix', 'glob'], describe: 'how TARGET matches request paths (glob: * within a segment, ** across)' })
    .option('case-insensitive', { type: 'boolean', describe: 'compare paths without case (IIS)' }) as unknown as Argv<TargetArgs>;
}

/**
 * The attributor for a report: live with --geo-db/--networks when given, else the
 * attributions stored in the case at ingest (embedded defaults for any address without one).
 * Close it after use.
 */
export function openAttributorFrom(args: GlobalArgs, store: CaseStore): Attributor {
  return openCaseAttributor(store, { geoDbPaths: args.geoDb ?? null, networksPath: args.networks ?? null });
}

/** Map the flags to core analysis options. */
export function analysisOptionsFrom(args: TargetArgs, attributor: Attributor | null): AnalysisOptions {
  return {
    match: parseMatchOption(args.match),
    caseInsensitive: args.caseInsensitive === true,
    windowMs: args.window === undefined ? undefined : parseWindowOption(args.window),
    sizeBytes: args.size === undefined ? null : parseSizeOption(args.size),
    attributor,
    timeZone: args.tz,
  };
}
