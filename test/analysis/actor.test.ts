import { strict as assert } from 'node:assert';
import { checkCrawler, describeActor, type Attribution, type CaseStore } from '@logwitness/core';
import { clfTime, incidentCase, type LineSpec } from './incident-case';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

function at(utcIso: string, spec: Omit<LineSpec, 'time'>): LineSpec {
  return { ...spec, time: clfTime(utcIso, 60) };
}

/** An attribution with only an ASN known, as an ASN database would give. */
function asnAttribution(ip: string, asn: number | null, asOrg: string | null = null): Attribution {
  return {
    ip, reserved: null, countryCode: null, countryName: null, subdivision: null, city: null, latitude: null, longitude: null,
    accuracyRadiusKm: null, asn, asOrg, isp: null, organization: null, connectionType: null, isAnonymous: null, isAnonymousVpn: null,
    isHostingProvider: null, isPublicProxy: null, isTorExitNode: null, network: null, networkCidr: null, networkSource: null, provenance: [],
  };
}

describe('analysis: describeActor', () => {
  let store: CaseStore;
  before(async () => {
    ({ store } = await incidentCase({
      'access.log': [
        at('2026-09-20T09:10:00Z', { ip: '2001:db8::7', path: '/', bytes: 900, ua: 'Firefox' }),
        at('2026-09-20T09:20:00Z', { ip: '2001:db8::7', path: '/admin/export/', bytes: 700, ua: 'Firefox' }),
        at('2026-09-20T09:21:00Z', { ip: '2001:db8::7', path: '/admin/export/donors-2026.csv', bytes: 5000, ua: 'Firefox' }),
        at('2026-09-20T11:05:00Z', { ip: '2001:db8::7', path: '/admin/export/donors-2026.csv', status: 404, bytes: 20, ua: 'curl/8.5' }),
        at('2026-09-20T09:30:00Z', { ip: '192.0.2.99', path: '/', bytes: 900, ua: 'Other' }),
      ],
    }));
  });
  after(() => store.close());

  it('summarises everything one address did', () => {
    const report = describeActor(store, '2001:DB8::7');
    assert.equal(report.ip, '2001:db8::7', 'found under its stored (lower-case) spelling');
    assert.equal(report.requests, 4);
    assert.equal(report.bytes, 900 + 700 + 5000 + 20);
    assert.equal(new Date(report.firstSeenMs!).toISOString(), '2026-09-20T09:10:00.000Z');
    assert.equal(new Date(report.lastSeenMs!).toISOString(), '2026-09-20T11:05:00.000Z');
    assert.deepEqual(report.userAgents.map((a) => [a.userAgent, a.requests]), [['Firefox', 3], ['curl/8.5', 1]]);
    assert.deepEqual(report.statuses, [{ status: 200, requests: 3 }, { status: 404, requests: 1 }]);
    assert.deepEqual(report.topPaths[0], { path: '/admin/export/donors-2026.csv', requests: 2, bytes: 5020 });
    assert.deepEqual(report.hourly.map((h) => [new Date(h.hourStartMs).toISOString(), h.requests]), [
      ['2026-09-20T09:00:00.000Z', 3],
      ['2026-09-20T11:00:00.000Z', 1],
    ]);
    assert.equal(report.hourOfDay[9], 3);
    assert.equal(report.hourOfDay.reduce((a, b) => a + b, 0), 4);
    assert.equal(report.events.length, 4);
    assert.equal(report.eventsTruncated, false);
    assert.equal(report.narrative, '2001:db8::7 made 4 requests between 20 Sep 2026 09:10 UTC and 20 Sep 2026 11:05 UTC with 2 user agents.');
  });

  it('counts hours of the day in the display zone and truncates the listed events', () => {
    const report = describeActor(store, '2001:db8::7', { timeZone: 'Europe/London', eventLimit: 2 });
    assert.equal(report.hourOfDay[10], 3, '09:xx UTC is 10:xx in London in September');
    assert.equal(report.events.length, 2);
    assert.equal(report.eventsTruncated, true);
    assert.equal(report.requests, 4, 'counts still cover every request');
  });

  it('answers for an address the case never saw', () => {
    const report = describeActor(store, '198.51.100.200');
    assert.equal(report.requests, 0);
    assert.equal(report.narrative, '198.51.100.200 made no request in this case.');
  });
});

describe('analysis: crawler checks', () => {
  it('verifies a crawler only when the ASN is the operator\'s', () => {
    assert.equal(checkCrawler(GOOGLEBOT, asnAttribution('66.249.66.1', 15169))?.verdict, 'verified');
    const fake = checkCrawler(GOOGLEBOT, asnAttribution('203.0.113.5', 64500, 'Example Hosting'))!;
    assert.equal(fake.verdict, 'mismatch');
    assert.match(fake.explanation, /AS64500 \(Example Hosting\), not Google \(AS15169\)/);
    assert.equal(checkCrawler(GOOGLEBOT, null)?.verdict, 'unknown');
    assert.equal(checkCrawler('Mozilla/5.0 (compatible; bingbot/2.0)', asnAttribution('40.77.167.1', 8075))?.verdict, 'verified');
    assert.match(checkCrawler('Mozilla/5.0 (compatible; bingbot/2.0)', asnAttribution('40.77.167.1', 8075))!.explanation, /Azure/);
    assert.equal(checkCrawler('Mozilla/5.0 (Windows NT 10.0) Firefox/130.0', asnAttribution('1.1.1.1', 13335)), null);
  });

  it('flags crawler user agents in an actor report', async () => {
    const { store } = await incidentCase({
      'access.log': [at('2026-09-20T09:10:00Z', { ip: '198.51.100.66', path: '/robots.txt', bytes: 90, ua: GOOGLEBOT })],
    });
    try {
      const attributor = { attribute: (ip: string) => asnAttribution(ip, 64500, 'Example Hosting') };
      const report = describeActor(store, '198.51.100.66', { attributor });
      assert.equal(report.userAgents[0]!.crawler?.verdict, 'mismatch');
      assert.match(report.narrative, /identifying as Googlebot \(network does not match its operator\)/);
      assert.match(report.narrative, /AS64500 Example Hosting/);
    } finally {
      store.close();
    }
  });
});
