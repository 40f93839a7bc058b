/**
 * The investigator's own known networks (`--networks FILE`): a CSV with a header naming at
 * least `cidr` and `label`, optionally `source`, `valid_from`, `valid_to` and any other columns.
 * IPv4 and IPv6 blocks; the most specific block containing an address wins, among the rows
 * valid at the event's time (rows without dates are always valid).
 *
 * Example:
 *   cidr,label,source,valid_from,valid_to
 *   198.51.100.0/24,Rival Ltd head office,contract annex B,2024-01-01,
 *   2001:db8:42::/48,Rival Ltd head office (IPv6),contract annex B,,
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors';
import { parseCidr, type ParsedIp } from './ip-address';
import { PrefixTable } from './prefix-table';

/** One row of a known-networks file. */
export interface KnownNetwork {
  readonly cidr: string;
  readonly label: string;
  /** The `source` column (where the investigator got the block from), or null. */
  readonly source: string | null;
  /** Inclusive validity bounds as UTC epoch ms; null when open. */
  readonly validFromMs: number | null;
  readonly validToMs: number | null;
  /** Line of the file the row was read from. */
  readonly line: number;
}

export interface KnownNetworks {
  readonly path: string;
  readonly sha256: string;
  readonly count: number;
  /** Times (epoch ms) at which some row starts or stops being valid, ascending. */
  readonly boundariesMs: readonly number[];
  /** The most specific network containing the address, valid at atTimeMs (any time when null). */
  match(address: ParsedIp, atTimeMs: number | null): KnownNetwork | null;
}

/** valid_from / valid_to: a date (whole UTC day) or an ISO-8601 instant with offset. */
function parseValidity(text: string, endOfDay: boolean): number | null | string {
  const value = text.trim();
  if (value === '') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(ms)) return `"${value}" is not a calendar date`;
    return endOfDay ? ms + 86_400_000 - 1 : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return `"${value}" is not a date (YYYY-MM-DD) or an ISO-8601 time with offset`;
}

function bad(path: string, line: number, problem: string): InputError {
  return new InputError('NETWORKS_BAD_ROW', `${path}:${line}: ${problem}`, { details: { file: path, line } });
}

/** Read and check a known-networks CSV. Throws InputError naming file:line for bad rows. */
export function loadKnownNetworks(path: string): KnownNetworks {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputError('NETWORKS_UNREADABLE', `cannot read known-networks file ${path}: ${reason}`, { details: { file: path }, cause: error });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), {
      info: true, relax_column_count: true, skip_empty_lines: true, trim: true, comment: '#', comment_no_infix: true,
    }) as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    throw bad(path, line, `not valid CSV (${(error as Error).message})`);
  }
  if (rows.length === 0) throw bad(path, 1, 'the file is empty; expected a header "cidr,label" and one row per network');
  const header = rows[0]!.record.map((name) => name.toLowerCase().replace(/[\s-]+/g, '_'));
  const column = (name: string): number => header.indexOf(name);
  const cidrAt = column('cidr');
  const labelAt = column('label');
  if (cidrAt < 0 || labelAt < 0) {
    throw bad(path, rows[0]!.info.lines, `the header must name the columns "cidr" and "label" (found: ${rows[0]!.record.join(',')})`);
  }
  const sourceAt = column('source');
  const fromAt = column('valid_from');
  const toAt = column('valid_to');
  const table = new PrefixTable<KnownNetwork[]>();
  const boundaries = new Set<number>();
  let count = 0;
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const cell = (index: number): string => (index >= 0 ? (record[index] ?? '') : '');
    const cidr = parseCidr(cell(cidrAt));
    if (typeof cidr === 'string') throw bad(path, line, `cidr: ${cidr}`);
    const label = cell(labelAt);
    if (label === '') throw bad(path, line, `no label for ${cidr.canonical}`);
    const validFrom = parseValidity(cell(fromAt), false);
    const validTo = parseValidity(cell(toAt), true);
    if (typeof validFrom === 'string') throw bad(path, line, `valid_from: ${validFrom}`);
    if (typeof validTo === 'string') throw bad(path, line, `valid_to: ${validTo}`);
    if (validFrom !== null && validTo !== null && validTo < validFrom) throw bad(path, line, 'valid_to is before valid_from');
    const network: KnownNetwork = { cidr: cidr.canonical, label, source: cell(sourceAt) || null, validFromMs: validFrom, validToMs: validTo, line };
    const existing = table.matchAll({ version: cidr.version, bytes: cidr.bytes, canonical: '' });
    const same = existing.flat().find((other) => other.cidr === network.cidr && overlaps(other, network));
    if (same !== undefined) throw bad(path, line, `${network.cidr} is already labelled "${same.label}" at line ${same.line} for an overlapping period; one block, one label`);
    const list = existing.length > 0 ? sameBlockList(table, cidr) : undefined;
    if (list !== undefined) list.push(network);
    else table.insert(cidr, [network]);
    if (validFrom !== null) boundaries.add(validFrom);
    if (validTo !== null) boundaries.add(validTo + 1);
    count++;
  }
  return {
    path,
    sha256,
    count,
    boundariesMs: [...boundaries].sort((a, b) => a - b),
    match(address: ParsedIp, atTimeMs: number | null): KnownNetwork | null {
      const candidates = table.matchAll(address);
      for (let i = candidates.length - 1; i >= 0; i--) {
        const valid = candidates[i]!.find((network) => atTimeMs === null || ((network.validFromMs ?? -Infinity) <= atTimeMs && atTimeMs <= (network.validToMs ?? Infinity)));
        if (valid !== undefined) return valid;
      }
      return null;
    },
  };
}

function overlaps(a: KnownNetwork, b: KnownNetwork): boolean {
  return (a.validFromMs ?? -Infinity) <= (b.validToMs ?? Infinity) && (b.validFromMs ?? -Infinity) <= (a.validToMs ?? Infinity);
}

/** The list stored for exactly this block, if any. */
function sameBlockList(table: PrefixTable<KnownNetwork[]>, cidr: { version: 4 | 6; bytes: Uint8Array; prefixLength: number; canonical: string }): KnownNetwork[] | undefined {
  const lists = table.matchAll({ version: cidr.version, bytes: cidr.bytes, canonical: '' });
  return lists.find((list) => list[0]!.cidr === cidr.canonical);
}
