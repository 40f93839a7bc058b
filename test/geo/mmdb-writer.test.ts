import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { openMmdbFile, parseCidr, rangeToCidrs, type ParsedCidr } from '@logwitness/core';
import { tempDir } from '../helpers';
import { asnRecord, writeTestMmdb } from './geo-test-helpers';

const MMDBLOOKUP = '/usr/bin/mmdblookup';

describe('geo: MMDB writer', function () {
  let path: string;
  before(function () {
    path = writeTestMmdb(tempDir(), 'writer.mmdb', 'Logwitness-Test-ASN', Date.UTC(2020, 0, 1), [
      { cidr: '198.51.100.0/24', record: asnRecord(64500, 'Example Transit') },
      { cidr: '198.51.100.128/25', record: { ...(asnRecord(64501, 'Ünïcode Org') as object), hosting: true, score: 0.25, ids: [1, 70000, 2 ** 40] } },
      { cidr: '2001:db8::/32', record: asnRecord(64502, 'Example v6') },
    ]);
  });

  it('is read back by our reader, which verifies its structure', function () {
    const database = openMmdbFile(path);
    assert.equal(database.info.databaseType, 'Logwitness-Test-ASN');
    assert.equal(database.info.buildEpochMs, Date.UTC(2020, 0, 1));
    assert.deepEqual(database.lookup('198.51.100.1'), asnRecord(64500, 'Example Transit'));
    // uint64 comes back as a bigint, as MaxMind's readers give it.
    assert.deepEqual(database.lookup('198.51.100.200'), { autonomous_system_number: 64501, autonomous_system_organization: 'Ünïcode Org', hosting: true, score: 0.25, ids: [1, 70000, 2n ** 40n] });
    assert.equal(database.lookup('198.51.101.1'), null);
    assert.deepEqual(database.lookup('2001:db8:1::1'), asnRecord(64502, 'Example v6'));
  });

  it('is read by libmaxminddb (mmdblookup), IPv4-mapped addresses included', function () {
    if (!existsSync(MMDBLOOKUP)) {
      console.log('      (skipped: mmdblookup from Debian mmdb-bin is not installed)');
      return this.skip();
    }
    const lookup = (ip: string): string => spawnSync(MMDBLOOKUP, ['--file', path, '--ip', ip], { encoding: 'utf8' }).stdout;
    assert.match(lookup('198.51.100.1'), /"autonomous_system_number":\s*64500 <uint32>[\s\S]*"Example Transit" <utf8_string>/);
    assert.match(lookup('::ffff:198.51.100.200'), /64501 <uint32>[\s\S]*"Ünïcode Org"[\s\S]*"hosting":\s*true <boolean>[\s\S]*0\.250000 <double>[\s\S]*1099511627776 <uint64>/);
    assert.match(lookup('2001:db8::9'), /64502/);
    assert.match(spawnSync(MMDBLOOKUP, ['--file', path, '--ip', '198.51.101.1'], { encoding: 'utf8' }).stderr + lookup('198.51.101.1'), /Could not find an entry/);
    const metadata = spawnSync(MMDBLOOKUP, ['--file', path, '--ip', '198.51.100.1', '--verbose'], { encoding: 'utf8' }).stdout;
    assert.match(metadata, /Build epoch:\s+1577836800/);
    assert.match(metadata, /Type:\s+Logwitness-Test-ASN/);
  });

  it('writes the same bytes for the same input (reproducible builds)', function () {
    const again = writeTestMmdb(tempDir(), 'writer.mmdb', 'Logwitness-Test-ASN', Date.UTC(2020, 0, 1), [
      { cidr: '198.51.100.0/24', record: asnRecord(64500, 'Example Transit') },
      { cidr: '198.51.100.128/25', record: { ...(asnRecord(64501, 'Ünïcode Org') as object), hosting: true, score: 0.25, ids: [1, 70000, 2 ** 40] } },
      { cidr: '2001:db8::/32', record: asnRecord(64502, 'Example v6') },
    ]);
    assert.deepEqual(readFileSync(again), readFileSync(path));
  });

  it('rangeToCidrs covers exactly first..last with aligned blocks (property)', function () {
    const toNumber = (text: string): number => text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    const toText = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 5000 }), (start, length) => {
        const end = Math.min(2 ** 32 - 1, start + length);
        const cidrs = rangeToCidrs(toText(start), toText(end)).map((text) => parseCidr(text) as ParsedCidr);
        let next = start;
        for (const cidr of cidrs) {
          const base = toNumber(cidr.canonical.split('/')[0]!);
          const size = 2 ** (32 - cidr.prefixLength);
          assert.equal(base, next, 'contiguous');
          assert.equal(base % size, 0, 'aligned');
          next = base + size;
        }
        assert.equal(next, end + 1, 'ends at last');
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(rangeToCidrs('2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), ['2001:db8::/32']);
    assert.deepEqual(rangeToCidrs('2001:db8::1', '2001:db8::2'), ['2001:db8::1/128', '2001:db8::2/128']);
  });
});
