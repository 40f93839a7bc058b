/**
 * What kind of data an MMDB holds, read from its `database_type` metadata. The kind decides
 * precedence when several databases answer the same field (a City database's country beats a
 * Country database's, an ISP database's ASN beats an ASN database's) and how absent values
 * read (an Anonymous-IP record without `is_tor_exit_node` means "not a Tor exit").
 */
export type MmdbKind = 'enterprise' | 'city' | 'country' | 'isp' | 'asn' | 'anonymous-ip' | 'connection-type' | 'other';

/** Lower wins when two databases supply the same field. */
export const KIND_PRECEDENCE: Readonly<Record<MmdbKind, number>> = {
  enterprise: 0,
  city: 1,
  country: 2,
  isp: 3,
  asn: 4,
  'anonymous-ip': 5,
  'connection-type': 6,
  other: 7,
};

/**
 * Kind of a database from its type name. Covers MaxMind (GeoIP2-City, GeoLite2-ASN,
 * GeoIP2-Anonymous-IP...), DB-IP (dbip-city-lite, DBIP-ASN-Lite...) and ip-location-db
 * (geo-whois-asn-country, asn...) names; anything else is "other" and is still read by shape.
 */
export function mmdbKindOf(databaseType: string): MmdbKind {
  const type = databaseType.toLowerCase();
  if (type.includes('anonymous')) return 'anonymous-ip';
  if (type.includes('connection-type')) return 'connection-type';
  if (type.includes('enterprise')) return 'enterprise';
  if (type.includes('city')) return 'city';
  if (type.includes('country')) return 'country';
  if (type.includes('isp')) return 'isp';
  if (type.includes('asn')) return 'asn';
  return 'other';
}
