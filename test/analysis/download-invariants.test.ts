import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildTimeline, DEFAULT_WINDOW_MS, type CaseStore } from '@logwitness/core';
import { clfTime, incidentCase, type LineSpec } from './incident-case';

const FILE = '/data/export.csv';
const START_MS = Date.UTC(2026, 8, 20);
const STATUSES = [200, 200, 200, 206, 206, 304, 403, 404, 500] as const;

/** Random traffic on one file: two addresses, mostly one agent, gaps often exactly at the window's edge. */
const trafficArbitrary = fc.array(
  fc.record({
    client: fc.integer({ min: 1, max: 2 }),
    ua: fc.constantFrom('UA-1', 'UA-1', 'UA-1', 'UA-2'),
    gapMs: fc.oneof(fc.integer({ min: 0, max: 2 * DEFAULT_WINDOW_MS }), fc.constantFrom(0, DEFAULT_WINDOW_MS - 1_000, DEFAULT_WINDOW_MS, DEFAULT_WINDOW_MS + 1_000)),
    status: fc.constantFrom(...STATUSES),
    head: fc.constantFrom(false, false, false, true),
    bytes: fc.integer({ min: 0, max: 5_000 }),
    offsetMin: fc.constantFrom(0, 60, -300),
  }),
  { minLength: 20, maxLength: 120 },
);

describe('analysis: download invariants on random traffic', () => {
  const stores: CaseStore[] = [];
  after(() => stores.forEach((store) => store.close()));

  it('every successful request is in exactly one download; windows split exactly at the window', async function () {
    this.timeout(60_000);
    // Fixed seed: the same cases on every run; failures are reproducible.
    const samples = fc.sample(trafficArbitrary, { seed: 4, numRuns: 8 });
    for (const traffic of samples) {
      let timeMs = START_MS;
      const lines: LineSpec[] = traffic.map((t) => {
        // Requests advance in UTC, written with varying offsets (as across a DST change or two servers).
        timeMs += Math.floor(t.gapMs / 1000) * 1000;
        return {
          ip: `198.51.100.${t.client}`, ua: t.ua, method: t.head ? 'HEAD' : 'GET', path: FILE, status: t.status,
          bytes: t.bytes, time: clfTime(new Date(timeMs).toISOString(), t.offsetMin),
        };
      });
      const { store } = await incidentCase({ 'random.log': lines });
      stores.push(store);
      const report = buildTimeline(store, FILE);
      const successes = report.events.map((e) => e.request).filter((r) => (r.status === 200 || r.status === 206) && (r.bytes ?? 0) > 0 && r.method !== 'HEAD');

      const seen = new Map<number, number>();
      for (const d of report.downloads.downloads) for (const r of d.requests) seen.set(r.requestId, (seen.get(r.requestId) ?? 0) + 1);
      assert.deepEqual([...seen.keys()].sort((a, b) => a - b), successes.map((r) => r.requestId).sort((a, b) => a - b), 'downloads hold exactly the successes');
      assert.ok([...seen.values()].every((n) => n === 1), 'no request in two downloads');

      const byClient = new Map<string, typeof report.downloads.downloads[number][]>();
      for (const d of report.downloads.downloads) {
        assert.ok(d.requests.every((r) => r.clientIp === d.clientIp && r.userAgent === d.userAgent), 'one client per download');
        for (let i = 1; i < d.requests.length; i++) assert.ok(d.requests[i]!.timeMs - d.requests[i - 1]!.timeMs < DEFAULT_WINDOW_MS, 'merged requests are less than the window apart');
        assert.equal(d.bytes, d.requests.reduce((sum, r) => sum + (r.bytes ?? 0), 0));
        const key = `${d.clientIp} ${d.userAgent}`;
        byClient.set(key, [...(byClient.get(key) ?? []), d]);
      }
      for (const downloads of byClient.values()) {
        for (let i = 1; i < downloads.length; i++) assert.ok(downloads[i]!.startMs - downloads[i - 1]!.endMs >= DEFAULT_WINDOW_MS, 'separate downloads are at least the window apart');
      }
      const { summary } = report.downloads;
      assert.equal(summary.complete + summary.partial, summary.downloads);
      assert.equal(report.events.filter((e) => e.kind === 'download' || e.kind === 'partial-download').length, successes.length);
      if (summary.downloads > 0) assert.match(report.narrative, new RegExp(`^${summary.downloads} downloads? of ${FILE}`));
    }
  });
});
