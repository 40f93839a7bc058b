import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, loadKnownNetworks, parseIp, type KnownNetworks } from '@logwitness/core';
import { FIXTURES, tempDir } from '../helpers';

const FILE = join(FIXTURES, 'geo', 'known-networks.csv');

function labelOf(networks: KnownNetworks, address: string, atMs: number | null = null): string | null {
  return networks.match(parseIp(address)!, atMs)?.label ?? null;
}

describe('geo: known networks', function () {
  const networks = loadKnownNetworks(FILE);

  it('reads every row and hashes the file', function () {
    assert.equal(networks.count, 8);
    assert.match(networks.sha256, /^[0-9a-f]{64}$/);
  });

  it('the most specific block wins, for IPv4 and IPv6', function () {
    assert.equal(labelOf(networks, '198.51.100.5'), 'Rival Ltd (all offices)');
    assert.equal(labelOf(networks, '198.51.100.130'), 'Rival Ltd head office');
    assert.equal(labelOf(networks, '2001:db8:42:1::9'), 'Rival Ltd head office (IPv6)');
    assert.equal(labelOf(networks, '2001:db8:42:7::9'), 'Rival Ltd lab (IPv6)');
    assert.equal(labelOf(networks, '2001:db8:43::1'), null);
    assert.equal(labelOf(networks, '198.51.101.1'), null);
  });

  it('mapped IPv6 addresses and blocks meet their IPv4 forms', function () {
    assert.equal(labelOf(networks, '::ffff:198.51.100.130'), 'Rival Ltd head office');
    assert.equal(labelOf(networks, '192.0.2.77'), 'Test lab (written as mapped IPv6)');
  });

  it('dated rows apply only inside their validity (whole UTC days), else the enclosing block answers', function () {
    assert.equal(labelOf(networks, '198.51.100.200', Date.UTC(2024, 5, 1)), 'Rival Ltd CEO desktop');
    assert.equal(labelOf(networks, '198.51.100.200', Date.UTC(2024, 11, 31, 23, 59)), 'Rival Ltd CEO desktop');
    assert.equal(labelOf(networks, '198.51.100.200', Date.UTC(2025, 0, 1)), 'Rival Ltd head office');
    assert.equal(labelOf(networks, '198.51.100.200', Date.UTC(2023, 11, 31)), 'Rival Ltd head office');
    assert.deepEqual(networks.boundariesMs, [Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)]);
  });

  it('names the source row of a match', function () {
    const match = networks.match(parseIp('198.51.100.130')!, null)!;
    assert.equal(match.cidr, '198.51.100.128/25');
    assert.equal(match.source, 'contract annex B');
    assert.equal(match.line, 4);
  });

  const bad: readonly [string, RegExp][] = [
    ['bad-prefix.csv', /bad-prefix\.csv:3: cidr: prefix length "33"/],
    ['bad-host-bits.csv', /bad-host-bits\.csv:4: cidr: .*did you mean 10\.0\.0\.0\/8/],
    ['bad-header.csv', /bad-header\.csv:1: the header must name the columns "cidr" and "label"/],
    ['bad-duplicate.csv', /bad-duplicate\.csv:3: 198\.51\.100\.0\/24 is already labelled "first" at line 2/],
    ['bad-date.csv', /bad-date\.csv:2: valid_from: "yesterday" is not a date/],
    ['bad-host-name.csv', /bad-host-name\.csv:2: cidr: "rival\.example\.com" is not an IPv4 or IPv6 address/],
    ['does-not-exist.csv', /cannot read known-networks file .*does-not-exist\.csv: file not found/],
  ];
  for (const [name, message] of bad) {
    it(`refuses ${name} with file:line and the reason`, function () {
      assert.throws(() => loadKnownNetworks(join(FIXTURES, 'geo', name)), (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('geo: known networks files as spreadsheets save them', function () {
  it('reads a UTF-8 BOM, CRLF line ends, upper-case headers and extra columns', function () {
    const dir = tempDir();
    const path = join(dir, 'excel.csv');
    writeFileSync(path, '\uFEFFCIDR,Label,Owner contact,Valid-From\r\n198.51.100.0/24,"Rival Ltd, London",legal@rival.example,2024-01-01\r\n');
    const networks = loadKnownNetworks(path);
    const match = networks.match(parseIp('198.51.100.9')!, Date.UTC(2024, 1, 1))!;
    assert.equal(match.label, 'Rival Ltd, London');
    assert.equal(match.validFromMs, Date.UTC(2024, 0, 1));
    assert.equal(networks.match(parseIp('198.51.100.9')!, Date.UTC(2023, 1, 1)), null);
  });
});
