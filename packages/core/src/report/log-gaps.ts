/**
 * Gaps in the logs, detected from the data itself: silent hours when the traffic pattern
 * says there should have been requests, rotated files missing from a numbered series, files
 * that could only be read in part, and lines that could not be parsed. Every finding here
 * weakens a "nobody else downloaded it" conclusion, so the pack states them plainly.
 */
import type { SourceRow } from '../store/case-store';
import { HOUR_MS, type HourCount } from '../store/traffic-counts';
import { timeRange } from './pack-content';

const DAY_MS = 24 * HOUR_MS;

/**
 * An hour is a gap when it has no requests while the same hour of the day has a median of at
 * least this many requests over the days covered. With Poisson traffic at 5 per hour, a
 * silent hour happens by chance with probability e^-5 ≈ 0.7 %.
 */
export const MIN_EXPECTED_PER_HOUR = 5;

/** A silent period inside the span of the logs. */
export interface SilentPeriod {
  readonly startMs: number;
  /** Exclusive end (the start of the first hour with requests again). */
  readonly endMs: number;
  readonly hours: number;
  /** Median requests in these hours of the day on the other days: what was expected. */
  readonly expectedRequests: number;
}

/** A rotated file absent from a numbered series (access.log.1, .2, .4: .3 is missing). */
export interface MissingRotation {
  readonly series: string;
  readonly missing: readonly string[];
  readonly present: readonly string[];
}

export interface LogGaps {
  /** First and last request time over the whole case, or null for an empty case. */
  readonly coverage: { readonly firstMs: number; readonly lastMs: number } | null;
  readonly silentPeriods: readonly SilentPeriod[];
  /** Whole UTC days (start times) inside the span with no request at all. */
  readonly missingDaysMs: readonly number[];
  readonly missingRotations: readonly MissingRotation[];
  /** Sources read only in part (a truncated .gz, a read error). */
  readonly incompleteSources: readonly { readonly path: string; readonly sha256: string; readonly error: string | null }[];
  /** Sources with lines that could not be parsed. */
  readonly rejectedLines: readonly { readonly path: string; readonly sha256: string; readonly rejected: number; readonly lines: number }[];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Silent hours and whole silent days, judged against the median for each hour of the day. */
function findSilence(hours: readonly HourCount[]): { silentPeriods: SilentPeriod[]; missingDaysMs: number[] } {
  if (hours.length === 0) return { silentPeriods: [], missingDaysMs: [] };
  const counts = new Map(hours.map((h) => [h.hourStartMs, h.requests]));
  const firstHour = hours[0]!.hourStartMs;
  const lastHour = hours[hours.length - 1]!.hourStartMs;
  const firstDay = firstHour - (firstHour % DAY_MS);
  const lastDay = lastHour - (lastHour % DAY_MS);
  // Per hour of day, the counts over every day in the span (zeros included, so a pattern of
  // quiet nights stays quiet). Partial first and last days only count hours inside the span.
  const byHourOfDay: number[][] = Array.from({ length: 24 }, () => []);
  for (let hour = firstHour; hour <= lastHour; hour += HOUR_MS) {
    byHourOfDay[(hour % DAY_MS) / HOUR_MS]!.push(counts.get(hour) ?? 0);
  }
  const expected = byHourOfDay.map(median);

  const silentPeriods: SilentPeriod[] = [];
  let open: { startMs: number; expected: number[] } | null = null;
  const close = (endMs: number): void => {
    if (open === null) return;
    silentPeriods.push({ startMs: open.startMs, endMs, hours: (endMs - open.startMs) / HOUR_MS, expectedRequests: open.expected.reduce((a, b) => a + b, 0) });
    open = null;
  };
  for (let hour = firstHour; hour <= lastHour; hour += HOUR_MS) {
    const typical = expected[(hour % DAY_MS) / HOUR_MS]!;
    if (!counts.has(hour) && typical >= MIN_EXPECTED_PER_HOUR) {
      open ??= { startMs: hour, expected: [] };
      open.expected.push(typical);
    } else if (!counts.has(hour) && open !== null) {
      // A quiet hour inside a gap (the night) neither ends the gap nor counts towards it.
      continue;
    } else {
      close(hour);
    }
  }
  close(lastHour + HOUR_MS);

  const dailyTotals: number[] = [];
  const missingDaysMs: number[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    let total = 0;
    for (let hour = day; hour < day + DAY_MS; hour += HOUR_MS) total += counts.get(hour) ?? 0;
    dailyTotals.push(total);
  }
  const typicalDay = median(dailyTotals.filter((_, i) => i > 0 && i < dailyTotals.length - 1));
  for (let i = 1; i < dailyTotals.length - 1; i++) {
    if (dailyTotals[i] === 0 && typicalDay >= MIN_EXPECTED_PER_HOUR) missingDaysMs.push(firstDay + i * DAY_MS);
  }
  return { silentPeriods, missingDaysMs };
}

const ROTATION = /^(.*?)([.-])(\d{1,3})(\.(?:gz|bz2|xz|zst))?$/;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Numbered rotation series (name.1, name.2.gz...) with holes in the numbering. */
function findMissingRotations(paths: readonly string[]): MissingRotation[] {
  // Keyed by directory, base name and separator: /a/access.log.1 and /b/access.log.2 are two series.
  const series = new Map<string, { name: string; separator: string; numbers: Map<number, string>; suffix: string }>();
  for (const path of paths) {
    const name = baseName(path);
    const match = ROTATION.exec(name); // 1-3 digits: longer numbers are dates, not rotation numbers
    if (match === null) continue;
    const key = `${path.slice(0, path.length - name.length)}\u0000${match[1]}\u0000${match[2]}`;
    const entry = series.get(key) ?? { name: match[1]!, separator: match[2]!, numbers: new Map(), suffix: '' };
    entry.numbers.set(Number(match[3]), name);
    if (Number(match[3]) >= 2 && match[4] !== undefined) entry.suffix = match[4];
    series.set(key, entry);
  }
  const result: MissingRotation[] = [];
  for (const entry of series.values()) {
    const numbers = [...entry.numbers.keys()].sort((a, b) => a - b);
    const missing: string[] = [];
    // Rotation numbering starts at 1 (or 0): a series that starts higher has lost its newest files.
    for (let n = Math.min(numbers[0]!, 1); n <= numbers[numbers.length - 1]!; n++) {
      // logrotate's delaycompress leaves .1 uncompressed and compresses .2 onwards.
      if (!entry.numbers.has(n)) missing.push(`${entry.name}${entry.separator}${n}${n >= 2 ? entry.suffix : ''}`);
    }
    if (missing.length > 0) result.push({ series: entry.name, missing, present: numbers.map((n) => entry.numbers.get(n)!) });
  }
  return result;
}

/** Everything the data says about what the logs do not show. */
export function detectLogGaps(hours: readonly HourCount[], sources: readonly SourceRow[]): LogGaps {
  const { silentPeriods, missingDaysMs } = findSilence(hours);
  const range = timeRange(sources.flatMap((s) => (s.firstTimeMs === null || s.lastTimeMs === null ? [] : [s.firstTimeMs, s.lastTimeMs])));
  return {
    coverage: range,
    silentPeriods,
    missingDaysMs,
    missingRotations: findMissingRotations(sources.map((s) => s.path)),
    incompleteSources: sources.filter((s) => s.status === 'incomplete').map((s) => ({ path: s.path, sha256: s.sha256, error: s.error })),
    rejectedLines: sources.filter((s) => s.rejected > 0).map((s) => ({ path: s.path, sha256: s.sha256, rejected: s.rejected, lines: s.lines })),
  };
}
