/**
 * Which address is the client (DESIGN §3): the connecting address, unless it is a proxy the
 * investigator vouches for with `--trusted-proxy CIDR`; then the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy. Addresses left of the first untrusted
 * one could have been written by anybody, so they are never used.
 */
import { InputError } from '../errors';
import { parseCidr, parseIp } from './ip-address';
import { PrefixTable } from './prefix-table';

/** A set of trusted proxy blocks. */
export interface TrustedProxies {
  /** The blocks as given, canonicalised ("10.0.0.0/8"), for the case's ingest_options record. */
  readonly cidrs: readonly string[];
  contains(ip: string): boolean;
}

/** Parse --trusted-proxy values; throws InputError naming the bad value. */
export function parseTrustedProxies(values: readonly string[]): TrustedProxies {
  const table = new PrefixTable<true>();
  const cidrs: string[] = [];
  for (const value of values) {
    const cidr = parseCidr(value);
    if (typeof cidr === 'string') {
      throw new InputError('BAD_TRUSTED_PROXY', `--trusted-proxy ${value}: ${cidr} (expected an address or CIDR block, e.g. 10.0.0.0/8)`);
    }
    table.insert(cidr, true);
    cidrs.push(cidr.canonical);
  }
  return {
    cidrs,
    contains(ip: string): boolean {
      const address = parseIp(ip);
      return address !== null && table.match(address) !== null;
    },
  };
}

/** One X-Forwarded-For element without a port ("1.2.3.4:5678", "[2001:db8::1]:443"). */
function stripPort(element: string): string {
  const value = element.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  return v4WithPort ? v4WithPort[1]! : value;
}

/**
 * The client address of one request. Without trusted proxies (or when the connecting address
 * is not one of them, or no X-Forwarded-For was logged) this is `remoteIp` unchanged.
 * Otherwise X-Forwarded-For is walked from the right, skipping trusted proxies; the first
 * untrusted address is the client. An element that is not an address ("unknown", junk) stops
 * the walk: the last trusted hop is then the best address anyone can vouch for.
 */
export function chooseClientIp(remoteIp: string, forwardedFor: string | null, trustedProxies: TrustedProxies | null): string {
  if (trustedProxies === null || trustedProxies.cidrs.length === 0) return remoteIp;
  if (forwardedFor === null || forwardedFor.trim() === '' || forwardedFor.trim() === '-') return remoteIp;
  if (!trustedProxies.contains(remoteIp)) return remoteIp;
  let lastTrusted = remoteIp;
  const elements = forwardedFor.split(',');
  for (let i = elements.length - 1; i >= 0; i--) {
    const address = parseIp(stripPort(elements[i]!));
    if (address === null) return lastTrusted;
    if (!trustedProxies.contains(address.canonical)) return address.canonical;
    lastTrusted = address.canonical;
  }
  // Every hop is a trusted proxy: the left-most one originated the request.
  return lastTrusted;
}
