/**
 * Parsing of client addresses as they appear in logs. Only plain dotted-quad IPv4 and IPv6
 * (optionally bracketed, optionally with a zone id) count as addresses: old servers logged
 * host names, and forms like "127.1" or "0x7f.0.0.1" are not what a log line means by an IP.
 */
import ipaddr from 'ipaddr.js';

/** A parsed address. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is reduced to its IPv4 address. */
export interface ParsedIp {
  readonly version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
  /** The address in canonical text (IPv4 dotted quad, IPv6 RFC 5952), used for lookups. */
  readonly canonical: string;
}

/** Parse an address as logged; null when the text is not an IP address (a host name, "-", junk). */
export function parseIp(text: string): ParsedIp | null {
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value === '') return null;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(value)) {
      const v4 = ipaddr.IPv4.parse(value);
      return { version: 4, bytes: Uint8Array.from(v4.octets), canonical: v4.toString() };
    }
    if (!value.includes(':')) return null;
    const zoneAt = value.indexOf('%');
    const bare = zoneAt >= 0 ? value.slice(0, zoneAt) : value;
    if (!ipaddr.IPv6.isValid(bare)) return null;
    const v6 = ipaddr.IPv6.parse(bare);
    if (v6.isIPv4MappedAddress()) {
      const v4 = v6.toIPv4Address();
      return { version: 4, bytes: Uint8Array.from(v4.octets), canonical: v4.toString() };
    }
    return { version: 6, bytes: Uint8Array.from(v6.toByteArray()), canonical: v6.toRFC5952String() };
  } catch {
    return null;
  }
}

/** A parsed CIDR block (IPv4-mapped IPv6 blocks of /96 or longer are reduced to IPv4). */
export interface ParsedCidr {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
  /** Canonical text, e.g. "10.0.0.0/8". */
  readonly canonical: string;
}

/**
 * Parse "a.b.c.d/n" or "v6::/n" (a bare address is a /32 or /128). Host bits set below the
 * prefix are refused: "10.1.2.3/8" is more likely a typo than a network, and a label on the
 * wrong block is a wrong attribution. Returns an error message instead of throwing.
 */
export function parseCidr(text: string): ParsedCidr | string {
  const value = text.trim();
  const slash = value.indexOf('/');
  const addressText = slash >= 0 ? value.slice(0, slash) : value;
  const address = parseIp(addressText);
  if (address === null) return `"${addressText}" is not an IPv4 or IPv6 address`;
  const rawV6 = address.version === 4 && addressText.includes(':');
  const maxBits = rawV6 ? 128 : address.version === 4 ? 32 : 128;
  let prefixLength = maxBits;
  if (slash >= 0) {
    const prefixText = value.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) return `prefix length "${prefixText}" is not a number from 0 to ${maxBits}`;
    prefixLength = Number(prefixText);
  }
  if (rawV6) {
    if (prefixLength < 96) return `"${value}" mixes IPv4-mapped and other IPv6 addresses; write the IPv4 block instead`;
    prefixLength -= 96;
  }
  const bytes = address.bytes;
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return `"${value}" has address bits set beyond the /${prefixLength} prefix (did you mean ${networkText(address, prefixLength)}?)`;
  }
  return { version: address.version, bytes, prefixLength, canonical: `${address.canonical}/${prefixLength}` };
}

function networkText(address: ParsedIp, prefixLength: number): string {
  const bytes = Array.from(address.bytes);
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(1 << (7 - (bit & 7)));
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefixLength}`;
}

/** Bit `index` (0 = most significant) of an address. */
export function bitAt(bytes: Uint8Array, index: number): number {
  return (bytes[index >> 3]! >> (7 - (index & 7))) & 1;
}
