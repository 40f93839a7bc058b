/**
 * A pack made with GeoIP/ASN databases (the MaxMind test databases from the corpora) records
 * each database's file, sha256, type and build date in provenance.json, and the attribution
 * appears under ECS names in events.jsonl and in downloads.csv.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CaseStore, ingestPaths, openAttributor, verifyEvidencePack, writeEvidencePack } from '@logwitness/core';
import { corpus, tempDir } from '../helpers';

const TARGET = '/exports/payroll.xlsx';

describe('evidence pack: attribution and its provenance', function () {
  this.timeout(30_000);

  it('records the databases and writes ECS attribution fields', async function () {
    const asnDb = corpus('maxmind-MaxMind-DB/test-data/GeoLite2-ASN-Test.mmdb');
    const cityDb = corpus('maxmind-MaxMind-DB/test-data/GeoIP2-City-Test.mmdb');
    if (asnDb === null || cityDb === null) return this.skip();
    const dir = tempDir();
    const log = join(dir, 'access.log');
    writeFileSync(log, [
      `1.128.0.5 - - [10/Feb/2026:09:00:00 +0100] "GET ${TARGET} HTTP/1.1" 200 9000 "-" "Mozilla/5.0"`,
      `214.78.120.9 - - [10/Feb/2026:09:30:00 +0100] "GET ${TARGET} HTTP/1.1" 200 9000 "-" "curl/8.5.0"`,
      `214.78.120.9 - - [11/Feb/2026:09:30:00 +0100] "GET ${TARGET} HTTP/1.1" 410 0 "-" "curl/8.5.0"`,
    ].join('\n') + '\n');
    const networks = join(dir, 'networks.csv');
    writeFileSync(networks, 'cidr,label\n214.78.120.0/24,Example Corp VPN gateway\n');
    const store = CaseStore.open(join(dir, 'case.sqlite'));
    const attributor = openAttributor({ geoDbPaths: [asnDb, cityDb], networksPath: networks });
    try {
      await ingestPaths(store, [log]);
      const { path } = await writeEvidencePack(store, TARGET, { out: join(dir, 'pack'), attributor });
      const provenance = JSON.parse(readFileSync(join(path, 'provenance.json'), 'utf8'));
      const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
      const databases = provenance.geoDatabases as { file: string; sha256: string; databaseType: string; buildDate: string }[];
      assert.deepEqual(databases.map((db) => db.sha256).sort(), [sha(asnDb), sha(cityDb)].sort());
      assert.deepEqual(databases.map((db) => db.databaseType).sort(), ['GeoIP2-City', 'GeoLite2-ASN']);
      for (const db of databases) assert.match(db.buildDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      assert.deepEqual(provenance.knownNetworks, { file: networks, sha256: sha(networks) });

      const events = readFileSync(join(path, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const telstra = events.find((e) => e['source.ip'] === '1.128.0.5')!;
      assert.equal(telstra['source.as.number'], 1221);
      assert.equal(telstra['source.as.organization.name'], 'Telstra Pty Ltd');
      assert.equal(telstra['@timestamp'], '2026-02-10T08:00:00.000Z');
      assert.equal(telstra.datetime, telstra['@timestamp']);
      assert.equal(telstra.timestamp_desc, 'Request Time');
      assert.equal(telstra['http.response.status_code'], 200);
      assert.equal(telstra['url.path'], TARGET);
      assert.match(String(telstra.message), /^1\.128\.0\.5 GET \/exports\/payroll\.xlsx -> 200/);
      const sanDiego = events.find((e) => e['source.ip'] === '214.78.120.9' && e['http.response.status_code'] === 200)!;
      assert.equal(sanDiego['source.geo.country_iso_code'], 'US');
      assert.equal(sanDiego['source.geo.city_name'], 'San Diego');

      const downloads = parse(readFileSync(join(path, 'downloads.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      // The City test database also carries an ASN for 214.78.120.0/22 (traits.autonomous_system_number).
      assert.deepEqual(downloads.map((d) => [d.client_ip, d.asn, d.country, d.known_network]), [['1.128.0.5', '1221', '', ''], ['214.78.120.9', '721', 'US', 'Example Corp VPN gateway']]);
      assert.equal(sanDiego['logwitness.known_network'], 'Example Corp VPN gateway');
      const methodology = readFileSync(join(path, 'methodology.md'), 'utf8');
      for (const db of databases) assert.ok(methodology.includes(db.sha256), 'methodology names each database by hash');

      // The receiver may not hold the databases: re-analysis from the logs alone still confirms the findings.
      const verified = await verifyEvidencePack(path, { logs: [log] });
      assert.deepEqual(verified.problems, []);
      assert.equal(verified.reanalysis?.findingsMatch, true);
    } finally {
      attributor.close();
      store.close();
    }
  });
});
