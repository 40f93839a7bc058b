import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildTimeline, findDownloads, type CaseStore } from '@logwitness/core';
import { clfTime, incidentCase, type LineSpec } from './incident-case';

const FILE = '/admin/export/donors-2026.csv';
const SIZE = 10_000;

function at(utcIso: string, spec: Omit<LineSpec, 'time'>): LineSpec {
  return { ...spec, time: clfTime(utcIso) };
}

describe('analysis: findDownloads', () => {
  const opened: CaseStore[] = [];
  after(() => opened.forEach((store) => store.close()));
  async function open(logs: Record<string, (LineSpec | string)[]>): Promise<CaseStore> {
    const { store } = await incidentCase(logs);
    opened.push(store);
    return store;
  }

  it('merges one client\'s requests less than the window apart and splits at the window', async () => {
    const a = { ip: '203.0.113.10', path: FILE, status: 200, bytes: SIZE, ua: 'UA-A' };
    const store = await open({
      'access.log': [
        at('2026-09-20T10:00:00Z', a),
        at('2026-09-20T10:29:59Z', a), // 29 min 59 s later: same download
        at('2026-09-20T10:59:59Z', a), // exactly 30 min after the previous: a new download
        at('2026-09-20T12:00:00Z', a), // an hour later: another one
      ],
    });
    const report = findDownloads(store, FILE);
    assert.deepEqual(report.downloads.map((d) => d.requests.length), [2, 1, 1]);
    assert.equal(report.summary.downloads, 3);
    assert.equal(report.summary.clients, 1);
    assert.deepEqual(report.downloads.map((d) => d.number), [1, 2, 3]);
    assert.equal(report.downloads[0]!.endMs - report.downloads[0]!.startMs, 29 * 60_000 + 59_000);

    const wide = findDownloads(store, FILE, { windowMs: 2 * 3_600_000 });
    assert.equal(wide.summary.downloads, 1, 'a 2 h window merges all four');
    assert.equal(wide.downloads[0]!.bytes, 4 * SIZE);
  });

  it('keeps clients apart by IP and by user agent', async () => {
    const store = await open({
      'access.log': [
        at('2026-09-20T10:00:00Z', { ip: '203.0.113.10', path: FILE, bytes: SIZE, ua: 'UA-A' }),
        at('2026-09-20T10:01:00Z', { ip: '203.0.113.10', path: FILE, bytes: SIZE, ua: 'UA-B' }),
        at('2026-09-20T10:02:00Z', { ip: '203.0.113.11', path: FILE, bytes: SIZE, ua: 'UA-A' }),
      ],
    });
    const report = findDownloads(store, FILE);
    assert.equal(report.summary.downloads, 3);
    assert.equal(report.summary.clients, 3);
    assert.deepEqual(report.downloads.map((d) => `${d.clientIp} ${d.userAgent}`), ['203.0.113.10 UA-A', '203.0.113.10 UA-B', '203.0.113.11 UA-A']);
  });

  it('decides completeness: full 200, aborted 200, 206 sets that complete and that do not', async () => {
    const store = await open({
      'access.log': [
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.1', path: FILE, status: 200, bytes: SIZE }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.2', path: FILE, status: 200, bytes: 4_000 }), // aborted
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.3', path: FILE, status: 206, bytes: 5_000 }),
        at('2026-09-20T10:05:00Z', { ip: '198.51.100.3', path: FILE, status: 206, bytes: 5_000 }), // 206s add up
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.4', path: FILE, status: 206, bytes: 3_000 }),
        at('2026-09-20T10:05:00Z', { ip: '198.51.100.4', path: FILE, status: 206, bytes: 3_000 }), // 6,000 of 10,000
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.5', path: FILE, status: 200, bytes: 2_000 }), // aborted, then
        at('2026-09-20T10:10:00Z', { ip: '198.51.100.5', path: FILE, status: 200, bytes: SIZE }), // retried in full
      ],
    });
    const report = findDownloads(store, FILE);
    assert.equal(report.sizeBytes, SIZE);
    assert.equal(report.sizeRule, 'largest-200');
    const byIp = new Map(report.downloads.map((d) => [d.clientIp, d]));
    assert.deepEqual(
      ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5'].map((ip) => [ip, byIp.get(ip)!.complete, byIp.get(ip)!.rule]),
      [
        ['198.51.100.1', true, 'full-200'],
        ['198.51.100.2', false, 'incomplete'],
        ['198.51.100.3', true, 'partial-bytes-sum'],
        ['198.51.100.4', false, 'incomplete'],
        ['198.51.100.5', true, 'full-200'],
      ],
    );
    assert.match(byIp.get('198.51.100.2')!.ruleDetail, /4,000 of 10,000 bytes/);
    assert.match(byIp.get('198.51.100.4')!.ruleDetail, /6,000 bytes in total/);
    assert.deepEqual([report.summary.complete, report.summary.partial], [3, 2]);
  });

  it('--size overrides the largest 200, and an unknown size leaves downloads undecided', async () => {
    const store = await open({
      'access.log': [at('2026-09-20T10:00:00Z', { ip: '198.51.100.1', path: FILE, status: 200, bytes: 4_000 })],
      'other.log': [at('2026-09-20T10:00:00Z', { ip: '198.51.100.9', path: '/only-ranges.bin', status: 206, bytes: 4_000 })],
    });
    const guessed = findDownloads(store, FILE);
    assert.equal(guessed.downloads[0]!.complete, true, 'the only 200 defines the size');
    const given = findDownloads(store, FILE, { sizeBytes: 8_000 });
    assert.equal(given.sizeRule, 'given');
    assert.equal(given.downloads[0]!.complete, false);
    const unknown = findDownloads(store, '/only-ranges.bin');
    assert.equal(unknown.sizeRule, 'unknown');
    assert.equal(unknown.downloads[0]!.complete, false);
    assert.match(unknown.downloads[0]!.ruleDetail, /--size/);
  });

  it('does not count HEAD, 304, 4xx, 5xx or empty 200s as downloads', async () => {
    const store = await open({
      'access.log': [
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.1', method: 'HEAD', path: FILE, status: 200, bytes: 0 }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.2', method: 'HEAD', path: FILE, status: 200, bytes: SIZE }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.3', path: FILE, status: 304, bytes: 0 }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.4', path: FILE, status: 403, bytes: 199 }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.5', path: FILE, status: 404, bytes: 209 }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.6', path: FILE, status: 503, bytes: 300 }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.7', path: FILE, status: 200, bytes: '-' }),
        at('2026-09-20T10:00:00Z', { ip: '198.51.100.8', path: FILE, status: 200, bytes: 0 }),
      ],
    });
    const report = findDownloads(store, FILE);
    assert.equal(report.requestCount, 8);
    assert.equal(report.summary.downloads, 0);
    assert.deepEqual(report.downloads, []);
    assert.equal(report.summary.firstMs, null);
  });

  it('matches path variants of the target and lists near misses without counting them', async () => {
    const target = '/~alice/reports/donors-2026.csv';
    const variants = [
      '/%7Ealice/reports/donors-2026.csv',
      '//~alice//reports/donors-2026.csv',
      '/~alice/./reports/donors-2026.csv',
      '/~alice/tmp/../reports/donors-2026.csv',
      '/~alice/reports/donors-2026.csv?download=1',
      '/~alice/reports/donors%2D2026.csv',
    ];
    const nearMisses = [
      '/~alice/reports/donors-2026.csv.bak',
      '/~alice/reports/donors-2025.csv',
      '/~alice/reports/donors-2026.xlsx',
      '/~alice/reports/',
      '/~alice/reports/Donors-2026.csv',
      '/~alice/reports/donors-2026.csv%2Fx',
    ];
    const store = await open({
      'access.log': [
        ...variants.map((path, i) => at(`2026-09-20T1${i}:00:00Z`, { ip: `203.0.113.${i + 1}`, path, bytes: SIZE })),
        ...nearMisses.map((path, i) => at(`2026-09-21T1${i}:00:00Z`, { ip: '198.51.100.50', path, bytes: SIZE })),
        at('2026-09-22T10:00:00Z', { ip: '198.51.100.51', path: '/~alice/reports/summary.csv', bytes: SIZE }),
      ],
    });
    const report = findDownloads(store, target);
    assert.equal(report.target, target);
    assert.equal(report.summary.downloads, variants.length);
    assert.deepEqual(report.downloads.map((d) => d.requests[0]!.target), variants);
    assert.ok(report.downloads.every((d) => d.requests[0]!.path === target));
    const listed = report.nearMisses.map((n) => n.path).sort();
    assert.deepEqual(listed, [
      '/~alice/reports/',
      '/~alice/reports/donors-2025.csv',
      '/~alice/reports/donors-2026.csv%2Fx',
      '/~alice/reports/donors-2026.csv.bak',
      '/~alice/reports/donors-2026.xlsx',
    ]);
    assert.ok(report.nearMisses.every((n) => n.requests === 1 && n.successes === 1));
    // The TARGET as typed by the user is normalised the same way.
    assert.equal(findDownloads(store, '/%7Ealice/reports/./donors-2026.csv?x=1').summary.downloads, variants.length);
  });

  it('--case-insensitive, --match prefix and --match glob', async () => {
    const store = await open({
      'access.log': [
        at('2026-09-20T10:00:00Z', { ip: '203.0.113.1', path: '/Admin/Export/Donors-2026.csv', bytes: SIZE }),
        at('2026-09-20T10:01:00Z', { ip: '203.0.113.2', path: FILE, bytes: SIZE }),
        at('2026-09-20T10:02:00Z', { ip: '203.0.113.3', path: '/admin/export/members.csv', bytes: 500 }),
        at('2026-09-20T10:03:00Z', { ip: '203.0.113.4', path: '/admin/export/old/donors-2011.csv', bytes: 700 }),
      ],
    });
    assert.equal(findDownloads(store, FILE).summary.downloads, 1);
    const folded = findDownloads(store, FILE, { caseInsensitive: true });
    assert.equal(folded.summary.downloads, 2);
    assert.equal(folded.matchedPaths.length, 2);
    assert.equal(folded.sizeBytes, SIZE, 'case variants of one file share one size');

    const prefix = findDownloads(store, '/admin/export/', { match: 'prefix' });
    assert.deepEqual(prefix.downloads.map((d) => d.path), [FILE, '/admin/export/members.csv', '/admin/export/old/donors-2011.csv']);
    assert.equal(prefix.sizeBytes, null, 'several files: sizes are per file');
    assert.deepEqual(prefix.downloads.map((d) => d.sizeBytes), [SIZE, 500, 700]);
    assert.ok(prefix.downloads.every((d) => d.complete));

    assert.match(buildTimeline(store, '/admin/export/', { match: 'prefix' }).narrative, /^3 downloads of files under \/admin\/export\/ between/);
    const glob = findDownloads(store, '/admin/export/*.csv', { match: 'glob' });
    assert.deepEqual(glob.downloads.map((d) => d.path), [FILE, '/admin/export/members.csv']);
    const deep = findDownloads(store, '/admin/**/donors-*.csv', { match: 'glob' });
    assert.deepEqual(deep.downloads.map((d) => d.path), [FILE, '/admin/export/old/donors-2011.csv']);
  });

  it('computes windows on UTC across a DST change in the log offsets', async () => {
    // Europe/London: clocks went forward at 01:00 UTC on 29 Mar 2026 and back at 01:00 UTC on 25 Oct 2026.
    const store = await open({
      'access.log': [
        // 00:50 UTC written +0000, then 01:10 UTC written +0100 (02:10 local): 20 minutes apart, one download.
        { ip: '203.0.113.1', time: '29/Mar/2026:00:50:00 +0000', path: FILE, bytes: 6_000 },
        { ip: '203.0.113.1', time: '29/Mar/2026:02:10:00 +0100', path: FILE, status: 206, bytes: 4_000 },
        // 00:50 UTC written +0100 (01:50 local), then 01:10 UTC written +0000 (01:10 local: earlier on the wall clock).
        { ip: '203.0.113.2', time: '25/Oct/2026:01:50:00 +0100', path: FILE, bytes: SIZE },
        { ip: '203.0.113.2', time: '25/Oct/2026:01:10:00 +0000', path: FILE, bytes: SIZE },
        // 00:30 UTC and 01:30 UTC: an hour apart in UTC but the same wall-clock 01:30 twice... split.
        { ip: '203.0.113.3', time: '25/Oct/2026:01:30:00 +0100', path: FILE, bytes: SIZE },
        { ip: '203.0.113.3', time: '25/Oct/2026:01:30:00 +0000', path: FILE, bytes: SIZE },
      ],
    });
    const report = findDownloads(store, FILE);
    const of = (ip: string) => report.downloads.filter((d) => d.clientIp === ip);
    assert.equal(of('203.0.113.1').length, 1);
    assert.equal(of('203.0.113.1')[0]!.endMs - of('203.0.113.1')[0]!.startMs, 20 * 60_000);
    assert.equal(of('203.0.113.2').length, 1);
    assert.equal(new Date(of('203.0.113.2')[0]!.startMs).toISOString(), '2026-10-25T00:50:00.000Z');
    assert.deepEqual(of('203.0.113.2')[0]!.requests.map((r) => r.utcOffsetMin), [60, 0]);
    assert.equal(of('203.0.113.3').length, 2);
  });

  it('combines two servers\' logs (one gzipped) and cites each request\'s file, sha256 and line', async () => {
    const { store, files } = await incidentCase({
      'web1.log': [
        at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: '/index.html', bytes: 100 }),
        at('2026-09-20T10:00:00Z', { ip: '203.0.113.7', path: FILE, status: 206, bytes: 6_000 }),
      ],
      'web2.log.1.gz': [
        at('2026-09-20T08:00:00Z', { ip: '192.0.2.2', path: FILE, bytes: SIZE }),
        at('2026-09-20T10:03:00Z', { ip: '203.0.113.7', path: FILE, status: 206, bytes: 4_000 }),
      ],
    });
    opened.push(store);
    const report = findDownloads(store, FILE);
    assert.equal(report.summary.downloads, 2);
    const split = report.downloads.find((d) => d.clientIp === '203.0.113.7')!;
    assert.equal(split.complete, true, 'the two servers\' 206s add up to the size from the other server\'s 200');
    assert.deepEqual(
      split.requests.map((r) => [r.source.file, r.source.line]),
      [[files['web1.log'], 2], [files['web2.log.1.gz'], 2]],
    );
    const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    assert.equal(split.requests[0]!.source.sha256, sha(files['web1.log']!));
    assert.equal(split.requests[1]!.source.sha256, sha(files['web2.log.1.gz']!), 'the sha256 of the bytes as given (compressed)');
  });

  it('decides by logged Range/Content-Range headers when the format records them', async () => {
    const format = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{Range}i" "%{Content-Range}o"';
    const ranged = (ip: string, utcIso: string, bytes: number, range: string, contentRange: string): string =>
      `${ip} - - [${clfTime(utcIso)}] "GET ${FILE} HTTP/1.1" 206 ${bytes} "-" "VLC/3.0" "${range}" "${contentRange}"`;
    const { store } = await incidentCase({
      'ranged.log': [
        // Two ranges that cover the file exactly (0-5999, 6000-9999): complete by ranges.
        ranged('203.0.113.1', '2026-09-20T10:00:00Z', 6_000, 'bytes=0-5999', 'bytes 0-5999/10000'),
        ranged('203.0.113.1', '2026-09-20T10:01:00Z', 4_000, 'bytes=6000-', 'bytes 6000-9999/10000'),
        // The same first range twice: 12,000 bytes sent, more than the size, but 6000-9999 never sent.
        ranged('203.0.113.2', '2026-09-20T10:00:00Z', 6_000, 'bytes=0-5999', 'bytes 0-5999/10000'),
        ranged('203.0.113.2', '2026-09-20T10:02:00Z', 6_000, 'bytes=0-5999', 'bytes 0-5999/10000'),
      ],
    }, format);
    opened.push(store);
    const report = findDownloads(store, FILE);
    assert.equal(report.sizeBytes, 10_000);
    assert.equal(report.sizeRule, 'object-size', 'the complete length in Content-Range gives the size without any 200');
    assert.deepEqual(report.downloads.map((d) => [d.clientIp, d.complete, d.rule]), [
      ['203.0.113.1', true, 'ranges-cover-file'],
      ['203.0.113.2', false, 'incomplete'],
    ]);
    assert.match(report.downloads[1]!.ruleDetail, /cover 6,000 of 10,000 bytes/);
  });

  it('answers for a target nobody requested', async () => {
    const store = await open({ 'access.log': [at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: '/index.html', bytes: 100 })] });
    const report = findDownloads(store, FILE);
    assert.equal(report.requestCount, 0);
    assert.equal(report.sizeRule, 'unknown');
    assert.deepEqual(report.summary, { downloads: 0, complete: 0, partial: 0, clients: 0, firstMs: null, lastMs: null });
  });

  it('refuses an empty TARGET with a clear error and takes a relative one from the root', async () => {
    const store = await open({ 'access.log': [at('2026-09-20T09:00:00Z', { ip: '192.0.2.1', path: '/index.html', bytes: 100 })] });
    assert.throws(() => findDownloads(store, '  '), { code: 'BAD_TARGET' });
    assert.equal(findDownloads(store, 'index.html').summary.downloads, 1, 'a relative TARGET is taken from the root');
  });
});
