/**
 * Elastic's integration pipelines attribute client addresses with the GeoLite2 test
 * databases; ../shared/corpora/elastic-integrations keeps their expected source.geo.* /
 * source.as.* (client.* for S3) values. With the same databases, ours must match field by
 * field, and addresses Elastic leaves without geo (private, loopback) must have none here.
 * The address of each case is parsed from the original line by the formats registered in
 * core when one of them reads it; otherwise it is taken from the expected document.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { FORMATS, openAttributor, type Attribution } from '@logwitness/core';
import { corpus } from '../helpers';

const FILES = [
  'packages/apache/data_stream/access/_dev/test/pipeline/test-access-basic.log-expected.condensed.json',
  'packages/aws/data_stream/elb_logs/_dev/test/pipeline/test-alb.log-expected.condensed.json',
  'packages/aws/data_stream/cloudfront_logs/_dev/test/pipeline/test-cloudfront.log-expected.condensed.json',
  'packages/aws/data_stream/s3access/_dev/test/pipeline/test-s3-server-access.log-expected.condensed.json',
  'packages/iis/data_stream/access/_dev/test/pipeline/test-iis-access.log-expected.condensed.json',
  'packages/iis/data_stream/access/_dev/test/pipeline/test-ipv6zone.log-expected.condensed.json',
];

/** ECS field (after "source." / "client.") -> how to read ours. */
const MAPPED: Readonly<Record<string, (a: Attribution) => unknown>> = {
  'geo.country_iso_code': (a) => a.countryCode,
  'geo.country_name': (a) => a.countryName,
  'geo.city_name': (a) => a.city,
  'geo.region_name': (a) => a.subdivision,
  'geo.location': (a) => (a.latitude === null ? null : { lat: a.latitude, lon: a.longitude }),
  'as.number': (a) => a.asn,
  'as.organization.name': (a) => a.asOrg,
};
/** ECS fields logwitness's Attribution does not model (continent, ISO region code). */
const NOT_MODELLED = new Set(['geo.continent_name', 'geo.region_iso_code']);

/** The client address as the first registered format that reads the line gives it, or null. */
function addressFromLine(line: string): { ip: string; format: string } | null {
  for (const format of FORMATS) {
    try {
      const result = format.createParser({ assumeTz: 'UTC' }).parseLine(line);
      if (result.kind === 'record') return { ip: result.record.remoteIp, format: format.name };
    } catch {
      // A parser that cannot handle this line is simply not the one.
    }
  }
  return null;
}

describe('conformance: Elastic expected geo/AS values', function () {
  it('match ours with the GeoLite2 City and ASN test databases', function () {
    const city = corpus('maxmind-MaxMind-DB/test-data/GeoLite2-City-Test.mmdb');
    const asn = corpus('maxmind-MaxMind-DB/test-data/GeoLite2-ASN-Test.mmdb');
    if (!city || !asn) return this.skip();
    const attributor = openAttributor({ geoDbPaths: [city, asn] });
    const counts = { files: 0, cases: 0, fields: 0, absent: 0, noGeo: 0, parsedByCore: 0, notModelled: 0 };
    for (const relative of FILES) {
      const file = corpus(`elastic-integrations/${relative}`);
      if (!file) continue;
      counts.files++;
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { cases: { original: string; expected: Record<string, unknown> | null }[] };
      for (const testCase of doc.cases) {
        const expected = testCase.expected;
        if (!expected) continue;
        const prefix = 'source.ip' in expected ? 'source' : 'client.ip' in expected ? 'client' : null;
        if (prefix === null) continue;
        const expectedIp = String(expected[`${prefix}.ip`]);
        const parsed = addressFromLine(testCase.original);
        if (parsed !== null && parsed.ip.replace(/%.*$/, '') === expectedIp.replace(/%.*$/, '')) counts.parsedByCore++;
        const a = attributor.attribute(parsed?.ip ?? expectedIp, Date.parse(String(expected['@timestamp'])));
        counts.cases++;
        const where = `${relative.split('/')[1]} ${expectedIp}`;
        const geoKeys = Object.keys(expected).filter((key) => key.startsWith(`${prefix}.geo.`) || key.startsWith(`${prefix}.as.`));
        for (const key of geoKeys) {
          const field = key.slice(prefix.length + 1);
          if (NOT_MODELLED.has(field)) {
            counts.notModelled++;
            continue;
          }
          const read = MAPPED[field];
          assert.ok(read, `${where}: unexpected ECS field ${key}`);
          assert.deepEqual(read(a), expected[key], `${where}: ${key}`);
          counts.fields++;
        }
        for (const key of (expected._absent as string[] | undefined) ?? []) {
          const field = key.slice(prefix.length + 1);
          if (!key.startsWith(`${prefix}.`) || !MAPPED[field]) continue;
          assert.equal(MAPPED[field]!(a), null, `${where}: ${key} is absent in Elastic's output`);
          counts.absent++;
        }
        if (geoKeys.length === 0) {
          // Elastic adds nothing for private, loopback or unknown addresses: neither do we.
          for (const [field, readField] of Object.entries(MAPPED)) assert.equal(readField(a), null, `${where}: no ${field} expected`);
          counts.noGeo++;
        }
      }
    }
    console.log(`      ${counts.files} files, ${counts.cases} cases: ${counts.fields} geo/AS fields equal, ${counts.absent} absent fields absent, ${counts.noGeo} addresses without geo, ${counts.notModelled} continent/region-code fields not modelled; ${counts.parsedByCore} addresses read by core's formats`);
    assert.ok(counts.fields >= 50, 'a real number of fields was compared');
  });
});
