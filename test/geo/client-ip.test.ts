import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { chooseClientIp, InputError, parseTrustedProxies } from '@logwitness/core';
import { FIXTURES, runCli, tempDir } from '../helpers';

describe('geo: client address behind trusted proxies', function () {
  const trusted = parseTrustedProxies(['10.0.0.0/8', '2001:db8:ffff::/48']);

  it('without trusted proxies the connecting address is the client, whatever X-Forwarded-For says', function () {
    assert.equal(chooseClientIp('10.0.0.2', '203.0.113.50', null), '10.0.0.2');
    assert.equal(chooseClientIp('10.0.0.2', '203.0.113.50', parseTrustedProxies([])), '10.0.0.2');
  });

  it('ignores X-Forwarded-For from untrusted peers (anyone can write it)', function () {
    assert.equal(chooseClientIp('198.51.100.20', '192.0.2.99', trusted), '198.51.100.20');
  });

  it('takes the right-most untrusted address of the chain', function () {
    assert.equal(chooseClientIp('10.0.0.2', '203.0.113.50', trusted), '203.0.113.50');
    assert.equal(chooseClientIp('10.0.0.2', '192.0.2.1, 203.0.113.50, 10.0.0.9', trusted), '203.0.113.50', 'the left part is client-written: not used');
    assert.equal(chooseClientIp('2001:db8:ffff::1', '2001:db8:1::5, 2001:db8:ffff::2', trusted), '2001:db8:1::5');
    assert.equal(chooseClientIp('10.0.0.2', '203.0.113.50:41234', trusted), '203.0.113.50', 'a port is dropped');
    assert.equal(chooseClientIp('10.0.0.2', '"[2001:db8:1::5]:443"', trusted), '2001:db8:1::5');
  });

  it('stops at junk: the last trusted hop is the best address anyone can vouch for', function () {
    assert.equal(chooseClientIp('10.0.0.4', 'spoofed, unknown, 10.0.0.8', trusted), '10.0.0.8');
    assert.equal(chooseClientIp('10.0.0.4', 'unknown', trusted), '10.0.0.4');
  });

  it('keeps the connecting address when there is no header, and the left-most hop when all are trusted', function () {
    assert.equal(chooseClientIp('10.0.0.3', null, trusted), '10.0.0.3');
    assert.equal(chooseClientIp('10.0.0.3', '-', trusted), '10.0.0.3');
    assert.equal(chooseClientIp('10.0.0.3', '10.1.1.1, 10.2.2.2', trusted), '10.1.1.1');
  });

  it('refuses a bad --trusted-proxy value naming it', function () {
    assert.throws(() => parseTrustedProxies(['10.0.0.0/8', 'lb.example.org']), (error: unknown) => error instanceof InputError && /--trusted-proxy lb\.example\.org/.test(error.message));
  });

  it('ingest --trusted-proxy stores both addresses and records the proxies in the source', function () {
    const dir = tempDir();
    const casePath = join(dir, 'case.sqlite');
    const format = '%h %l %u %t "%r" %>s %b "%{X-Forwarded-For}i"';
    const ingest = runCli(['ingest', join(FIXTURES, 'geo', 'behind-proxy.log'), '--format', format, '--trusted-proxy', '10.0.0.0/8', '--case', casePath, '--json']);
    assert.equal(ingest.status, 0, ingest.stderr);
    const rows = JSON.parse(runCli(['sql', 'SELECT client_ip, remote_ip FROM request_view ORDER BY line', '--case', casePath, '--json']).stdout) as { client_ip: string; remote_ip: string | null }[];
    assert.deepEqual(rows, [
      { client_ip: '203.0.113.50', remote_ip: '10.0.0.2' },
      { client_ip: '198.51.100.20', remote_ip: null },
      { client_ip: '10.0.0.3', remote_ip: null },
      { client_ip: '10.0.0.8', remote_ip: '10.0.0.4' },
    ]);
    const options = JSON.parse(runCli(['sql', 'SELECT ingest_options FROM sources', '--case', casePath, '--json']).stdout)[0].ingest_options as string;
    assert.deepEqual(JSON.parse(options).trustedProxies, ['10.0.0.0/8']);
    const bad = runCli(['ingest', join(FIXTURES, 'geo', 'behind-proxy.log'), '--trusted-proxy', '10.0.0.0/33', '--case', casePath]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--trusted-proxy 10\.0\.0\.0\/33/);
  });
});
