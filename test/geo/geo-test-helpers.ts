/**
 * Small MMDB files for the geo tests, written with logwitness's own writer into a temporary
 * folder. Addresses are documentation ranges so nothing here describes a real network.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MmdbWriter, type MmdbValue } from '@logwitness/core';

export interface TestNetwork {
  readonly cidr: string;
  readonly record: MmdbValue;
}

/** Write an MMDB with these networks (inserted in order) and return its path. */
export function writeTestMmdb(dir: string, name: string, databaseType: string, buildEpochMs: number, networks: readonly TestNetwork[]): string {
  const writer = new MmdbWriter({ databaseType, buildEpochMs, languages: ['en'], description: { en: `logwitness test database ${name}` } });
  for (const network of networks) writer.insert(network.cidr, network.record);
  const path = join(dir, name);
  writeFileSync(path, writer.toBuffer());
  return path;
}

/** A GeoLite2-ASN-shaped record. */
export function asnRecord(asn: number, org: string): MmdbValue {
  return { autonomous_system_number: asn, autonomous_system_organization: org };
}

/** A GeoIP2-City-shaped record. */
export function cityRecord(countryCode: string, countryName: string, city: string, latitude: number, longitude: number): MmdbValue {
  return {
    city: { names: { en: city } },
    country: { iso_code: countryCode, names: { en: countryName } },
    location: { latitude, longitude, accuracy_radius: 20 },
  };
}

export const DAY_MS = 86_400_000;
