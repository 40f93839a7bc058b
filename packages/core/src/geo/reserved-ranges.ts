/**
 * Address ranges that do not belong to any organisation on the public internet (IANA IPv4
 * and IPv6 Special-Purpose Address Registries, RFC 6890 and successors). Attribution labels
 * them instead of looking them up: a GeoIP answer for 10.1.2.3 would be meaningless.
 */
import { parseCidr, type ParsedCidr, type ParsedIp } from './ip-address';
import { PrefixTable } from './prefix-table';

/** [CIDR, label, reference]. Labels are the values of Attribution.reserved. */
const RESERVED_BLOCKS: readonly (readonly [string, string, string])[] = [
  ['0.0.0.0/8', 'unspecified', 'RFC 791 "this network"'],
  ['10.0.0.0/8', 'private', 'RFC 1918'],
  ['100.64.0.0/10', 'cgnat', 'RFC 6598 shared address space'],
  ['127.0.0.0/8', 'loopback', 'RFC 1122'],
  ['169.254.0.0/16', 'link-local', 'RFC 3927'],
  ['172.16.0.0/12', 'private', 'RFC 1918'],
  ['192.0.0.0/24', 'protocol-assignments', 'RFC 6890'],
  ['192.0.2.0/24', 'documentation', 'RFC 5737 TEST-NET-1'],
  ['192.168.0.0/16', 'private', 'RFC 1918'],
  ['198.18.0.0/15', 'benchmarking', 'RFC 2544'],
  ['198.51.100.0/24', 'documentation', 'RFC 5737 TEST-NET-2'],
  ['203.0.113.0/24', 'documentation', 'RFC 5737 TEST-NET-3'],
  ['224.0.0.0/4', 'multicast', 'RFC 5771'],
  ['240.0.0.0/4', 'reserved', 'RFC 1112'],
  ['255.255.255.255/32', 'broadcast', 'RFC 919'],
  ['::/128', 'unspecified', 'RFC 4291'],
  ['::1/128', 'loopback', 'RFC 4291'],
  ['100::/64', 'discard-only', 'RFC 6666'],
  ['2001:2::/48', 'benchmarking', 'RFC 5180'],
  ['2001:db8::/32', 'documentation', 'RFC 3849'],
  ['3fff::/20', 'documentation', 'RFC 9637'],
  ['fc00::/7', 'private', 'RFC 4193 unique local'],
  ['fe80::/10', 'link-local', 'RFC 4291'],
  ['fec0::/10', 'private', 'RFC 3879 deprecated site-local'],
  ['ff00::/8', 'multicast', 'RFC 4291'],
];

const TABLE = new PrefixTable<string>();
for (const [cidr, label] of RESERVED_BLOCKS) TABLE.insert(parseCidr(cidr) as ParsedCidr, label);

/** The reserved-range label of an address ("private", "loopback", "cgnat"...), or null for public addresses. */
export function reservedRangeOf(address: ParsedIp): string | null {
  return TABLE.match(address);
}

/** The table itself, for documentation and tests. */
export const RESERVED_RANGES: readonly { readonly cidr: string; readonly label: string; readonly reference: string }[] = RESERVED_BLOCKS.map(
  ([cidr, label, reference]) => ({ cidr, label, reference }),
);
