/**
 * Turns one MMDB record, whatever its layout, into attribution fields. Layouts read:
 * - GeoIP2 / GeoLite2 / DB-IP (nested): country.iso_code, country.names.en, city.names.en,
 *   subdivisions[0].names.en, location.{latitude,longitude,accuracy_radius}, traits.*;
 * - ASN / ISP (flat): autonomous_system_number, autonomous_system_organization, isp,
 *   organization, connection_type; Anonymous-IP flags is_anonymous, is_anonymous_vpn...;
 * - ip-location-db (flat): country_code, country_name?, state1/state, city, latitude, longitude;
 * - IPinfo (flat): country (ISO code), country_name, asn ("AS15169"), as_name.
 * Absent or malformed values are null; a value of the wrong type is ignored, never trusted.
 */
import type { MmdbKind } from './mmdb-kind';

/** The attribution fields a database can answer. */
export interface AttributionFields {
  countryCode?: string;
  countryName?: string;
  subdivision?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
  accuracyRadiusKm?: number;
  asn?: number;
  asOrg?: string;
  isp?: string;
  organization?: string;
  connectionType?: string;
  isAnonymous?: boolean;
  isAnonymousVpn?: boolean;
  isHostingProvider?: boolean;
  isPublicProxy?: boolean;
  isTorExitNode?: boolean;
}

export type AttributionFieldName = keyof AttributionFields;

export const ATTRIBUTION_FIELD_NAMES: readonly AttributionFieldName[] = [
  'countryCode', 'countryName', 'subdivision', 'city', 'latitude', 'longitude', 'accuracyRadiusKm',
  'asn', 'asOrg', 'isp', 'organization', 'connectionType',
  'isAnonymous', 'isAnonymousVpn', 'isHostingProvider', 'isPublicProxy', 'isTorExitNode',
];

type Json = Record<string, unknown>;

function objectAt(value: unknown, key: string): Json | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const inner = (value as Json)[key];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Json) : null;
}

function stringAt(value: Json | null, key: string): string | undefined {
  const inner = value?.[key];
  return typeof inner === 'string' && inner !== '' ? inner : undefined;
}

function numberAt(value: Json | null, key: string): number | undefined {
  const inner = value?.[key];
  if (typeof inner === 'number' && Number.isFinite(inner)) return inner;
  if (typeof inner === 'bigint') return Number(inner);
  return undefined;
}

function booleanAt(value: Json | null, key: string): boolean | undefined {
  const inner = value?.[key];
  return typeof inner === 'boolean' ? inner : undefined;
}

/** English name of a GeoIP2 place ({names: {en}}), else its first name. */
function nameOf(place: Json | null): string | undefined {
  const names = objectAt(place, 'names');
  if (names === null) return undefined;
  const english = stringAt(names, 'en');
  if (english !== undefined) return english;
  const first = Object.values(names).find((value) => typeof value === 'string' && value !== '');
  return first as string | undefined;
}

const ANONYMOUS_FLAGS: readonly (readonly [AttributionFieldName, string])[] = [
  ['isAnonymous', 'is_anonymous'],
  ['isAnonymousVpn', 'is_anonymous_vpn'],
  ['isHostingProvider', 'is_hosting_provider'],
  ['isPublicProxy', 'is_public_proxy'],
  ['isTorExitNode', 'is_tor_exit_node'],
];

function assign<K extends AttributionFieldName>(fields: AttributionFields, key: K, value: AttributionFields[K] | undefined): void {
  if (value !== undefined && fields[key] === undefined) fields[key] = value;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

const countryNames = new Map<string, string | undefined>();

/** English name of an ISO 3166-1 alpha-2 code, or undefined for codes that are not regions. */
function countryNameOf(code: string): string | undefined {
  if (countryNames.has(code)) return countryNames.get(code);
  let name: string | undefined;
  if (/^[A-Z]{2}$/.test(code) && code !== 'ZZ') {
    try {
      name = regionNames.of(code) ?? undefined;
    } catch {
      name = undefined;
    }
  }
  countryNames.set(code, name);
  return name;
}

/** Normalise one record from a database of this kind. */
export function normaliseRecord(record: unknown, kind: MmdbKind): AttributionFields {
  const fields: AttributionFields = {};
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return fields;
  const top = record as Json;
  const country = objectAt(top, 'country');
  const traits = objectAt(top, 'traits');
  const location = objectAt(top, 'location');
  const subdivisions = Array.isArray(top.subdivisions) ? top.subdivisions : [];
  const firstSubdivision = subdivisions.length > 0 && typeof subdivisions[0] === 'object' ? (subdivisions[0] as Json) : null;

  // Nested GeoIP2 layout (MaxMind, DB-IP).
  assign(fields, 'countryCode', stringAt(country, 'iso_code'));
  assign(fields, 'countryName', nameOf(country));
  assign(fields, 'subdivision', nameOf(firstSubdivision));
  assign(fields, 'city', nameOf(objectAt(top, 'city')));
  assign(fields, 'latitude', numberAt(location, 'latitude'));
  assign(fields, 'longitude', numberAt(location, 'longitude'));
  assign(fields, 'accuracyRadiusKm', numberAt(location, 'accuracy_radius'));
  // Enterprise/City keep network ownership under traits.
  assign(fields, 'asn', numberAt(traits, 'autonomous_system_number'));
  assign(fields, 'asOrg', stringAt(traits, 'autonomous_system_organization'));
  assign(fields, 'isp', stringAt(traits, 'isp'));
  assign(fields, 'organization', stringAt(traits, 'organization'));
  assign(fields, 'connectionType', stringAt(traits, 'connection_type'));

  // Flat layouts (ASN, ISP, Connection-Type, Anonymous-IP, ip-location-db).
  assign(fields, 'asn', numberAt(top, 'autonomous_system_number'));
  assign(fields, 'asOrg', stringAt(top, 'autonomous_system_organization'));
  assign(fields, 'isp', stringAt(top, 'isp'));
  assign(fields, 'organization', stringAt(top, 'organization'));
  assign(fields, 'connectionType', stringAt(top, 'connection_type'));
  assign(fields, 'countryCode', stringAt(top, 'country_code'));
  // IPinfo: "country" is the ISO code itself, "asn" is "AS15169", "as_name" the organisation.
  if (typeof top.country === 'string') assign(fields, 'countryCode', stringAt(top, 'country'));
  const ipinfoAsn = /^AS(\d{1,10})$/i.exec(stringAt(top, 'asn') ?? '');
  if (ipinfoAsn) assign(fields, 'asn', Number(ipinfoAsn[1]));
  assign(fields, 'asOrg', stringAt(top, 'as_name'));
  assign(fields, 'countryName', stringAt(top, 'country_name'));
  assign(fields, 'subdivision', stringAt(top, 'state1') ?? stringAt(top, 'state') ?? stringAt(top, 'region'));
  if (typeof top.city === 'string') assign(fields, 'city', stringAt(top, 'city'));
  assign(fields, 'latitude', numberAt(top, 'latitude'));
  assign(fields, 'longitude', numberAt(top, 'longitude'));

  // Country-only layouts (ip-location-db) give the ISO code alone: name it in English.
  if (fields.countryCode !== undefined && fields.countryName === undefined) assign(fields, 'countryName', countryNameOf(fields.countryCode));

  for (const [field, key] of ANONYMOUS_FLAGS) {
    const value = booleanAt(top, key) ?? booleanAt(traits, key);
    // In an Anonymous-IP database a listed network without the flag does not have it.
    assign(fields, field, value ?? (kind === 'anonymous-ip' ? false : undefined));
  }
  return fields;
}
