import { strict as assert } from 'node:assert';
import { buildTimeline, type CaseStore } from '@logwitness/core';
import { clfTime, incidentCase, type LineSpec } from './incident-case';

const FILE = '/admin/export/donors-2026.csv';

function at(utcIso: string, spec: Omit<LineSpec, 'time'>): LineSpec {
  return { ...spec, time: clfTime(utcIso, 60) };
}

describe('analysis: buildTimeline', () => {
  let store: CaseStore;
  before(async () => {
    ({ store } = await incidentCase({
      'access.log': [
        at('2026-09-20T09:00:00Z', { ip: '203.0.113.9', path: '/', bytes: 900, referrer: 'https://forum.example.net/t/42' }),
        at('2026-09-20T09:00:30Z', { ip: '203.0.113.9', path: '/admin/export/', bytes: 700, referrer: 'https://forum.example.net/t/42' }),
        at('2026-09-20T09:01:00Z', { ip: '203.0.113.9', method: 'HEAD', path: FILE, bytes: 0 }),
        at('2026-09-20T09:01:10Z', { ip: '203.0.113.9', path: FILE, bytes: 5_000, referrer: 'https://leak.example/admin/export/' }),
        at('2026-09-20T08:00:00Z', { ip: '203.0.113.9', path: '/too-early.html', bytes: 5 }), // more than an hour before
        at('2026-09-21T10:00:00Z', { ip: '198.51.100.4', path: FILE, status: 304, bytes: 0 }),
        at('2026-09-21T11:00:00Z', { ip: '198.51.100.5', path: FILE, status: 200, bytes: 1_000 }),
        at('2026-09-21T12:00:00Z', { ip: '198.51.100.6', path: FILE, status: 500, bytes: 10 }),
        at('2026-09-21T12:30:00Z', { ip: '198.51.100.6', path: FILE, status: 401, bytes: 10 }),
        at('2026-09-22T10:00:00Z', { ip: '198.51.100.7', path: FILE, status: 200, bytes: 5_000 }),
        at('2026-09-22T18:00:00Z', { ip: '198.51.100.7', path: FILE, status: 403, bytes: 20 }),
        at('2026-09-22T19:00:00Z', { ip: '198.51.100.5', path: FILE, status: 404, bytes: 20 }),
        at('2026-09-22T19:30:00Z', { ip: '198.51.100.5', path: FILE, status: 301, bytes: 20 }),
      ],
    }));
  });
  after(() => store.close());

  it('classifies every request for the target, oldest first', () => {
    const report = buildTimeline(store, FILE);
    assert.deepEqual(
      report.events.map((e) => [e.request.clientIp, e.kind, e.downloadNumber]),
      [
        ['203.0.113.9', 'probe', null],
        ['203.0.113.9', 'download', 1],
        ['198.51.100.4', 'revalidation', null],
        ['198.51.100.5', 'partial-download', 2],
        ['198.51.100.6', 'server-error', null],
        ['198.51.100.6', 'denied', null],
        ['198.51.100.7', 'download', 3],
        ['198.51.100.7', 'refused-after-fix', null],
        ['198.51.100.5', 'refused-after-fix', null],
        ['198.51.100.5', 'other', null],
      ],
    );
    const times = report.events.map((e) => e.timeMs);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.match(report.events[1]!.description, /received 5,000 bytes \(GET 200\): complete download #1/);
    assert.equal(report.downloads.summary.downloads, 3);
  });

  it('finds the exposure window and who came back after the fix', () => {
    const { exposure, refusedAfterFix } = buildTimeline(store, FILE);
    assert.equal(new Date(exposure.firstSuccessMs!).toISOString(), '2026-09-20T09:01:10.000Z');
    assert.equal(new Date(exposure.lastSuccessMs!).toISOString(), '2026-09-22T10:00:00.000Z');
    assert.equal(new Date(exposure.closedAtMs!).toISOString(), '2026-09-22T18:00:00.000Z');
    assert.equal(exposure.closedBy?.status, 403);
    assert.deepEqual(refusedAfterFix.map((r) => [r.clientIp, r.status]), [['198.51.100.7', 403], ['198.51.100.5', 404]]);
  });

  it('finds the discovery: first client, its referrer, and its hour before', () => {
    const { discovery } = buildTimeline(store, FILE);
    assert.ok(discovery);
    assert.equal(discovery.first.clientIp, '203.0.113.9');
    assert.equal(discovery.referrer, 'https://leak.example/admin/export/');
    assert.deepEqual(discovery.before.map((r) => r.target), ['/', '/admin/export/', FILE]);
    assert.equal(discovery.before[2]!.method, 'HEAD');
    // The site's own pages are known from referrers pointing at paths this client requested
    // (leak.example/admin/export/ -> /admin/export/); the forum is the other site it came from.
    assert.equal(discovery.externalReferrer?.referrer, 'https://forum.example.net/t/42');
    assert.equal(discovery.externalReferrer?.target, '/');
  });

  it('writes a narrative whose numbers match the listed events', () => {
    const report = buildTimeline(store, FILE);
    assert.equal(
      report.narrative,
      '3 downloads of /admin/export/donors-2026.csv between 20 Sep 2026 09:01 UTC and 22 Sep 2026 10:00 UTC (2 complete, 1 partial) ' +
        'by 3 clients in 2 networks; it was refused from 22 Sep 2026 18:00 UTC (HTTP 403), and 1 later request was refused.',
    );
    assert.equal(report.events.filter((e) => e.kind === 'download').length, 2);
    assert.equal(report.events.filter((e) => e.kind === 'partial-download').length, 1);
  });

  it('has no exposure and no discovery when nothing was served', async () => {
    const { store: empty } = await incidentCase({
      'access.log': [at('2026-09-20T09:00:00Z', { ip: '203.0.113.9', path: FILE, status: 404, bytes: 20 })],
    });
    try {
      const report = buildTimeline(empty, FILE);
      assert.deepEqual(report.exposure, { firstSuccessMs: null, lastSuccessMs: null, closedAtMs: null, closedBy: null });
      assert.equal(report.discovery, null);
      assert.deepEqual(report.refusedAfterFix, []);
      assert.deepEqual(report.events.map((e) => e.kind), ['denied']);
    } finally {
      empty.close();
    }
  });
});
