import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseCidr, parseIp, RESERVED_RANGES, reservedRangeOf, type ParsedCidr, type ParsedIp } from '@logwitness/core';

const ip = (text: string): ParsedIp => {
  const parsed = parseIp(text);
  assert.ok(parsed, `${text} parses`);
  return parsed;
};

describe('geo: addresses and reserved ranges', function () {
  it('parses IPv4, IPv6, bracketed and zoned forms; mapped IPv6 becomes IPv4', function () {
    assert.equal(ip('192.0.2.1').canonical, '192.0.2.1');
    assert.equal(ip(' 2001:DB8:0:0::1 ').canonical, '2001:db8::1');
    assert.equal(ip('[2001:db8::1]').canonical, '2001:db8::1');
    assert.equal(ip('fe80::1%eth0').canonical, 'fe80::1');
    const mapped = ip('::ffff:81.2.69.160');
    assert.equal(mapped.version, 4);
    assert.equal(mapped.canonical, '81.2.69.160');
    assert.equal(ip('::ffff:5102:45a0').canonical, '81.2.69.160', 'hex form of a mapped address');
  });

  it('refuses host names and the odd IPv4 shorthands a log line does not mean', function () {
    for (const text of ['piweba3y.prodigy.com', 'unknown', '-', '', '127.1', '0x7f.0.0.1', '1.2.3.4.5', '256.1.1.1', '1.2.3.4:80', 'gggg::1']) {
      assert.equal(parseIp(text), null, JSON.stringify(text));
    }
  });

  it('parses CIDRs, refuses host bits and bad prefixes with a reason', function () {
    assert.equal((parseCidr('10.0.0.0/8') as ParsedCidr).canonical, '10.0.0.0/8');
    assert.equal((parseCidr('2001:db8::/32') as ParsedCidr).canonical, '2001:db8::/32');
    assert.equal((parseCidr('192.0.2.7') as ParsedCidr).canonical, '192.0.2.7/32', 'a bare address is a /32');
    assert.equal((parseCidr('::ffff:192.0.2.0/120') as ParsedCidr).canonical, '192.0.2.0/24', 'mapped blocks become IPv4');
    assert.match(parseCidr('10.1.2.3/8') as string, /bits set beyond the \/8 prefix \(did you mean 10\.0\.0\.0\/8\?\)/);
    assert.match(parseCidr('10.0.0.0/33') as string, /prefix length "33"/);
    assert.match(parseCidr('example.org/24') as string, /not an IPv4 or IPv6 address/);
  });

  it('labels every special-purpose range and leaves public addresses alone', function () {
    const cases: readonly [string, string | null][] = [
      ['10.1.2.3', 'private'], ['172.31.255.255', 'private'], ['172.32.0.1', null], ['192.168.0.1', 'private'],
      ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['169.254.10.1', 'link-local'], ['fe80::abcd', 'link-local'],
      ['100.64.0.1', 'cgnat'], ['100.127.255.255', 'cgnat'], ['100.128.0.1', null],
      ['192.0.2.10', 'documentation'], ['198.51.100.1', 'documentation'], ['203.0.113.255', 'documentation'], ['2001:db8::5', 'documentation'],
      ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['fd12:3456::1', 'private'], ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
      ['255.255.255.255', 'broadcast'], ['8.8.8.8', null], ['2a02:cf40::1', null], ['::ffff:10.0.0.1', 'private'],
    ];
    for (const [text, label] of cases) assert.equal(reservedRangeOf(ip(text)), label, text);
    assert.ok(RESERVED_RANGES.every((range) => range.reference.length > 0), 'every range cites its RFC');
  });
});

describe('geo: IPv6 fast path agrees with ipaddr.js', function () {
  it('for random addresses in full, compressed and upper-case forms (property)', function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ipaddr = require('ipaddr.js') as typeof import('ipaddr.js');
    const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, upper) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        const reference = ipaddr.IPv6.parse(full);
        const expected = reference.isIPv4MappedAddress() ? reference.toIPv4Address().toString() : reference.toRFC5952String();
        for (const form of [full, reference.toRFC5952String(), reference.toNormalizedString()]) {
          const text = upper ? form.toUpperCase() : form;
          assert.equal(parseIp(text)?.canonical, expected, text);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
