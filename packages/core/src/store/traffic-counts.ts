/**
 * Request counts per UTC hour over the whole case: the traffic pattern against which silent
 * periods (gaps in the logs) are judged.
 */
import type { CaseStore } from './case-store';

export const HOUR_MS = 3_600_000;

/** Requests in one UTC hour. `hourStartMs` is a multiple of one hour. */
export interface HourCount {
  readonly hourStartMs: number;
  readonly requests: number;
}

/** Hours that have at least one request, in time order (hours without requests are absent). */
export function countRequestsPerHour(store: CaseStore): HourCount[] {
  return store.db
    .prepare(`SELECT (time_ms - (time_ms % ${HOUR_MS})) AS hourStartMs, count(*) AS requests FROM requests GROUP BY 1 ORDER BY 1`)
    .all() as HourCount[];
}
