/**
 * The formats through the real CLI: per-file detection in one run, line accounting,
 * --assume-tz refusal and recording, custom --format strings and their errors.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { FIXTURES, runCli, tempDir } from '../helpers';

const fixture = (name: string): string => join(FIXTURES, 'formats', name);

describe('formats: CLI ingest', () => {
  it('detects each file\'s format in one run and accounts for every line', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    const files = ['w3c.log', 'cloudfront.log', 'alb.log', 's3.log', 'caddy.log', 'traefik-json.log'];
    const result = runCli(['ingest', ...files.map(fixture), '--case', casePath, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { files: { path: string; format: string; lines: number; parsed: number; rejected: number; blank: number }[] };
    assert.deepEqual(json.files.map((f) => f.format), ['w3c', 'cloudfront', 'alb', 's3', 'caddy', 'traefik-json']);
    for (const file of json.files) assert.equal(file.lines, file.parsed + file.rejected + file.blank, file.path);
    const w3c = json.files[0]!;
    assert.deepEqual([w3c.parsed, w3c.rejected, w3c.blank], [3, 2, 8]);
    const sql = runCli(['sql', "SELECT count(*) AS n FROM rejects WHERE reason LIKE 'date \"2026-13-02\"%'", '--case', casePath, '--json']);
    assert.deepEqual(JSON.parse(sql.stdout), [{ n: 1 }]);
  });
  it('refuses HAProxy logs without --assume-tz, and records the zone when given', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    const refused = runCli(['ingest', fixture('haproxy.log'), '--case', casePath]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /haproxy times carry no UTC offset.*--assume-tz/);
    const ok = runCli(['ingest', fixture('haproxy.log'), '--case', casePath, '--assume-tz', 'Europe/London', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    const sources = JSON.parse(runCli(['sql', 'SELECT format, time_basis FROM sources', '--case', casePath, '--json']).stdout);
    assert.deepEqual(sources, [{ format: 'haproxy', time_basis: 'local time, assumed Europe/London' }]);
  });
  it('reads a custom --format string and refuses a bad one in one clear line', () => {
    const casePath = join(tempDir(), 'case.sqlite');
    const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$http_range" "$upstream_addr"';
    const ok = runCli(['ingest', fixture('custom-nginx.log'), '--case', casePath, '--format', format, '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).files[0].format, 'custom');
    const rows = JSON.parse(runCli(['sql', 'SELECT range_header, duration_us FROM request_view ORDER BY time_ms', '--case', casePath, '--json']).stdout);
    assert.deepEqual(rows, [{ range_header: 'bytes=0-1048575', duration_us: 412000 }, { range_header: null, duration_us: 1250000 }]);
    const bad = runCli(['ingest', fixture('custom-nginx.log'), '--case', casePath, '--format', '%h %t %Q']);
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /unknown directive "%Q".*character 7/);
  });
});
