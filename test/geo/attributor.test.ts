import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  attributeNewClients, CaseStore, embeddedDatabases, enrichCase, GeoDataError, ingestPaths, openAttributor,
  openCaseAttributor, openMmdbFile, SNAPSHOT_DRIFT_WARNING_MS,
} from '@logwitness/core';
import { FIXTURES, runCli, tempDir } from '../helpers';
import { asnRecord, cityRecord, DAY_MS, writeTestMmdb } from './geo-test-helpers';

const NETWORKS = join(FIXTURES, 'geo', 'known-networks.csv');
const JAN_2019 = Date.UTC(2019, 0, 1);
const JAN_2021 = Date.UTC(2021, 0, 1);
const JAN_2023 = Date.UTC(2023, 0, 1);

describe('geo: attributor', function () {
  let dir: string;
  let city: string;
  let asn: string;
  let snapshots: string;

  before(function () {
    dir = tempDir();
    city = writeTestMmdb(dir, 'city.mmdb', 'GeoIP2-City', JAN_2023, [
      { cidr: '81.2.69.0/24', record: cityRecord('GB', 'United Kingdom', 'London', 51.5, -0.12) },
      { cidr: '2a02:cf40::/32', record: cityRecord('DE', 'Germany', 'Berlin', 52.52, 13.4) },
    ]);
    asn = writeTestMmdb(dir, 'asn.mmdb', 'GeoLite2-ASN', JAN_2023, [
      // ASN records carrying a country too: a City database must still win that field.
      { cidr: '81.2.69.0/24', record: { ...(asnRecord(64500, 'Rival Transit Ltd') as object), country: { iso_code: 'FR', names: { en: 'France' } } } },
      { cidr: '175.16.199.0/24', record: { ...(asnRecord(64501, 'Other Net') as object), country: { iso_code: 'CN', names: { en: 'China' } } } },
    ]);
    // Three dated snapshots of one ASN database: the network changed hands in 2021.
    snapshots = join(dir, 'asn-history');
    mkdirSync(join(snapshots, '2021'), { recursive: true });
    writeTestMmdb(snapshots, 'GeoLite2-ASN-2019.mmdb', 'GeoLite2-ASN', JAN_2019, [{ cidr: '81.2.69.0/24', record: asnRecord(64510, 'First Owner Inc') }]);
    writeTestMmdb(join(snapshots, '2021'), 'GeoLite2-ASN-2021.mmdb', 'GeoLite2-ASN', JAN_2021, [{ cidr: '81.2.69.0/24', record: asnRecord(64520, 'Second Owner plc') }]);
    const newest = writeTestMmdb(dir, 'GeoLite2-ASN-2023.mmdb', 'GeoLite2-ASN', JAN_2023, [{ cidr: '81.2.69.0/24', record: asnRecord(64530, 'Third Owner AG') }]);
    writeFileSync(join(snapshots, 'GeoLite2-ASN-2023.mmdb.gz'), gzipSync(require('node:fs').readFileSync(newest)));
    writeFileSync(join(snapshots, 'notes.txt'), 'not a database');
  });

  it('combines databases, each field naming the database that answered it', function () {
    const attributor = openAttributor({ geoDbPaths: [asn, city] });
    const a = attributor.attribute('81.2.69.7');
    assert.equal(a.countryCode, 'GB');
    assert.equal(a.city, 'London');
    assert.equal(a.asn, 64500);
    assert.equal(a.asOrg, 'Rival Transit Ltd');
    const byType = Object.fromEntries(a.provenance.map((source) => [source.database.databaseType, source.fields]));
    assert.deepEqual(byType['GeoIP2-City'], ['countryCode', 'countryName', 'city', 'latitude', 'longitude', 'accuracyRadiusKm']);
    assert.deepEqual(byType['GeoLite2-ASN'], ['asn', 'asOrg']);
    const cityInfo = a.provenance.find((source) => source.database.databaseType === 'GeoIP2-City')!.database;
    assert.equal(cityInfo.file, city);
    assert.equal(cityInfo.buildEpochMs, JAN_2023);
    assert.match(cityInfo.sha256, /^[0-9a-f]{64}$/);
    assert.equal(attributor.databases().length, 2);
  });

  it('a City database wins the country over an ASN database that also has one; the other fills the gaps', function () {
    const attributor = openAttributor({ geoDbPaths: [asn, city] });
    const both = attributor.attribute('81.2.69.7');
    assert.equal(both.countryCode, 'GB', 'City beats the ASN database for the country, whatever the order given');
    const asnOnly = attributor.attribute('175.16.199.3');
    assert.equal(asnOnly.countryCode, 'CN', 'where the City database has nothing, the ASN database answers');
    assert.equal(asnOnly.city, null);
    assert.deepEqual(asnOnly.provenance.map((source) => source.database.databaseType), ['GeoLite2-ASN']);
    const v6 = attributor.attribute('2a02:cf40::1');
    assert.equal(v6.city, 'Berlin');
    assert.equal(v6.asn, null);
  });

  it('reserved and documentation ranges are labelled, not looked up', function () {
    const attributor = openAttributor({ geoDbPaths: [asn, city] });
    for (const [ip, label] of [['198.51.100.7', 'documentation'], ['10.1.1.1', 'private'], ['100.64.0.9', 'cgnat'], ['fe80::1', 'link-local'], ['::1', 'loopback']]) {
      const a = attributor.attribute(ip!);
      assert.equal(a.reserved, label, ip);
      assert.equal(a.countryCode, null);
      assert.deepEqual(a.provenance, []);
    }
  });

  it('IPv4-mapped IPv6 resolves like IPv4; host names are "not an IP address"', function () {
    const attributor = openAttributor({ geoDbPaths: [asn, city] });
    const mapped = attributor.attribute('::ffff:81.2.69.7');
    assert.equal(mapped.ip, '::ffff:81.2.69.7', 'the address is reported as logged');
    assert.equal(mapped.asn, 64500);
    assert.equal(mapped.city, 'London');
    const name = attributor.attribute('piweba3y.prodigy.com');
    assert.equal(name.reserved, 'not an IP address');
    assert.equal(name.asn, null);
    assert.deepEqual(name.provenance, []);
  });

  it('known-network labels apply to reserved and public addresses alike', function () {
    const attributor = openAttributor({ geoDbPaths: [asn, city], networksPath: NETWORKS });
    const office = attributor.attribute('198.51.100.130');
    assert.equal(office.network, 'Rival Ltd head office');
    assert.equal(office.networkCidr, '198.51.100.128/25');
    assert.match(office.networkSource!, /known-networks\.csv:4 \(contract annex B\)$/);
    assert.equal(office.reserved, 'documentation');
    const branch = attributor.attribute('81.2.69.200');
    assert.equal(branch.network, 'Rival Ltd branch (public block)');
    assert.equal(branch.asn, 64500, 'the databases still answer');
    assert.equal(branch.city, 'London');
    assert.equal(attributor.attribute('81.2.69.7').network, null);
    const vpn = attributor.attribute('10.20.3.4');
    assert.equal(vpn.reserved, 'private');
    assert.equal(vpn.network, 'Our VPN pool');
    assert.equal(attributor.networksFile()!.path, NETWORKS);
  });

  it('historical: each event uses the snapshot built nearest before it (folder of snapshots, .gz included)', function () {
    const attributor = openAttributor({ geoDbPaths: [snapshots] });
    assert.equal(attributor.databases().length, 3, 'notes.txt is not a database');
    const at = (timeMs: number | null): number | null => attributor.attribute('81.2.69.7', timeMs).asn;
    assert.equal(at(Date.UTC(2020, 5, 1)), 64510);
    assert.equal(at(JAN_2021 - 1), 64510);
    assert.equal(at(JAN_2021), 64520);
    assert.equal(at(Date.UTC(2022, 5, 1)), 64520);
    assert.equal(at(Date.UTC(2024, 5, 1)), 64530);
    assert.equal(at(Date.UTC(2015, 0, 1)), 64510, 'before every snapshot: the oldest');
    assert.equal(at(null), 64530, 'no time: the newest');
    const provenance = attributor.attribute('81.2.69.7', Date.UTC(2022, 0, 1)).provenance[0]!.database;
    assert.match(provenance.file, /GeoLite2-ASN-2021\.mmdb$/);
    assert.equal(provenance.buildEpochMs, JAN_2021);
  });

  it('warns when the only database is far from the events, not when a snapshot is close', function () {
    const single = openAttributor({ geoDbPaths: [asn] });
    const warnings = single.warningsFor(Date.UTC(2011, 2, 2), Date.UTC(2011, 4, 1));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^GeoLite2-ASN data built 2023-01-01 \(.*asn\.mmdb\); events from 2011-03-02: ownership of these networks may have changed$/);
    assert.deepEqual(single.warningsFor(JAN_2023 + 10 * DAY_MS, JAN_2023 + 20 * DAY_MS), []);
    assert.match(single.warningsFor(JAN_2023 + SNAPSHOT_DRIFT_WARNING_MS + 10 * DAY_MS, JAN_2023 + SNAPSHOT_DRIFT_WARNING_MS + 20 * DAY_MS)[0]!, /events until/);
    const history = openAttributor({ geoDbPaths: [snapshots] });
    assert.deepEqual(history.warningsFor(JAN_2019 + DAY_MS, Date.UTC(2023, 3, 1)), [], 'each event has a snapshot close before it');
    assert.match(openAttributor({ geoDbPaths: [snapshots] }).warningsFor(Date.UTC(2011, 0, 1), Date.UTC(2011, 1, 1))[0]!, /built 2019-01-01/);
  });

  it('refuses what it cannot trust, naming the file', function () {
    const garbage = join(dir, 'garbage.mmdb');
    writeFileSync(garbage, 'this is not a database');
    const check = (paths: string[], message: RegExp): void => {
      assert.throws(() => openAttributor({ geoDbPaths: paths }), (error: unknown) => error instanceof GeoDataError && message.test(error.message));
    };
    check([garbage], /garbage\.mmdb is not a usable MaxMind DB \(MMDB\) file/);
    check([join(dir, 'missing.mmdb')], /missing\.mmdb: file not found/);
    const empty = join(dir, 'empty-folder');
    mkdirSync(empty);
    check([empty], /empty-folder holds no \.mmdb/);
    const twin = join(dir, 'twin');
    mkdirSync(twin);
    copyFileSync(asn, join(twin, 'a.mmdb'));
    writeTestMmdb(twin, 'b.mmdb', 'GeoLite2-ASN', JAN_2023, [{ cidr: '81.2.69.0/24', record: asnRecord(1, 'different') }]);
    check([twin], /both GeoLite2-ASN built 2023-01-01.* but their contents differ/);
    assert.throws(() => openMmdbFile(asn, { expectedSha256: '0'.repeat(64) }), /not the 0{64} recorded for it/);
  });

  it('embedded defaults answer offline, pinned by sha256: 8.8.8.8 is AS15169 Google, US', function () {
    const embedded = embeddedDatabases();
    assert.equal(embedded.length, 2, 'country and ASN are shipped in @logwitness/geo-data');
    const attributor = openAttributor({});
    const google = attributor.attribute('8.8.8.8');
    assert.equal(google.asn, 15169);
    assert.match(google.asOrg!, /Google/);
    assert.equal(google.countryCode, 'US');
    assert.equal(google.countryName, 'United States');
    assert.equal(attributor.attribute('2606:4700:4700::1111').asn, 13335);
    assert.deepEqual(attributor.databases().map((d) => d.sha256).sort(), embedded.map((d) => d.sha256).sort());
    const cli = runCli(['geo', '8.8.8.8', '--json']);
    assert.equal(cli.status, 0, cli.stderr);
    const json = JSON.parse(cli.stdout);
    assert.equal(json.addresses[0].asn, 15169, 'npx logwitness geo 8.8.8.8 works with nothing but the repository');
    assert.equal(json.dataNotices.length, 2, 'the licences of the embedded data ask for attribution wherever results are shown');
    assert.ok(json.dataNotices.some((notice: { attribution: string }) => /DB-IP/.test(notice.attribution)));
  });

  it('stores attributions in the case once per address, re-runs them only on enrich, and reads them back', async function () {
    const caseDir = tempDir();
    const store = CaseStore.open(join(caseDir, 'case.sqlite'));
    try {
      const log = join(caseDir, 'access.log');
      writeFileSync(log, [
        '81.2.69.7 - - [01/Jun/2020:10:00:00 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
        '81.2.69.7 - - [01/Jun/2022:10:00:00 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
        '10.20.1.1 - - [01/Jun/2022:10:00:01 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
        'gw.example.org - - [01/Jun/2022:10:00:02 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
      ].join('\n') + '\n');
      await ingestPaths(store, [log], {});
      const first = attributeNewClients(store, { geoDbPaths: [snapshots], networksPath: NETWORKS });
      // Periods: snapshot boundaries (2021, 2023) and the dated networks row (2024-01-01, 2025-01-01).
      assert.equal(first.periods, 5);
      assert.equal(first.attributed, 4, '198.51.100.7 in two periods, the VPN address and the host name once each');
      assert.equal(attributeNewClients(store, { geoDbPaths: [snapshots] }).attributed, 0, 'nothing new: nothing redone');

      const reader = openCaseAttributor(store, {});
      assert.equal(reader.attribute('81.2.69.7', Date.UTC(2020, 5, 1, 10)).asn, 64510);
      assert.equal(reader.attribute('81.2.69.7', Date.UTC(2022, 5, 1, 10)).asn, 64520);
      assert.equal(reader.attribute('10.20.1.1', Date.UTC(2022, 5, 1, 10)).network, 'Our VPN pool');
      assert.equal(reader.attribute('gw.example.org', Date.UTC(2022, 5, 1, 10)).reserved, 'not an IP address');
      const stored = reader.attribute('81.2.69.7', Date.UTC(2022, 5, 1, 10)).provenance[0]!.database;
      assert.match(stored.file, /GeoLite2-ASN-2021\.mmdb$/);
      assert.equal(stored.buildEpochMs, JAN_2021);
      assert.equal(reader.networksFile()!.path, NETWORKS);
      assert.ok(reader.databases().length >= 2);

      const redone = enrichCase(store, { geoDbPaths: [asn] });
      assert.equal(redone.periods, 1);
      assert.equal(redone.attributed, 3);
      const after = openCaseAttributor(store, {});
      assert.equal(after.attribute('81.2.69.7', Date.UTC(2020, 5, 1, 10)).asn, 64500, 'enrich replaced the stored attributions');
      assert.equal(after.attribute('10.20.1.1', null).network, null, 'no networks file this time');
      assert.match(after.warningsFor(Date.UTC(2020, 5, 1), Date.UTC(2022, 5, 1))[0]!, /GeoLite2-ASN data built 2023-01-01/);

      // New addresses attributed with another database set: said, not hidden.
      const more = join(caseDir, 'more.log');
      writeFileSync(more, '81.2.69.8 - - [01/Jun/2022:11:00:00 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"\n');
      await ingestPaths(store, [more], {});
      const mixed = attributeNewClients(store, { geoDbPaths: [city] });
      assert.equal(mixed.attributed, 1);
      assert.ok(mixed.warnings.some((warning) => /attributed with other databases before/.test(warning)), mixed.warnings.join('\n'));
      assert.equal(openCaseAttributor(store, {}).attribute('81.2.69.8', null).city, 'London');
    } finally {
      store.close();
    }
  });

  it('ingest attributes each new client once; enrich --json reports what it redid', function () {
    const caseDir = tempDir();
    const casePath = join(caseDir, 'case.sqlite');
    const log = join(caseDir, 'access.log');
    writeFileSync(log, [
      '81.2.69.7 - - [01/Jun/2022:10:00:00 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
      '81.2.69.7 - - [01/Jun/2022:10:00:01 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
      '10.20.1.1 - - [01/Jun/2022:10:00:02 +0000] "GET /f HTTP/1.1" 200 5 "-" "a"',
    ].join('\n') + '\n');
    const ingest = runCli(['ingest', log, '--case', casePath, '--geo-db', city, '--networks', NETWORKS]);
    assert.equal(ingest.status, 0, ingest.stderr);
    assert.match(ingest.stderr, /2 new client addresses attributed with 1 database\(s\)/);
    const stored = JSON.parse(runCli(['sql', 'SELECT ip, city, network FROM attribution_view ORDER BY ip', '--case', casePath, '--json']).stdout);
    assert.deepEqual(stored, [{ ip: '10.20.1.1', city: null, network: 'Our VPN pool' }, { ip: '81.2.69.7', city: 'London', network: null }]);
    const enrich = runCli(['enrich', '--case', casePath, '--geo-db', asn, '--json']);
    assert.equal(enrich.status, 0, enrich.stderr);
    const json = JSON.parse(enrich.stdout);
    assert.equal(json.attributed, 2);
    assert.deepEqual(json.databases.map((d: { databaseType: string }) => d.databaseType), ['GeoLite2-ASN']);
    assert.equal(json.networksFile, null);
    const after = JSON.parse(runCli(['sql', 'SELECT ip, asn, city, network FROM attribution_view ORDER BY ip', '--case', casePath, '--json']).stdout);
    assert.deepEqual(after, [{ ip: '10.20.1.1', asn: null, city: null, network: null }, { ip: '81.2.69.7', asn: 64500, city: null, network: null }]);
    const databases = JSON.parse(runCli(['sql', 'SELECT database_type FROM geo_databases', '--case', casePath, '--json']).stdout);
    assert.deepEqual(databases, [{ database_type: 'GeoLite2-ASN' }], 'the case lists only what its attributions were made with');
  });

  it('geo --json names every database with type, build date and sha256', function () {
    const result = runCli(['geo', '81.2.69.200', '::ffff:81.2.69.7', 'not-an-ip', '--geo-db', city, '--geo-db', asn, '--networks', NETWORKS, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.addresses.length, 3);
    assert.equal(json.addresses[0].network, 'Rival Ltd branch (public block)');
    assert.equal(json.addresses[1].city, 'London');
    assert.equal(json.addresses[2].reserved, 'not an IP address');
    assert.deepEqual(json.addresses[0].provenance.map((p: { databaseType: string }) => p.databaseType), ['GeoIP2-City', 'GeoLite2-ASN']);
    assert.equal(json.addresses[0].provenance[0].buildEpoch, '2023-01-01T00:00:00.000Z');
    assert.equal(json.databases.length, 2);
    assert.match(json.networksFile.sha256, /^[0-9a-f]{64}$/);
    const bad = runCli(['geo', '8.8.8.8', '--geo-db', join(dir, 'missing.mmdb')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /missing\.mmdb: file not found/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });
});
