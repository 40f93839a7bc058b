import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildTimeline, CaseStore, describeActor, ingestPaths, openAttributor } from '@logwitness/core';
import { REPO_ROOT, tempDir } from '../helpers';

const EXAMPLE = join(REPO_ROOT, 'examples', 'donor-leak');
const LOG_FILES = ['web1/access.log', 'web1/access.log.1.gz', 'web2/access.log'];

function text(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

describe('example: donor-leak', () => {
  it('the committed logs are what the generator writes', function () {
    this.timeout(60_000);
    const out = tempDir();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(EXAMPLE, 'generate.ts'), out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(join(out, 'web1')).sort(), ['access.log', 'access.log.1.gz']);
    // Compare text, not gzip bytes: zlib builds may compress the same text differently.
    for (const file of LOG_FILES) assert.equal(text(join(out, file)), text(join(EXAMPLE, 'logs', file)), file);
  });

  it('tells the full story', async () => {
    const store = CaseStore.open(join(tempDir(), 'case.sqlite'));
    const attributor = openAttributor({ geoDbPaths: null, networksPath: join(EXAMPLE, 'networks.csv') });
    try {
      const ingest = await ingestPaths(store, [join(EXAMPLE, 'logs')]);
      assert.equal(ingest.totals.rejected, 0);
      assert.ok(ingest.totals.parsed > 4000);
      const timeline = buildTimeline(store, '/admin/export/donors-2026.csv', { attributor });
      const { summary } = timeline.downloads;
      assert.deepEqual([summary.downloads, summary.complete, summary.partial, summary.clients], [6, 5, 1, 6]);
      assert.deepEqual(timeline.downloads.downloads.map((d) => d.rule), ['full-200', 'partial-bytes-sum', 'incomplete', 'full-200', 'full-200', 'full-200']);
      assert.equal(timeline.downloads.downloads[3]!.attribution?.network, 'Blue Party head office');
      assert.deepEqual(timeline.downloads.nearMisses.map((n) => n.path).sort(), [
        '/admin/export/', '/admin/export/donors-2025.csv', '/admin/export/donors-2026.csv.bak', '/admin/export/donors-2026.xlsx',
      ]);
      assert.equal(timeline.discovery?.first.clientIp, '203.0.113.45');
      assert.ok(timeline.discovery!.before.some((r) => r.path === '/admin/export/' && r.referrer?.startsWith('https://forum.example.net/')));
      assert.equal(timeline.refusedAfterFix.length, 5);
      assert.deepEqual(timeline.events.filter((e) => e.kind === 'probe' || e.kind === 'revalidation').map((e) => e.kind), ['probe', 'revalidation']);
      const googlebot = timeline.downloads.downloads[5]!;
      if (googlebot.attribution?.asn != null) {
        // With the embedded ASN data present, Google's crawler range is verified.
        assert.equal(googlebot.crawler?.verdict, 'verified');
        assert.equal(
          timeline.narrative,
          '6 downloads of /admin/export/donors-2026.csv between 20 Sep 2026 13:03 UTC and 24 Sep 2026 03:12 UTC (5 complete, 1 partial) by 6 clients in 6 networks; ' +
            '1 from a known network: Blue Party head office; 1 by a crawler: Googlebot (its operator\'s network); it was refused from 25 Sep 2026 08:12 UTC (HTTP 403), and 4 later requests were refused.',
        );
      }
      const scanner = describeActor(store, '203.0.113.222', { attributor });
      assert.equal(scanner.requests, 7);
      assert.deepEqual(scanner.userAgents.map((a) => a.userAgent), ['python-requests/2.32.3']);
    } finally {
      attributor.close();
      store.close();
    }
  });
});
