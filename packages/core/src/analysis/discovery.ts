/**
 * Discovery: how the target was found. The first client to obtain it, the referrer it gave,
 * and everything that address requested in the hour before (a directory listing? a search
 * engine? a forum link?).
 */
import type { Discovery, RequestEvent } from '../model';
import type { RequestQueries } from '../store/request-queries';
import { normalizeTargetPath } from '../url-path';
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
  const listed = before.slice(-DISCOVERY_LIMIT);
  return { first, referrer: first.referrer, before: listed, externalReferrer: findExternalReferrer([...listed, first]) };
}

/** Host and path of a referrer URL, or null when it is not an absolute http(s) URL. */
function parseReferrer(referrer: string | null): { host: string; path: string } | null {
  if (referrer === null) return null;
  try {
    const url = new URL(referrer);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return { host: url.host.toLowerCase(), path: normalizeTargetPath(url.pathname) ?? url.pathname };
  } catch {
    return null;
  }
}

/**
 * The first request whose referrer is on another site. The site's own hosts are those of
 * referrers pointing at a path the client requested: the logs do not name the site, but a
 * page that linked to the next request and was itself requested is the site's.
 */
export function findExternalReferrer(requests: readonly RequestEvent[]): RequestEvent | null {
  const requested = new Set(requests.map((request) => request.path).filter((path) => path !== null));
  const siteHosts = new Set<string>();
  for (const request of requests) {
    const parsed = parseReferrer(request.referrer);
    if (parsed !== null && requested.has(parsed.path)) siteHosts.add(parsed.host);
  }
  return requests.find((request) => {
    const parsed = parseReferrer(request.referrer);
    return parsed !== null && !siteHosts.has(parsed.host);
  }) ?? null;
}
