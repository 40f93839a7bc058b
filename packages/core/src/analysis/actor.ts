/**
 * `actor IP`: everything one client address did — when it was seen, with which user agents,
 * what it asked for and got, an hourly histogram, its attribution, and whether a crawler
 * user agent is backed by the crawler operator's network.
 */
import { tz } from '@date-fns/tz';
import { getHours } from 'date-fns';
import type { ActorReport, ActorUserAgent } from '../model';
import type { CaseStore } from '../store/case-store';
import { RequestQueries } from '../store/request-queries';
import { checkCrawler } from './crawlers';
import { narrativeTime, plural } from './narrative';
import type { AnalysisOptions } from './options';

export interface ActorOptions extends AnalysisOptions {
  /** How many of the client's requests to list (oldest first); default 1,000. Counts always cover all of them. */
  readonly eventLimit?: number;
  /** How many top paths to list; default 20. */
  readonly pathLimit?: number;
}

const DEFAULT_EVENT_LIMIT = 1_000;
const DEFAULT_PATH_LIMIT = 20;

/** Find the stored spelling of an address: as given, else lower-cased (IPv6 hex digits). */
function findClient(queries: RequestQueries, ip: string): { ip: string; clientId: number } | null {
  for (const candidate of new Set([ip.trim(), ip.trim().toLowerCase()])) {
    const clientId = queries.findClientId(candidate);
    if (clientId !== null) return { ip: candidate, clientId };
  }
  return null;
}

/** Describe one client address. An address the case never saw gives a report with zero requests. */
export function describeActor(store: CaseStore, ip: string, options: ActorOptions = {}): ActorReport {
  const queries = new RequestQueries(store);
  const zone = options.timeZone ?? 'UTC';
  const found = findClient(queries, ip);
  if (found === null) {
    return {
      ip: ip.trim(), attribution: options.attributor?.attribute(ip.trim(), Date.now()) ?? null, requests: 0, bytes: 0,
      firstSeenMs: null, lastSeenMs: null, userAgents: [], statuses: [], topPaths: [], hourly: [],
      hourOfDay: new Array<number>(24).fill(0), events: [], eventsTruncated: false,
      narrative: `${ip.trim()} made no request in this case.`,
    };
  }
  const summary = queries.clientSummary(found.clientId);
  const attribution = options.attributor?.attribute(found.ip, summary.firstMs!) ?? null;
  const userAgents: ActorUserAgent[] = queries.clientAgents(found.clientId).map((row) => ({
    userAgent: row.userAgent,
    requests: row.requests,
    firstSeenMs: row.firstMs,
    lastSeenMs: row.lastMs,
    crawler: checkCrawler(row.userAgent, attribution),
  }));
  const hourly = queries.clientHours(found.clientId);
  const hourOfDay = new Array<number>(24).fill(0);
  const inZone = tz(zone);
  for (const hour of hourly) hourOfDay[getHours(new Date(hour.hourStartMs), { in: inZone })] += hour.requests;
  const eventLimit = options.eventLimit ?? DEFAULT_EVENT_LIMIT;
  const events = queries.requestsForClient(found.clientId, summary.firstMs!, summary.lastMs! + 1, eventLimit);

  const where = [attribution?.network, attribution?.asn != null ? `AS${attribution.asn}${attribution.asOrg ? ` ${attribution.asOrg}` : ''}` : null, attribution?.countryName ?? attribution?.countryCode]
    .filter((part) => part)
    .join(', ');
  const crawlers = userAgents.filter((agent) => agent.crawler !== null).map((agent) => `${agent.crawler!.name} (${agent.crawler!.verdict})`);
  const narrative =
    `${found.ip}${where ? ` (${where})` : ''} made ${plural(summary.requests, 'request')} between ${narrativeTime(summary.firstMs!, zone)} and ${narrativeTime(summary.lastMs!, zone)} ` +
    `with ${plural(userAgents.length, 'user agent')}${crawlers.length > 0 ? `, claiming to be ${[...new Set(crawlers)].join(', ')}` : ''}.`;

  return {
    ip: found.ip,
    attribution,
    requests: summary.requests,
    bytes: summary.bytes,
    firstSeenMs: summary.firstMs,
    lastSeenMs: summary.lastMs,
    userAgents,
    statuses: queries.clientStatuses(found.clientId),
    topPaths: queries.clientPaths(found.clientId, options.pathLimit ?? DEFAULT_PATH_LIMIT),
    hourly,
    hourOfDay,
    events,
    eventsTruncated: summary.requests > events.length,
    narrative,
  };
}
