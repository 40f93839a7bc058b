/**
 * Conformance with MaxMind's own test databases (../shared/corpora/maxmind-MaxMind-DB):
 * source-data/<DB>-Test.json is the exact input each test .mmdb was written from. For every
 * network in it we probe the first, middle and last address (IPv4 ones also in their
 * ::ffff:a.b.c.d form) through the Attributor and compare the normalised attribution field by
 * field with what the JSON says. Then every corrupt database must give a GeoDataError naming
 * the file, never a crash.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GeoDataError, openAttributor, openMmdbFile, parseIp, reservedRangeOf, type Attribution } from '@logwitness/core';
import { corpus } from '../helpers';

type Json = Record<string, any>;

interface Entry {
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
  readonly record: Json;
  readonly order: number;
}

/** The five the issue names, then the other layouts whose source JSON is published. */
const DATABASES = [
  'GeoLite2-ASN-Test', 'GeoIP2-City-Test', 'GeoIP2-Country-Test', 'GeoIP2-ISP-Test', 'GeoIP2-Anonymous-IP-Test',
  'GeoLite2-City-Test', 'GeoLite2-Country-Test', 'GeoIP2-Enterprise-Test', 'GeoIP2-Connection-Type-Test',
] as const;

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** "::1.2.3.0/120" is IPv4 1.2.3.0/24 in MaxMind's source files. */
function parseEntry(key: string, record: Json, order: number): Entry {
  const [address, prefixText] = key.split('/');
  let prefix = Number(prefixText);
  const embeddedV4 = /^::(\d+\.\d+\.\d+\.\d+)$/.exec(address!);
  const parsed = parseIp(embeddedV4 ? embeddedV4[1]! : address!);
  assert.ok(parsed, `network ${key} parses`);
  if (embeddedV4) prefix -= 96;
  const bits = parsed.version === 4 ? 32 : 128;
  const base = toBigInt(parsed.bytes) & ~((1n << BigInt(bits - prefix)) - 1n) & ((1n << BigInt(bits)) - 1n);
  return { version: parsed.version, base, prefix, record, order };
}

function contains(entry: Entry, version: 4 | 6, value: bigint): boolean {
  if (entry.version !== version) return false;
  const bits = version === 4 ? 32 : 128;
  return value >> BigInt(bits - entry.prefix) === entry.base >> BigInt(bits - entry.prefix);
}

function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

/** What the JSON record says, in Attribution terms (the GeoIP2 data model, read independently of core). */
function expectedFields(record: Json, anonymousDb: boolean): Partial<Attribution> {
  const traits = record.traits ?? {};
  const flag = (key: string): boolean | null => record[key] ?? traits[key] ?? (anonymousDb ? false : null);
  return {
    countryCode: record.country?.iso_code ?? null,
    countryName: record.country?.names?.en ?? null,
    subdivision: record.subdivisions?.[0]?.names?.en ?? null,
    city: record.city?.names?.en ?? null,
    latitude: record.location?.latitude ?? null,
    longitude: record.location?.longitude ?? null,
    accuracyRadiusKm: record.location?.accuracy_radius ?? null,
    asn: record.autonomous_system_number ?? traits.autonomous_system_number ?? null,
    asOrg: record.autonomous_system_organization ?? traits.autonomous_system_organization ?? null,
    isp: record.isp ?? traits.isp ?? null,
    organization: record.organization ?? traits.organization ?? null,
    connectionType: record.connection_type ?? traits.connection_type ?? null,
    isAnonymous: flag('is_anonymous'),
    isAnonymousVpn: flag('is_anonymous_vpn'),
    isHostingProvider: flag('is_hosting_provider'),
    isPublicProxy: flag('is_public_proxy'),
    isTorExitNode: flag('is_tor_exit_node'),
  };
}

describe('conformance: MaxMind test databases', function () {
  this.timeout(120_000);
  const totals = { networks: 0, probes: 0, compared: 0, fields: 0, reserved: 0 };

  for (const name of DATABASES) {
    it(`${name}: every network's first, middle and last address, IPv4 and mapped forms, field by field`, function () {
      const source = corpus(`maxmind-MaxMind-DB/source-data/${name}.json`);
      const mmdb = corpus(`maxmind-MaxMind-DB/test-data/${name}.mmdb`);
      if (!source || !mmdb) return this.skip();
      const entries = (JSON.parse(readFileSync(source, 'utf8')) as Json[]).map((item, order) => {
        const [key, record] = Object.entries(item)[0]!;
        return parseEntry(key, record as Json, order);
      });
      const attributor = openAttributor({ geoDbPaths: [mmdb] });
      const database = attributor.databases()[0]!;
      const anonymousDb = /Anonymous/.test(database.databaseType);
      let probes = 0;
      let compared = 0;
      let fields = 0;
      let reserved = 0;
      let lpmDisagreements = 0;
      for (const entry of entries) {
        const bits = entry.version === 4 ? 32 : 128;
        const size = 1n << BigInt(bits - entry.prefix);
        for (const value of new Set([entry.base, entry.base + size / 2n, entry.base + size - 1n])) {
          // Later entries override earlier ones: the answer is the last entry containing the address.
          let answer: Entry | null = null;
          let longest: Entry | null = null;
          for (const candidate of entries) {
            if (!contains(candidate, entry.version, value)) continue;
            answer = candidate;
            if (longest === null || candidate.prefix >= longest.prefix) longest = candidate;
          }
          if (answer !== longest) lpmDisagreements++;
          const address = formatAddress(entry.version, value);
          const forms = entry.version === 4 ? [address, `::ffff:${address}`] : [address];
          for (const form of forms) {
            probes++;
            const got = attributor.attribute(form);
            const label = reservedRangeOf(parseIp(form)!);
            if (label !== null) {
              // Special-purpose ranges are labelled, never looked up, whatever a database says.
              assert.equal(got.reserved, label, form);
              assert.deepEqual(got.provenance, [], form);
              reserved++;
              continue;
            }
            const expected = expectedFields(answer!.record, anonymousDb);
            for (const [field, value] of Object.entries(expected)) {
              assert.deepEqual((got as unknown as Json)[field], value, `${name} ${form} (network #${answer!.order}) ${field}`);
              fields++;
            }
            const answered = got.provenance.flatMap((source) => source.fields);
            const nonNull = Object.entries(expected).filter(([, value]) => value !== null).map(([field]) => field);
            assert.deepEqual([...answered].sort(), [...nonNull].sort(), `${form}: provenance lists exactly the answered fields`);
            if (nonNull.length > 0) assert.equal(got.provenance[0]!.database.sha256, database.sha256);
            compared++;
          }
        }
      }
      assert.equal(lpmDisagreements, 0, 'source order and specificity agree (later entries are the more specific ones)');
      assert.ok(compared > entries.length, 'most probes are public addresses that were compared');
      totals.networks += entries.length;
      totals.probes += probes;
      totals.compared += compared;
      totals.fields += fields;
      totals.reserved += reserved;
      console.log(`      ${name}: ${entries.length} networks, ${probes} probes, ${compared} compared (${fields} fields), ${reserved} reserved-range probes labelled`);
      attributor.close();
    });
  }

  it('Anonymous-IP answers {} for unlisted addresses: every flag false, not unknown', function () {
    const mmdb = corpus('maxmind-MaxMind-DB/test-data/GeoIP2-Anonymous-IP-Test.mmdb');
    if (!mmdb) return this.skip();
    const a = openAttributor({ geoDbPaths: [mmdb] }).attribute('8.8.8.8');
    assert.deepEqual([a.isAnonymous, a.isAnonymousVpn, a.isHostingProvider, a.isPublicProxy, a.isTorExitNode], [false, false, false, false, false]);
  });

  it('every other well-formed test database opens and answers', function () {
    const dir = corpus('maxmind-MaxMind-DB/test-data');
    if (!dir) return this.skip();
    const broken = /Broken|Invalid|broken/;
    let opened = 0;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.mmdb') && !broken.test(name))) {
      const database = openMmdbFile(join(dir, file));
      database.lookup('1.1.1.1');
      database.lookup('2001:db8::1');
      opened++;
    }
    console.log(`      ${opened} well-formed test databases opened and verified`);
    assert.ok(opened >= 30);
  });

  it('every corrupt database (bad-data/ and the broken test DBs) gives a GeoDataError naming the file', function () {
    const root = corpus('maxmind-MaxMind-DB');
    if (!root) return this.skip();
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.mmdb')) files.push(path);
      }
    };
    walk(join(root, 'bad-data'));
    files.push(...readdirSync(join(root, 'test-data')).filter((name) => /Broken|Invalid|broken/.test(name)).map((name) => join(root, 'test-data', name)));
    // These two are structurally valid databases: they crashed libmaxminddb by an
    // out-of-bounds read after an empty array/map at the very end of the metadata. A correct
    // reader opens them; we check that it does and answers.
    const validDespiteTheFolder = new Set(['libmaxminddb-empty-array-last-in-metadata.mmdb', 'libmaxminddb-empty-map-last-in-metadata.mmdb']);
    let refused = 0;
    let validOpened = 0;
    for (const file of files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      let outcome: unknown = null;
      try {
        const database = openMmdbFile(file);
        database.lookup('1.1.1.1');
        database.lookup('::1.1.1.1');
      } catch (error) {
        outcome = error;
      }
      if (validDespiteTheFolder.has(name)) {
        assert.equal(outcome, null, `${name} is a valid database: ${String(outcome)}`);
        validOpened++;
        continue;
      }
      assert.ok(outcome instanceof GeoDataError, `${name}: expected a GeoDataError, got ${outcome === null ? 'a working database' : String(outcome)}`);
      assert.ok(outcome.message.includes(file), `${name}: the message names the file: ${outcome.message}`);
      assert.match(outcome.message, /not a usable MaxMind DB \(MMDB\) file: \S/, `${name}: the message says what is wrong`);
      refused++;
    }
    console.log(`      ${refused} corrupt databases refused with a GeoDataError; ${validOpened} valid ones in bad-data/ opened`);
    assert.equal(refused + validOpened, files.length);
    assert.ok(refused >= 20);
  });

  after(function () {
    if (totals.networks > 0) console.log(`      total: ${totals.networks} networks, ${totals.probes} probes, ${totals.compared} compared, ${totals.fields} fields, ${totals.reserved} reserved`);
  });
});
