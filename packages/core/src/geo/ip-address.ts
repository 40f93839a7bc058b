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

/**
 * Dotted-quad IPv4 without leading zeros beyond a single "0" (what servers log), parsed by
 * hand: this runs once per distinct client address and ipaddr.js is several times slower.
 * Null when the text is anything else (then the general parser decides).
 */
function parseDottedQuad(text: string): ParsedIp | null {
  const length = text.length;
  if (length < 7 || length > 15) return null;
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= length; i++) {
    const code = i === length ? 46 : text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || part > 3) return null;
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && value === 0) return null; // "01": leave octal-looking forms to the general parser
      value = value * 10 + (code - 48);
      if (value > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  return part === 4 ? { version: 4, bytes, canonical: text } : null;
}

/** Hex digit value, or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Colon-hex groups ("2001:db8:0:1", no "::", no dotted tail) into 16-bit values; null when malformed. */
function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 58 : text.charCodeAt(i);
    if (code === 58) {
      if (digits === 0) return null;
      groups.push(value);
      value = 0;
      digits = 0;
      continue;
    }
    const hex = hexValue(code);
    if (hex < 0 || ++digits > 4) return null;
    value = value * 16 + hex;
  }
  return groups;
}

/**
 * Plain IPv6 (hex groups with at most one "::", no embedded dotted quad, no zone), parsed by
 * hand for speed; null for anything else, which the general parser then decides.
 */
function parsePlainIpv6(text: string): ParsedIp | null {
  if (text.includes('.') || text.includes('%')) return null;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return null;
  const head = parseGroups(gap >= 0 ? text.slice(0, gap) : text);
  const tail = gap >= 0 ? parseGroups(text.slice(gap + 2)) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (gap >= 0 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  // IPv4-mapped (::ffff:a.b.c.d written in hex) goes to the general parser, which reduces it.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return { version: 6, bytes, canonical: rfc5952(groups) };
}

/** RFC 5952 text: lower case, no leading zeros, the first longest run (two or more) of zero groups as "::". */
function rfc5952(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parse an address as logged; null when the text is not an IP address (a host name, "-", junk). */
export function parseIp(text: string): ParsedIp | null {
  const quad = parseDottedQuad(text);
  if (quad !== null) return quad;
  const plain = text.includes(':') ? parsePlainIpv6(text) : null;
  if (plain !== null) return plain;
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
