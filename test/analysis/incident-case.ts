/**
 * Builds small synthetic incidents for the analysis tests: combined-format log lines written
 * to temporary files (optionally gzipped) and ingested into a fresh case, through the same
 * ingest path users run.
 */
import { CaseStore, ingestPaths } from '@logwitness/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../helpers';

export interface LineSpec {
  readonly ip: string;
  /** CLF time as written in the log, e.g. "20/Sep/2026:03:14:07 +0100". */
  readonly time: string;
  readonly method?: string;
  readonly path: string;
  readonly status?: number;
  readonly bytes?: number | '-';
  readonly referrer?: string;
  readonly ua?: string;
}

/** One Apache/nginx combined log line. */
export function combinedLine(spec: LineSpec): string {
  const method = spec.method ?? 'GET';
  return `${spec.ip} - - [${spec.time}] "${method} ${spec.path} HTTP/1.1" ${spec.status ?? 200} ${spec.bytes ?? 0} "${spec.referrer ?? '-'}" "${spec.ua ?? 'Mozilla/5.0 (test)'}"`;
}

export interface IncidentCase {
  readonly store: CaseStore;
  readonly dir: string;
  /** Absolute paths of the written log files, by the name given. */
  readonly files: Readonly<Record<string, string>>;
}

/** Write each named log (".gz" names are gzipped) and ingest them all into a new case, in `format` (a name or LogFormat string). */
export async function incidentCase(logs: Readonly<Record<string, readonly (LineSpec | string)[]>>, format = 'combined'): Promise<IncidentCase> {
  const dir = tempDir('logwitness-analysis-');
  const files: Record<string, string> = {};
  for (const [name, lines] of Object.entries(logs)) {
    const text = lines.map((line) => (typeof line === 'string' ? line : combinedLine(line))).join('\n') + '\n';
    const path = join(dir, name);
    writeFileSync(path, name.endsWith('.gz') ? gzipSync(Buffer.from(text)) : text);
    files[name] = path;
  }
  const store = CaseStore.open(join(dir, 'case.sqlite'));
  await ingestPaths(store, Object.values(files), { format });
  return { store, dir, files };
}

/** CLF time for a UTC instant written with a given offset in minutes ("+0100" = 60). */
export function clfTime(utcIso: string, offsetMin = 0): string {
  const local = new Date(Date.parse(utcIso) + offsetMin * 60_000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${pad(local.getUTCDate())}/${months[local.getUTCMonth()]}/${local.getUTCFullYear()}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
