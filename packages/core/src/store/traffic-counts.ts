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

/** Hours that have at least one request, in time order (hours without requests are absent). Kept at ingest (request_hours). */
export function countRequestsPerHour(store: CaseStore): HourCount[] {
  return store.db
    .prepare('SELECT hour_start_ms AS hourStartMs, sum(requests) AS requests FROM request_hours GROUP BY 1 ORDER BY 1')
    .all() as HourCount[];
}
