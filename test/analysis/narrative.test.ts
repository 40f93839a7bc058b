import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTimeline, openAttributor } from '@logwitness/core';
import { tempDir } from '../helpers';
import { clfTime, incidentCase, type LineSpec } from './incident-case';

const FILE = '/admin/export/donors-2026.csv';

function at(utcIso: string, spec: Omit<LineSpec, 'time'>): LineSpec {
  return { ...spec, time: clfTime(utcIso) };
}

async function narrativeOf(lines: LineSpec[], options: Parameters<typeof buildTimeline>[2] = {}): Promise<string> {
  const { store } = await incidentCase({ 'access.log': lines.length > 0 ? lines : [at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: '/', bytes: 10 })] });
  try {
    return buildTimeline(store, FILE, options).narrative;
  } finally {
    store.close();
  }
}

describe('analysis: narrative', () => {
  it('says so when nobody requested the target', async () => {
    assert.equal(await narrativeOf([]), `No request for ${FILE} was found in this case.`);
  });

  it('says so when requests got no content (one and many)', async () => {
    assert.equal(
      await narrativeOf([at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: FILE, status: 404, bytes: 10 })]),
      `No downloads of ${FILE}: the only request for it received no content.`,
    );
    assert.equal(
      await narrativeOf([
        at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: FILE, status: 404, bytes: 10 }),
        at('2026-09-20T09:01:00Z', { ip: '192.0.2.1', method: 'HEAD', path: FILE, status: 200, bytes: 0 }),
      ]),
      `No downloads of ${FILE}: none of the 2 requests for it received content.`,
    );
  });

  it('uses the singular for one download, client and network', async () => {
    assert.equal(
      await narrativeOf([at('2026-09-20T09:01:00Z', { ip: '203.0.113.5', path: FILE, bytes: 100 })]),
      `1 download of ${FILE} on 20 Sep 2026 09:01 UTC (complete) by 1 client in 1 network.`,
    );
    assert.equal(
      await narrativeOf([
        at('2026-09-20T09:01:00Z', { ip: '203.0.113.5', path: FILE, status: 206, bytes: 40 }),
        at('2026-09-20T09:05:00Z', { ip: '203.0.113.5', path: FILE, status: 206, bytes: 40 }),
        at('2026-09-20T07:00:00Z', { ip: '192.0.2.1', method: 'HEAD', path: FILE, status: 200, bytes: 0 }),
      ], { sizeBytes: 100 }),
      `1 download of ${FILE} between 20 Sep 2026 09:01 UTC and 20 Sep 2026 09:05 UTC (partial) by 1 client in 1 network.`,
    );
  });

  it('counts many downloads, networks and known networks, in the display zone', async () => {
    const dir = tempDir();
    const networks = join(dir, 'networks.csv');
    writeFileSync(networks, 'cidr,label\n198.51.100.0/25,Blue Party head office\n203.0.113.0/24,Example Press\n');
    const attributor = openAttributor({ geoDbPaths: [], networksPath: networks });
    try {
      const narrative = await narrativeOf(
        [
          at('2026-09-20T09:01:00Z', { ip: '198.51.100.5', path: FILE, bytes: 100 }),
          at('2026-09-21T09:01:00Z', { ip: '198.51.100.6', path: FILE, bytes: 100 }),
          at('2026-09-22T09:01:00Z', { ip: '203.0.113.7', path: FILE, bytes: 50 }),
          at('2026-09-23T09:01:00Z', { ip: '192.0.2.8', path: FILE, bytes: 100 }),
          at('2026-10-30T10:00:00Z', { ip: '192.0.2.8', path: FILE, status: 410, bytes: 10 }),
        ],
        { attributor, timeZone: 'Europe/London' },
      );
      assert.equal(
        narrative,
        `4 downloads of ${FILE} between 20 Sep 2026 10:01 +01:00 and 23 Sep 2026 10:01 +01:00 (3 complete, 1 partial) by 4 clients in 3 networks; ` +
          '3 from known networks: Blue Party head office and Example Press; it was refused from 30 Oct 2026 10:00 +00:00 (HTTP 410).',
      );
    } finally {
      attributor.close();
    }
  });
});
