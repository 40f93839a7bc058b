/**
 * `actor IP`: everything one client address did — when it was seen, with which user agents,
 * what it asked for and got, an hourly histogram, its attribution, and whether a crawler
 * user agent is backed by the crawler operator's network.
 */
import { tz } from '@date-fns/tz';
import { getHours } from 'date-fns';
import type { ActorReport, ActorUserAgent, CrawlerCheck } from '../model';
import type { CaseStore } from '../store/case-store';
import { RequestQueries } from '../store/request-queries';
import { checkCrawler } from './crawlers';
import { narrativeTime } from './narrative';
import { plural } from './plain-text';
import type { AnalysisOptions } from './options';

export interface ActorOptions extends AnalysisOptions {
  /** How many of the client's requests to list (oldest first); default 1,000. Counts always cover all of them. */
  readonly eventLimit?: number;
  /** How many top paths to list; default 20. */
  readonly pathLimit?: number;
}

const DEFAULT_EVENT_LIMIT = 1_000;

const ACTOR_VERDICT_TEXT: Readonly<Record<CrawlerCheck['verdict'], string>> = {
  verified: 'network matches its operator',
  mismatch: 'network does not match its operator',
  unknown: 'network not checked',
};
const DEFAULT_PATH_LIMIT = 20;

/** Find the stored spelling of an address: as given, else lower-cased (IPv6 hex digits). */
function findClient(queries: RequestQueries, ip: string): { ip: string; clientId: number } | null {
  for (const candidate of new Set([ip.trim(), ip.trim().toLowerCase()])) {
    const clientId = queries.findClientId(candidate);
    if (clientId !== null) return { ip: candidate, clientId };
  }
  return null;
}

interface Profile {
  readonly summary: { readonly requests: number; readonly bytes: number; readonly firstMs: number; readonly lastMs: number };
  readonly agents: Omit<ActorUserAgent, 'crawler'>[];
  readonly statuses: ActorReport['statuses'];
  readonly topPaths: ActorReport['topPaths'];
}

interface Tally {
  requests: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
}

function addTo<K>(map: Map<K, Tally>, key: K, row: Tally): void {
  const tally = map.get(key);
  if (tally === undefined) map.set(key, { requests: row.requests, bytes: row.bytes, firstMs: row.firstMs, lastMs: row.lastMs });
  else {
    tally.requests += row.requests;
    tally.bytes += row.bytes;
    tally.firstMs = Math.min(tally.firstMs, row.firstMs);
    tally.lastMs = Math.max(tally.lastMs, row.lastMs);
  }
}

/** Totals, user agents, statuses and top paths of a client, from its one-pass profile. */
function summarizeProfile(queries: RequestQueries, clientId: number, pathLimit: number): Profile {
  const total: Tally = { requests: 0, bytes: 0, firstMs: Infinity, lastMs: -Infinity };
  const agents = new Map<number | null, Tally>();
  const statuses = new Map<number | null, Tally>();
  const paths = new Map<number | null, Tally>();
  for (const row of queries.clientProfile(clientId)) {
    total.requests += row.requests;
    total.bytes += row.bytes;
    total.firstMs = Math.min(total.firstMs, row.firstMs);
    total.lastMs = Math.max(total.lastMs, row.lastMs);
    addTo(agents, row.agentId, row);
    addTo(statuses, row.status, row);
    addTo(paths, row.pathId, row);
  }
  const agentRows = [...agents]
    .map(([agentId, tally]) => ({
      userAgent: agentId === null ? null : queries.agentText(agentId),
      requests: tally.requests,
      firstSeenMs: tally.firstMs,
      lastSeenMs: tally.lastMs,
    }))
    .sort((a, b) => b.requests - a.requests || a.firstSeenMs - b.firstSeenMs);
  const statusRows = [...statuses]
    .map(([status, tally]) => ({ status, requests: tally.requests }))
    .sort((a, b) => (a.status ?? -1) - (b.status ?? -1));
  // Rank by id first and look up only the listed paths: a crawler may have asked for 100,000.
  const pathRows = [...paths]
    .sort(([, a], [, b]) => b.requests - a.requests || a.firstMs - b.firstMs)
    .slice(0, pathLimit)
    .map(([pathId, tally]) => ({ path: pathId === null ? null : queries.pathText(pathId), requests: tally.requests, bytes: tally.bytes }));
  return { summary: total, agents: agentRows, statuses: statusRows, topPaths: pathRows };
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
  const profile = summarizeProfile(queries, found.clientId, options.pathLimit ?? DEFAULT_PATH_LIMIT);
  const summary = profile.summary;
  const attribution = options.attributor?.attribute(found.ip, summary.firstMs) ?? null;
  const userAgents: ActorUserAgent[] = profile.agents.map((row) => ({ ...row, crawler: checkCrawler(row.userAgent, attribution) }));
  const hourly = queries.clientHours(found.clientId);
  const hourOfDay = new Array<number>(24).fill(0);
  const inZone = tz(zone);
  for (const hour of hourly) hourOfDay[getHours(new Date(hour.hourStartMs), { in: inZone })] += hour.requests;
  const eventLimit = options.eventLimit ?? DEFAULT_EVENT_LIMIT;
  const events = queries.requestsForClient(found.clientId, summary.firstMs, summary.lastMs + 1, eventLimit);

  const where = [attribution?.network, attribution?.asn != null ? `AS${attribution.asn}${attribution.asOrg ? ` ${attribution.asOrg}` : ''}` : null, attribution?.countryName ?? attribution?.countryCode]
    .filter((part) => part)
    .join(', ');
  const crawlers = userAgents.filter((agent) => agent.crawler !== null).map((agent) => `${agent.crawler!.name} (${ACTOR_VERDICT_TEXT[agent.crawler!.verdict]})`);
  const narrative =
    `${found.ip}${where ? ` (${where})` : ''} made ${plural(summary.requests, 'request')} between ${narrativeTime(summary.firstMs, zone)} and ${narrativeTime(summary.lastMs, zone)} ` +
    `with ${plural(userAgents.length, 'user agent')}${crawlers.length > 0 ? `, identifying as ${[...new Set(crawlers)].join(', ')}` : ''}.`;

  return {
    ip: found.ip,
    attribution,
    requests: summary.requests,
    bytes: summary.bytes,
    firstSeenMs: summary.firstMs,
    lastSeenMs: summary.lastMs,
    userAgents,
    statuses: profile.statuses,
    topPaths: profile.topPaths,
    hourly,
    hourOfDay,
    events,
    eventsTruncated: summary.requests > events.length,
    narrative,
  };
}
