/**
 * Options shared by the analysis functions (`downloads`, `timeline`, `actor`), and the
 * parsing of their command-line spellings so the CLI holds no parsing rules of its own.
 */
import { InputError } from '../errors';
import type { Attribution } from '../model';

/** How TARGET is compared with request paths. */
export type MatchMode = 'exact' | 'prefix' | 'glob';

/**
 * What the analysis needs from an attributor: the geo area's `Attributor` satisfies it.
 * Kept structural so analysis does not depend on how attribution is built.
 */
export interface AttributionLookup {
  attribute(ip: string, atTimeMs: number): Attribution;
}

export interface AnalysisOptions {
  /** `--match`: exact path (default), a path prefix, or a glob (`*` within a segment, `**` across). */
  readonly match?: MatchMode;
  /** `--case-insensitive`: paths compare without case (IIS). */
  readonly caseInsensitive?: boolean;
  /** `--window`: successful requests of one client less than this apart merge into one download. Default 30 min. */
  readonly windowMs?: number;
  /** `--size`: the file size in bytes; otherwise the logged object size or the largest 200 body. */
  readonly sizeBytes?: number | null;
  /** Attribution of client addresses (geo `openAttributor`); null or absent: no attribution. */
  readonly attributor?: AttributionLookup | null;
  /** Display zone for the narrative (IANA name or +HH:MM, as checked by checkTimeZone). Default UTC. */
  readonly timeZone?: string;
}

export const DEFAULT_WINDOW_MS = 30 * 60_000;

/** At most this many distinct paths may match a prefix or glob: beyond it the question is too broad to answer per file. */
export const MAX_MATCHED_PATHS = 10_000;

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parse a `--window` value: a bare number is minutes ("30"), or a number with a unit
 * ("90s", "30m", "2h", "1d", "500ms"). Returns milliseconds.
 */
export function parseWindowOption(text: string | number): number {
  const value = String(text).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?$/i.exec(value);
  if (match === null) {
    throw new InputError('BAD_WINDOW', `--window "${value}": expected minutes ("30") or a duration such as "90s", "30m", "2h"`);
  }
  const unit = (match[2] ?? 'm').toLowerCase();
  const windowMs = Math.round(Number(match[1]) * DURATION_UNITS_MS[unit]!);
  if (windowMs <= 0) throw new InputError('BAD_WINDOW', `--window "${value}": must be longer than zero`);
  return windowMs;
}

/** Parse a `--size` value: a whole number of bytes. */
export function parseSizeOption(text: string | number): number {
  const value = String(text).trim();
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new InputError('BAD_SIZE', `--size "${value}": expected the file size as a whole number of bytes greater than zero`);
  }
  return Number(value);
}

/** Check a `--match` value. */
export function parseMatchOption(text: string | undefined): MatchMode {
  if (text === undefined || text === 'exact' || text === 'prefix' || text === 'glob') return text ?? 'exact';
  throw new InputError('BAD_MATCH', `--match "${text}": expected exact, prefix or glob`);
}
