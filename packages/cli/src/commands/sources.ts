import { CaseStore, formatDisplayTime, isoUtc } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeJson, writeRows } from '../render/output';

export const command = 'sources';
export const describe = 'List the ingested files with their hashes, formats, counts and time ranges';

export function builder(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs;
}

export function handler(args: GlobalArgs): number {
  const store = CaseStore.open(args.case, { readonly: true });
  try {
    const sources = store.listSources();
    if (args.json) {
      writeJson({
        sources: sources.map((s) => ({
          id: s.id, path: s.path, sha256: s.sha256, contentSha256: s.contentSha256, sizeBytes: s.sizeBytes,
          compression: s.compression, format: s.format, timeBasis: s.timeBasis, lines: s.lines, parsed: s.parsed,
          rejected: s.rejected, blank: s.skippedLines, first: s.firstTimeMs === null ? null : isoUtc(s.firstTimeMs),
          last: s.lastTimeMs === null ? null : isoUtc(s.lastTimeMs), status: s.status, error: s.error,
          ingestedAt: isoUtc(s.ingestedAtMs), toolVersion: s.toolVersion,
        })),
      });
      return 0;
    }
    writeRows(
      ['id', 'file', 'format', 'lines', 'parsed', 'rejected', 'first', 'last', 'status', 'sha256'],
      sources.map((s) => [
        s.id, s.path, s.format, s.lines, s.parsed, s.rejected,
        s.firstTimeMs === null ? null : formatDisplayTime(s.firstTimeMs, args.tz),
        s.lastTimeMs === null ? null : formatDisplayTime(s.lastTimeMs, args.tz),
        s.status, s.sha256,
      ]),
      args.csv,
    );
    return 0;
  } finally {
    store.close();
  }
}
