/**
 * The one-sentence narrative a lawyer can read. Every number in it is counted from the
 * downloads and events the same report lists, so each can be checked line by line.
 */
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import ipaddr from 'ipaddr.js';
import type { Attribution, CrawlerCheck, Download, DownloadsReport, ExposureWindow, RequestEvent } from '../model';
import { formatCount, plural } from './plain-text';

/** "20 Sep 2011 03:14 UTC", or "20 Sep 2011 04:14 +01:00" in another display zone. */
export function narrativeTime(timeMs: number, zone = 'UTC'): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${format(new Date(timeMs), 'd MMM yyyy HH:mm', { in: tz('UTC') })} UTC`;
  return format(new Date(timeMs), 'd MMM yyyy HH:mm xxx', { in: tz(zone) });
}

/**
 * The network a client counts in: its known-network label, else its autonomous system, else
 * (no attribution data) its /24 (IPv4) or /48 (IPv6), the usual allocation to one site.
 */
export function networkKey(ip: string, attribution: Attribution | null): string {
  if (attribution?.network) return `label:${attribution.network}`;
  if (attribution?.asn != null) return `as:${attribution.asn}`;
  if (!ipaddr.isValid(ip)) return `host:${ip}`;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return `v4:${address.toByteArray().slice(0, 3).join('.')}`;
  return `v6:${(address as ipaddr.IPv6).parts.slice(0, 3).join(':')}`;
}

const CRAWLER_VERDICT_TEXT: Readonly<Record<CrawlerCheck['verdict'], string>> = {
  verified: 'its operator\'s network',
  mismatch: 'claimed; not its operator\'s network',
  unknown: 'claimed; network not checked',
};

function labelList(labels: readonly string[]): string {
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

function downloadsClause(report: DownloadsReport, zone: string): string {
  const { summary, target } = report;
  const downloads = report.downloads;
  const first = downloads[0]!;
  let when: string;
  if (downloads.length === 1 && first.startMs === first.endMs) when = `on ${narrativeTime(first.startMs, zone)}`;
  else when = `between ${narrativeTime(summary.firstMs!, zone)} and ${narrativeTime(summary.lastMs!, zone)}`;
  const completeness = downloads.length === 1 ? (first.complete ? 'complete' : 'partial') : `${formatCount(summary.complete)} complete, ${formatCount(summary.partial)} partial`;
  const networks = new Set(downloads.map((download) => networkKey(download.clientIp, download.attribution)));
  const subject = report.match === 'exact' ? target : report.match === 'prefix' ? `files under ${target}` : `files matching ${target}`;
  let sentence = `${plural(summary.downloads, 'download')} of ${subject} ${when} (${completeness}) by ${plural(summary.clients, 'client')} in ${plural(networks.size, 'network')}`;
  const known = downloads.filter((download: Download) => download.attribution?.network);
  if (known.length > 0) {
    const labels = [...new Set(known.map((download) => download.attribution!.network!))];
    sentence += `; ${formatCount(known.length)} from ${labels.length === 1 ? 'a known network' : 'known networks'}: ${labelList(labels)}`;
  }
  const crawlers = downloads.filter((download) => download.crawler !== null);
  if (crawlers.length > 0) {
    const names = [...new Set(crawlers.map((download) => `${download.crawler!.name} (${CRAWLER_VERDICT_TEXT[download.crawler!.verdict]})`))];
    sentence += `; ${formatCount(crawlers.length)} by ${crawlers.length === 1 ? 'a crawler' : 'crawlers'}: ${labelList(names)}`;
  }
  return sentence;
}

function closureClause(exposure: ExposureWindow, refusedAfterFix: readonly RequestEvent[], zone: string): string {
  if (exposure.closedAtMs === null) return '';
  const later = refusedAfterFix.length - 1;
  const refusedLater = later > 0 ? `, and ${plural(later, 'later request')} ${later === 1 ? 'was' : 'were'} refused` : '';
  return `; it was refused from ${narrativeTime(exposure.closedAtMs, zone)} (HTTP ${exposure.closedBy?.status ?? '?'})${refusedLater}`;
}

/** The narrative for a target: correct for no, one and many downloads. */
export function buildNarrative(
  report: DownloadsReport,
  exposure: ExposureWindow,
  refusedAfterFix: readonly RequestEvent[],
  zone = 'UTC',
): string {
  if (report.requestCount === 0) {
    return `No request for ${report.target} was found in this case.`;
  }
  if (report.downloads.length === 0) {
    const outcome = report.requestCount === 1 ? 'the only request for it received no content' : `none of the ${plural(report.requestCount, 'request')} for it received content`;
    return `No downloads of ${report.target}: ${outcome}.`;
  }
  return `${downloadsClause(report, zone)}${closureClause(exposure, refusedAfterFix, zone)}.`;
}
