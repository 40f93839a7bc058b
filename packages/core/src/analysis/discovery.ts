/**
 * Discovery: how the target was found. The first client to obtain it, the referrer it gave,
 * and everything that address requested in the hour before (a directory listing? a search
 * engine? a forum link?).
 */
import type { Discovery, RequestEvent } from '../model';
import type { RequestQueries } from '../store/request-queries';
import { isSuccessfulContent } from './request-kinds';

export const DISCOVERY_LOOKBACK_MS = 3_600_000;
/** At most this many earlier requests are listed (a crawler may make thousands an hour). */
const DISCOVERY_LIMIT = 500;

/** The discovery of the target from its requests (oldest first), or null when nobody obtained it. */
export function findDiscovery(queries: RequestQueries, requests: readonly RequestEvent[]): Discovery | null {
  const first = requests.find(isSuccessfulContent);
  if (first === undefined) return null;
  const clientId = queries.findClientId(first.clientIp);
  const before =
    clientId === null
      ? []
      : queries
          .requestsForClient(clientId, first.timeMs - DISCOVERY_LOOKBACK_MS, first.timeMs + 1, DISCOVERY_LIMIT + 1)
          .filter((request) => request.requestId !== first.requestId && (request.timeMs < first.timeMs || request.requestId < first.requestId));
  return { first, referrer: first.referrer, before: before.slice(-DISCOVERY_LIMIT) };
}
