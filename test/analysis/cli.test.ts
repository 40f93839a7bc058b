import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers';
import { clfTime, combinedLine } from './incident-case';

const FILE = '/admin/export/donors-2026.csv';
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function hasKeys(value: unknown, keys: readonly string[], where: string): Record<string, unknown> {
  assert.ok(value !== null && typeof value === 'object', `${where} is an object`);
  const missing = keys.filter((key) => !(key in (value as object)));
  assert.deepEqual(missing, [], `${where} lacks contract keys`);
  return value as Record<string, unknown>;
}

describe('analysis: CLI downloads, timeline, actor', () => {
  let caseFile: string;
  let logFile: string;
  before(() => {
    const dir = tempDir();
    logFile = join(dir, 'access.log');
    caseFile = join(dir, 'case.sqlite');
    // Apache writes control characters in logged headers as \xhh escapes; ingest decodes them,
    // so the stored user agent really holds ESC and BEL.
    const hostileUa = 'Evil\\x1b[2J\\x1b]0;pwned\\x07Agent';
    const hostileReferrer = 'https://x.example/\\x1b[31mred';
    writeFileSync(logFile, [
      combinedLine({ ip: '203.0.113.5', time: clfTime('2026-09-20T09:00:00Z', 60), path: '/admin/export/', bytes: 700, referrer: hostileReferrer, ua: hostileUa }),
      combinedLine({ ip: '203.0.113.5', time: clfTime('2026-09-20T09:01:00Z', 60), path: FILE, bytes: 5000, referrer: hostileReferrer, ua: hostileUa }),
      combinedLine({ ip: '198.51.100.4', time: clfTime('2026-09-20T10:00:00Z', 60), path: FILE, status: 206, bytes: 2000 }),
      combinedLine({ ip: '198.51.100.4', time: clfTime('2026-09-21T10:00:00Z', 60), path: FILE, status: 404, bytes: 20 }),
      combinedLine({ ip: '198.51.100.9', time: clfTime('2026-09-21T10:00:00Z', 60), path: '/admin/export/donors-2026.csv.bak', status: 404, bytes: 20 }),
    ].join('\n') + '\n');
    const ingest = runCli(['ingest', logFile, '--case', caseFile]);
    assert.equal(ingest.status, 0, ingest.stderr);
  });

  it('downloads --json has the contract shape, times in UTC ending in Z', () => {
    const result = runCli(['downloads', FILE, '--case', caseFile, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = hasKeys(JSON.parse(result.stdout), ['target', 'size', 'summary', 'downloads'], 'document');
    assert.equal(doc.target, FILE);
    assert.equal(doc.size, 5000);
    const summary = hasKeys(doc.summary, ['downloads', 'complete', 'partial', 'clients', 'first', 'last'], 'summary');
    assert.deepEqual([summary.downloads, summary.complete, summary.partial, summary.clients], [2, 1, 1, 2]);
    assert.match(String(summary.first), ISO_Z);
    assert.equal(summary.first, '2026-09-20T09:01:00.000Z');
    const downloads = doc.downloads as unknown[];
    const first = hasKeys(downloads[0], ['time', 'end', 'clientIp', 'userAgent', 'complete', 'bytes', 'requests', 'attribution'], 'download');
    assert.equal(first.clientIp, '203.0.113.5');
    assert.equal(first.userAgent, 'Evil\u001b[2J\u001b]0;pwned\u0007Agent', 'JSON keeps the logged value exactly (JSON-escaped)');
    const request = hasKeys((first.requests as unknown[])[0], ['time', 'method', 'status', 'bytes', 'source'], 'request');
    const source = hasKeys(request.source, ['file', 'sha256', 'line'], 'source');
    assert.deepEqual([source.file, source.line], [logFile, 2]);
    assert.match(String(source.sha256), /^[0-9a-f]{64}$/);
    hasKeys(first.attribution, ['country', 'city', 'asn', 'asOrg', 'network'], 'attribution');
    assert.deepEqual((doc.nearMisses as { path: string }[]).map((n) => n.path).sort(), ['/admin/export/', '/admin/export/donors-2026.csv.bak']);
  });

  it('timeline --json has the contract shape', () => {
    const result = runCli(['timeline', FILE, '--case', caseFile, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = hasKeys(JSON.parse(result.stdout), ['target', 'narrative', 'exposure', 'events'], 'document');
    const exposure = hasKeys(doc.exposure, ['firstSuccess', 'lastSuccess', 'closedAt'], 'exposure');
    assert.deepEqual([exposure.firstSuccess, exposure.lastSuccess, exposure.closedAt], ['2026-09-20T09:01:00.000Z', '2026-09-20T10:00:00.000Z', '2026-09-21T10:00:00.000Z']);
    const events = doc.events as Record<string, unknown>[];
    assert.deepEqual(events.map((e) => e.kind), ['download', 'partial-download', 'refused-after-fix']);
    for (const event of events) assert.match(String(event.time), ISO_Z);
    assert.match(String(doc.narrative), /^2 downloads of \/admin\/export\/donors-2026\.csv between/);
  });

  it('escapes terminal control characters from logs in tables and narratives', () => {
    for (const args of [['downloads', FILE], ['timeline', FILE], ['actor', '203.0.113.5']]) {
      const result = runCli([...args, '--case', caseFile]);
      assert.equal(result.status, 0, result.stderr);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(result.stdout), `${args[0]} wrote a raw control character`);
      if (args[0] !== 'timeline') assert.ok(result.stdout.includes('Evil\\x1b[2J\\x1b]0;pwned\\x07Agent'), `${args[0]} shows the escaped user agent`);
      else assert.ok(result.stdout.includes('https://x.example/\\x1b[31mred'), 'timeline shows the escaped referrer');
    }
  });

  it('--csv writes one row per download with source lines; --tz changes table times only', () => {
    const csv = runCli(['downloads', FILE, '--case', caseFile, '--csv']);
    assert.equal(csv.status, 0, csv.stderr);
    const rows = csv.stdout.trim().split('\r\n');
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^number,start_utc,end_utc,client_ip,user_agent/);
    assert.ok(rows[1]!.includes(`${logFile}:2`));
    const london = runCli(['timeline', FILE, '--case', caseFile, '--tz', 'Europe/London']);
    assert.ok(london.stdout.includes('2026-09-20 10:01:00 +01:00'));
    assert.ok(london.stdout.includes('20 Sep 2026 10:01 +01:00'));
  });

  it('actor --json describes the client', () => {
    const result = runCli(['actor', '198.51.100.4', '--case', caseFile, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const doc = hasKeys(JSON.parse(result.stdout), ['ip', 'narrative', 'attribution', 'requests', 'firstSeen', 'lastSeen', 'userAgents', 'hourly', 'events'], 'actor');
    assert.equal(doc.requests, 2);
    assert.equal(doc.firstSeen, '2026-09-20T10:00:00.000Z');
  });

  it('rejects bad options with one clear line and exit code 1', () => {
    for (const [args, pattern] of [
      [['downloads', FILE, '--window', 'soon'], /--window "soon": expected minutes/],
      [['downloads', FILE, '--size', '-5'], /--size "-5": expected the file size/],
      [['downloads', FILE, '--match', 'regex'], /Invalid values|regex/],
      [['actor', '192.0.2.1', '--limit', '0'], /--limit 0/],
    ] as const) {
      const result = runCli([...args, '--case', caseFile]);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    }
    assert.equal(runCli(['downloads', FILE, '--case', caseFile, '--window', '2h', '--json']).status, 0);
  });
});
