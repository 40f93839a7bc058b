/**
 * Known crawlers, recognised by user agent and "verified" only when the client's autonomous
 * system is the crawler operator's. A user agent is free text anyone can send; the network
 * is much harder to fake. An ASN match is necessary but not sufficient where the operator
 * also rents addresses in that AS to customers (noted per entry): the operators' own
 * recommended check is reverse DNS plus forward confirmation, which needs live DNS and is
 * out of scope for offline log analysis.
 */
import type { Attribution, CrawlerCheck } from '../model';

interface KnownCrawler {
  readonly name: string;
  readonly pattern: RegExp;
  readonly operator: string;
  readonly asns: readonly number[];
  /** Where the operator and its ASN are documented. */
  readonly reference: string;
  /** Why an ASN match alone may not be enough, when it may not. */
  readonly caveat: string | null;
}

const CRAWLERS: readonly KnownCrawler[] = [
  {
    // https://developers.google.com/search/docs/crawling-indexing/verifying-googlebot ; AS15169 Google LLC (Google Cloud customers use AS396982, not AS15169).
    name: 'Googlebot', pattern: /Googlebot|Google-InspectionTool|GoogleOther|AdsBot-Google|Mediapartners-Google/i,
    operator: 'Google', asns: [15169], reference: 'developers.google.com/search/docs/crawling-indexing/verifying-googlebot; AS15169 (Google LLC)', caveat: null,
  },
  {
    // https://www.bing.com/webmasters/help/how-to-verify-bingbot-3905dc26 ; AS8075 Microsoft Corporation.
    name: 'bingbot', pattern: /bingbot|BingPreview|msnbot|adidxbot/i,
    operator: 'Microsoft', asns: [8075], reference: 'bing.com/webmasters/help/how-to-verify-bingbot-3905dc26; AS8075 (Microsoft)',
    caveat: 'Microsoft also announces Azure customer addresses from AS8075',
  },
  {
    // https://support.apple.com/en-us/119829 (About Applebot); AS714 Apple Inc.
    name: 'Applebot', pattern: /Applebot/i,
    operator: 'Apple', asns: [714, 6185], reference: 'support.apple.com/en-us/119829; AS714, AS6185 (Apple Inc.)', caveat: null,
  },
  {
    // https://yandex.com/support/webmaster/robot-workings/check-yandex-robots.html ; AS13238 YANDEX LLC.
    name: 'YandexBot', pattern: /YandexBot|YandexImages|YandexMobileBot/i,
    operator: 'Yandex', asns: [13238], reference: 'yandex.com/support/webmaster/robot-workings/check-yandex-robots.html; AS13238 (Yandex)', caveat: null,
  },
  {
    // https://help.baidu.com/question?prod_id=99&class=0&id=3001 ; AS55967 and AS38365 Beijing Baidu Netcom.
    name: 'Baiduspider', pattern: /Baiduspider/i,
    operator: 'Baidu', asns: [55967, 38365], reference: 'help.baidu.com (Baiduspider); AS55967, AS38365 (Baidu)', caveat: null,
  },
  {
    // https://developers.facebook.com/docs/sharing/webmasters/web-crawlers ; AS32934 Facebook/Meta.
    name: 'facebookexternalhit', pattern: /facebookexternalhit|meta-externalagent|Facebot/i,
    operator: 'Meta', asns: [32934], reference: 'developers.facebook.com/docs/sharing/webmasters/web-crawlers; AS32934 (Meta)', caveat: null,
  },
  {
    // https://developer.x.com/en/docs/x-for-websites/cards/guides/troubleshooting-cards ; AS13414 Twitter/X.
    name: 'Twitterbot', pattern: /Twitterbot/i,
    operator: 'X (Twitter)', asns: [13414], reference: 'developer.x.com cards troubleshooting; AS13414 (Twitter)', caveat: null,
  },
  {
    // https://www.linkedin.com/help/linkedin/answer/a1344443 (LinkedInBot); AS14413 LinkedIn.
    name: 'LinkedInBot', pattern: /LinkedInBot/i,
    operator: 'LinkedIn', asns: [14413], reference: 'linkedin.com help (LinkedInBot); AS14413 (LinkedIn)', caveat: null,
  },
  {
    // https://duckduckgo.com/duckduckgo-help-pages/results/duckduckbot/ publishes IP lists only: DuckDuckBot runs on hosting networks, so no ASN verifies it.
    name: 'DuckDuckBot', pattern: /DuckDuckBot/i,
    operator: 'DuckDuckGo', asns: [], reference: 'duckduckgo.com/duckduckgo-help-pages/results/duckduckbot/ (IP list, no own ASN)',
    caveat: 'DuckDuckGo publishes an IP list rather than an ASN; check the address against that list',
  },
];

/** The known crawler a user agent names, if any. */
function crawlerFor(userAgent: string | null): KnownCrawler | null {
  if (userAgent === null) return null;
  return CRAWLERS.find((crawler) => crawler.pattern.test(userAgent)) ?? null;
}

/** Check a client that claims, by its user agent, to be a known crawler. Null when the user agent names none. */
export function checkCrawler(userAgent: string | null, attribution: Attribution | null): CrawlerCheck | null {
  const crawler = crawlerFor(userAgent);
  if (crawler === null) return null;
  const observedAsn = attribution?.asn ?? null;
  const asList = crawler.asns.map((asn) => `AS${asn}`).join('/');
  let verdict: CrawlerCheck['verdict'];
  let explanation: string;
  if (observedAsn === null || crawler.asns.length === 0) {
    verdict = 'unknown';
    explanation = crawler.asns.length === 0
      ? `claims to be ${crawler.name}; ${crawler.caveat}`
      : `claims to be ${crawler.name}, but no ASN is known for this address, so it cannot be checked against ${crawler.operator} (${asList})`;
  } else if (crawler.asns.includes(observedAsn)) {
    verdict = 'verified';
    explanation = `claims to be ${crawler.name} and comes from AS${observedAsn}, ${crawler.operator}'s network${crawler.caveat ? ` (${crawler.caveat}; reverse DNS is the stronger check)` : ''}`;
  } else {
    verdict = 'mismatch';
    explanation = `claims to be ${crawler.name} but comes from AS${observedAsn}${attribution?.asOrg ? ` (${attribution.asOrg})` : ''}, not ${crawler.operator} (${asList}): probably not the real crawler`;
  }
  return { name: crawler.name, operator: crawler.operator, operatorAsns: crawler.asns, observedAsn, verdict, explanation, reference: crawler.reference };
}
