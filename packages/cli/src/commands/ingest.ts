import { CaseStore, formatDisplayTime, ingestPaths, openAttributor, parseTrustedProxies, type FileIngestResult, isoUtc } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { startProgress } from '../render/progress';
import { writeErr, writeJson, writeRows } from '../render/output';
import { fromStdinSentinel } from '../render/stdin-argument';

interface IngestArgs extends GlobalArgs {
  readonly paths: string[];
  readonly format: string | undefined;
  readonly assumeTz: string | undefined;
  readonly trustedProxy: string[] | undefined;
  readonly attribute: boolean;
}

export const command = 'ingest <paths..>';
export const describe = 'Read access logs (files, .gz, directories, - for stdin) into the case file';

export function builder(yargs: Argv<GlobalArgs>): Argv<IngestArgs> {
  return yargs
    .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'log files, .gz files, directories, or -' })
    .option('format', { type: 'string', describe: 'format name (see "logwitness formats") or a LogFormat string; default: detect per file' })
    .option('assume-tz', { type: 'string', describe: 'time zone of logs whose times have no UTC offset (IANA name or +HH:MM)' })
    .option('trusted-proxy', { type: 'string', array: true, describe: 'CIDR of a proxy you trust (repeatable): its requests take the right-most untrusted X-Forwarded-For address as the client; both are kept' })
    .option('attribute', { type: 'boolean', default: true, describe: 'attribute new client addresses after the ingest (--no-attribute to skip; see "logwitness enrich")' })
    .example('$0 ingest lb-logs/ --trusted-proxy 10.0.0.0/8', 'logs written behind your own load balancers')
    .example('$0 ingest /evidence/logs', 'ingest every file under a folder')
    .example("$0 ingest access.log --format '%h %l %u %t \"%r\" %>s %b %D'", 'a custom Apache LogFormat') as unknown as Argv<IngestArgs>;
}

function jsonFile(file: FileIngestResult): Record<string, unknown> {
  return {
    path: file.path,
    sha256: file.sha256,
    format: file.format,
    lines: file.lines,
    parsed: file.parsed,
    rejected: file.rejected,
    skipped: file.skipped,
    blank: file.blank,
    status: file.status,
    error: file.error,
    first: file.firstTimeMs === null ? null : isoUtc(file.firstTimeMs),
    last: file.lastTimeMs === null ? null : isoUtc(file.lastTimeMs),
  };
}

export async function handler(args: IngestArgs): Promise<number> {
  const trustedProxies = parseTrustedProxies(args.trustedProxy ?? []);
  // Open the databases first: a bad --geo-db should fail before a long ingest, not after it.
  const attributor = args.attribute ? openAttributor({ geoDbPaths: args.geoDb ?? null, networksPath: args.networks ?? null }) : null;
  const store = CaseStore.open(args.case);
  const progress = args.json || args.csv ? null : startProgress();
  try {
    const result = await ingestPaths(store, fromStdinSentinel(args.paths), {
      format: args.format ?? null,
      assumeTz: args.assumeTz ?? null,
      trustedProxies,
      onProgress: progress?.update,
      attributor,
    });
    progress?.stop();
    const attribution = result.attribution;
    if (args.json) {
      writeJson({ files: result.files.map(jsonFile), totals: result.totals });
    } else {
      writeRows(
        ['file', 'format', 'lines', 'parsed', 'rejected', 'blank', 'first', 'last', 'sha256', 'result'],
        result.files.map((file) => [
          file.path,
          file.format,
          file.lines,
          file.parsed,
          file.rejected,
          file.blank,
          file.firstTimeMs === null ? null : formatDisplayTime(file.firstTimeMs, args.tz),
          file.lastTimeMs === null ? null : formatDisplayTime(file.lastTimeMs, args.tz),
          file.sha256 === null ? null : file.sha256.slice(0, 16),
          file.skipped ? 'already in case: nothing added' : file.status,
        ]),
        args.csv,
      );
      if (!args.csv) {
        const t = result.totals;
        writeErr(`${t.lines} lines read: ${t.parsed} parsed, ${t.rejected} rejected (see: logwitness sql "SELECT * FROM rejects"). Case: ${store.path}`);
      }
    }
    if (attribution !== null && !args.csv) {
      // stderr, so that the --json shape on stdout stays the documented one.
      writeErr(`${attribution.attributed} new client addresses attributed with ${attribution.databases.length} database(s) in ${attribution.durationMs} ms ("logwitness enrich" redoes them with other databases)`);
      for (const warning of attribution.warnings) writeErr(`warning: ${warning}`);
    }
    const failed = result.files.filter((file) => file.error !== null && !file.skipped);
    for (const file of failed) writeErr(`logwitness: ${file.error}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    progress?.stop();
    attributor?.close();
    store.close();
  }
}
