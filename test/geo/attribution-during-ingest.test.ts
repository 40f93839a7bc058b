/**
 * Ingest with an attributor attributes new client addresses while it loads (each file's
 * clients commit with their attributions) and the rest after it. Whatever the path taken
 * (during the load, after it, or a mix after a crash), the stored attributions must be
 * exactly those of an ingest followed by attributeNewClients.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  attributeNewClients, CaseStore, ingestPaths, openAttributor, parseTrustedProxies, type GeoOptions, type IngestOptions,
} from '@logwitness/core';
import { FIXTURES, tempDir } from '../helpers';
import { seededRandom } from '../helpers/seeded-random';
import { clfTime } from '../robustness/robustness-helpers';

const DATED_NETWORKS = join(FIXTURES, 'geo', 'known-networks.csv');

/** Public IPv4 and IPv6 clients, some shared between files, a host name, and proxied lines. */
function writeLog(path: string, seed: number, lines: number): void {
  const random = seededRandom(seed);
  const octet = (): number => 1 + Math.floor(random() * 223);
  const shared = ['81.2.69.160', '8.8.8.8', '2a02:cf40::7', '198.51.100.200'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const pick = random();
    const ip = pick < 0.1 ? shared[i % shared.length]!
      : pick < 0.2 ? `2001:${Math.floor(random() * 0xffff).toString(16)}::${(i % 97).toString(16)}`
        : pick < 0.21 ? 'gw.example.org'
          : `${octet()}.${octet()}.${octet()}.${octet()}`;
    const forwarded = i % 50 === 0 ? `"${octet()}.${octet()}.1.1"` : '"-"';
    out.push(`${ip} - - [${clfTime(Date.UTC(2024, 5, 1) + i * 1000)}] "GET /f/${i % 40} HTTP/1.1" 200 ${i} "-" "agent" ${forwarded}`);
  }
  writeFileSync(path, out.join('\n') + '\n');
}

/** The stored attributions by address and period, without the time they were made. */
function attributionsOf(store: CaseStore): unknown[] {
  return store.db
    .prepare(`SELECT i.ip, a.* FROM attributions a JOIN ips i ON i.id = a.ip_id ORDER BY i.ip, a.period_from_ms`)
    .all()
    .map((row) => {
      const { attributed_at_ms: _, ip_id: __, ...rest } = row as Record<string, unknown>;
      return rest;
    });
}

describe('geo: attribution during ingest', function () {
  this.timeout(120_000);
  let dir: string;
  let files: string[];

  before(function () {
    dir = tempDir();
    // The first file spans several batches (about 1 MiB each), so the load has turns to attribute in.
    files = [1, 2, 3].map((n) => join(dir, `access-${n}.log`));
    files.forEach((path, i) => writeLog(path, 40 + i, i === 0 ? 15_000 : 3_000));
  });

  /** Ingest in two runs (the second adds a file and repeats one), attributing after the ingest. */
  async function reference(geo: GeoOptions, options: IngestOptions): Promise<{ rows: unknown[]; attributed: number }> {
    const store = CaseStore.open(join(tempDir(), 'after.sqlite'));
    try {
      await ingestPaths(store, files.slice(0, 2), options);
      let attributed = attributeNewClients(store, geo).attributed;
      await ingestPaths(store, files.slice(1), options);
      attributed += attributeNewClients(store, geo).attributed;
      return { rows: attributionsOf(store), attributed };
    } finally {
      store.close();
    }
  }

  const cases: { name: string; geo: () => GeoOptions; options: IngestOptions }[] = [
    { name: 'embedded databases and an undated networks file', geo: () => ({ networksPath: undatedNetworks() }), options: {} },
    { name: 'dated networks (attributed by period, after the load)', geo: () => ({ networksPath: DATED_NETWORKS }), options: {} },
    { name: 'trusted proxies (addresses may be proxies: after the load)', geo: () => ({}), options: { trustedProxies: parseTrustedProxies(['0.0.0.0/0']) } },
  ];

  function undatedNetworks(): string {
    const path = join(dir, 'networks.csv');
    writeFileSync(path, 'cidr,label,source,valid_from,valid_to\n81.2.69.0/24,Rival Ltd,contract annex B,,\n2001::/16,Lab block,notes,,\n');
    return path;
  }

  for (const { name, geo, options } of cases) {
    it(`stores the attributions of an ingest followed by attributeNewClients: ${name}`, async function () {
      const expected = await reference(geo(), { ...options, parseWorker: 'always' });
      assert.ok(expected.rows.length > 15_000, `${expected.rows.length} attributions to compare`);
      const attributor = openAttributor(geo());
      const store = CaseStore.open(join(tempDir(), 'during.sqlite'));
      try {
        const first = await ingestPaths(store, files.slice(0, 2), { ...options, parseWorker: 'always', attributor });
        const second = await ingestPaths(store, files.slice(1), { ...options, parseWorker: 'always', attributor });
        assert.equal(first.attribution!.attributed + second.attribution!.attributed, expected.attributed);
        assert.deepEqual(attributionsOf(store), expected.rows);
        assert.equal(attributeNewClients(store, {}, attributor).attributed, 0, 'nothing left to attribute');
      } finally {
        store.close();
        attributor.close();
      }
    });
  }

  it('leaves nothing of a file refused halfway, and attributes the next file right (ids handed out again)', async function () {
    const geo = { networksPath: undatedNetworks() };
    const expectedStore = CaseStore.open(join(tempDir(), 'expected.sqlite'));
    let expected: unknown[];
    try {
      await ingestPaths(expectedStore, [files[0]!, files[2]!], { parseWorker: 'always' });
      attributeNewClients(expectedStore, geo);
      expected = attributionsOf(expectedStore);
    } finally {
      expectedStore.close();
    }
    const changing = join(tempDir(), 'changing.log');
    writeLog(changing, 99, 15_000);
    const attributor = openAttributor(geo);
    const store = CaseStore.open(join(tempDir(), 'refused.sqlite'));
    try {
      let appended = false;
      const result = await ingestPaths(store, [files[0]!, changing, files[2]!], {
        parseWorker: 'always',
        attributor,
        onProgress: (progress) => {
          if (progress.fileIndex !== 1 || appended) return;
          appended = true;
          writeFileSync(changing, '8.8.4.4 - - [01/Jun/2024:10:00:00 +0000] "GET /late HTTP/1.1" 200 1 "-" "agent" "-"\n', { flag: 'a' });
        },
      });
      assert.deepEqual(result.files.map((file) => file.status), ['complete', 'refused', 'complete']);
      assert.deepEqual(attributionsOf(store), expected);
    } finally {
      store.close();
      attributor.close();
    }
  });

  it("commits each file's new clients with their attributions, so a crash in a later file keeps them", async function () {
    const geo = { networksPath: undatedNetworks() };
    const expected = await reference(geo, { parseWorker: 'always' });
    const attributor = openAttributor(geo);
    const casePath = join(tempDir(), 'crash.sqlite');
    let store = CaseStore.open(casePath);
    try {
      await assert.rejects(
        ingestPaths(store, files, {
          parseWorker: 'always',
          attributor,
          onProgress: (progress) => {
            if (progress.fileIndex === 1) throw new Error('simulated crash in the second file');
          },
        }),
        /simulated crash/,
      );
      store.close();
      store = CaseStore.open(casePath);
      const unattributed = store.db
        .prepare('SELECT count(*) AS n FROM ips i WHERE NOT EXISTS (SELECT 1 FROM attributions a WHERE a.ip_id = i.id)')
        .get() as { n: number };
      assert.equal(store.listSources().length, 1);
      assert.equal(unattributed.n, 0, 'every client of the committed file has its attribution');
      assert.ok(attributionsOf(store).length > 10_000);
      // The re-run completes the case; the result is the reference's.
      await ingestPaths(store, files, { parseWorker: 'always', attributor });
      assert.deepEqual(attributionsOf(store), expected.rows);
    } finally {
      store.close();
      attributor.close();
    }
  });
});
