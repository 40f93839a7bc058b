import { CaseStore, enrichCase, isoUtc, type AttributeClientsResult } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeErr, writeJson, writeRows } from '../render/output';

export const command = 'enrich';
export const describe = 'Re-attribute every client address of the case with the current --geo-db / --networks (or the embedded defaults)';

export function builder(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs
    .example('$0 enrich --geo-db GeoIP2-City.mmdb --geo-db GeoIP2-ISP.mmdb', 'replace the stored attributions using commercial databases')
    .example('$0 enrich --geo-db snapshots/ --networks known.csv', 'historical snapshots and known networks');
}

/** Summary of an attribution run, shared with ingest. */
export function attributionJson(result: AttributeClientsResult): Record<string, unknown> {
  return {
    attributed: result.attributed,
    periods: result.periods,
    databases: result.databases.map((d) => ({ file: d.file, databaseType: d.databaseType, buildEpoch: isoUtc(d.buildEpochMs), sha256: d.sha256 })),
    networksFile: result.networksFile,
    warnings: result.warnings,
    durationMs: result.durationMs,
  };
}

export function handler(args: GlobalArgs): number {
  const store = CaseStore.open(args.case);
  try {
    const result = enrichCase(store, { geoDbPaths: args.geoDb ?? null, networksPath: args.networks ?? null });
    if (args.json) {
      writeJson(attributionJson(result));
    } else {
      writeRows(
        ['database', 'type', 'built', 'sha256'],
        [
          ...result.databases.map((d) => [d.file, d.databaseType, isoUtc(d.buildEpochMs), d.sha256]),
          ...(result.networksFile === null ? [] : [[result.networksFile.path, 'known networks', null, result.networksFile.sha256]]),
        ],
        args.csv,
      );
      writeErr(`${result.attributed} attributions stored (${result.periods} period${result.periods === 1 ? '' : 's'}) in ${result.durationMs} ms. Case: ${store.path}`);
    }
    for (const warning of result.warnings) writeErr(`warning: ${warning}`);
    return 0;
  } finally {
    store.close();
  }
}
