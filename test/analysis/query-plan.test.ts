import { strict as assert } from 'node:assert';
import { RequestQueries, REQUEST_QUERY_SQL } from '../../packages/core/src/store/request-queries';
import { clfTime, incidentCase } from './incident-case';

/** Statements allowed to read a whole (small) table: the distinct paths, for --case-insensitive only. */
const PATH_TABLE_SCANS = new Set(['allPaths']);

describe('analysis: every query is answered from an index', () => {
  it('no statement scans the requests table (EXPLAIN QUERY PLAN)', async () => {
    // Realistic shape for the planner's statistics (ingest runs ANALYZE): several files, many
    // agents and referrers. With one-row tables SQLite rightly treats a scan as a lookup.
    const lines = (server: number) =>
      Array.from({ length: 300 }, (_, i) => ({
        ip: `192.0.2.${(i * 7 + server) % 250}`,
        time: clfTime(new Date(Date.UTC(2026, 8, 20, 10) + (i * 37_000)).toISOString()),
        path: `/p${i % 40}`,
        bytes: 10 + i,
        referrer: `https://r${i % 60}.example/`,
        ua: `Agent/${i % 90}`,
      }));
    const { store } = await incidentCase({ 'web1.log': lines(1), 'web2.log': lines(2), 'web3.log': lines(3), 'web4.log': lines(4) });
    try {
      const queries = new RequestQueries(store as never);
      for (const key of Object.keys(REQUEST_QUERY_SQL) as (keyof typeof REQUEST_QUERY_SQL)[]) {
        const plan = queries.explain(key);
        const scans = plan.filter((detail) => /^SCAN /.test(detail) && !/USING (COVERING )?INDEX/.test(detail) && !/^SCAN CONSTANT ROW/.test(detail));
        if (PATH_TABLE_SCANS.has(key)) {
          assert.deepEqual(scans, ['SCAN paths'], `${key}: ${plan.join(' | ')}`);
          continue;
        }
        assert.deepEqual(scans, [], `${key} scans a table: ${plan.join(' | ')}`);
        assert.ok(!plan.some((detail) => /\bSCAN r\b(?! USING)/.test(detail)), `${key}: ${plan.join(' | ')}`);
        if (/requests r/.test(REQUEST_QUERY_SQL[key])) {
          assert.ok(plan.some((detail) => /requests_by_(path|client)_time/.test(detail)), `${key} does not use a request index: ${plan.join(' | ')}`);
        }
      }
    } finally {
      store.close();
    }
  });
});
