/**
 * The parse side sends each distinct string once and then a per-file reference number. On
 * hostile input with endless distinct values the numbering starts again past a limit
 * (MAX_REFERENCED_STRINGS, 500,000 per table), so memory stays bounded. That path needs half
 * a million distinct strings to reach at its real limit; here the limit is lowered so that
 * every table starts again many times, also in the middle of a client's run of requests, and
 * the stored requests must be exactly those of the same lines stored without a restart.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { resolveFormat } from '../../packages/core/src/formats/resolve-format';
import { BatchEncoder } from '../../packages/core/src/sources/parsed-batch';
import { CaseStore } from '../../packages/core/src/store/case-store';
import { IngestWriter } from '../../packages/core/src/store/ingest-writer';
import { tempDir } from '../helpers';
import { seededRandom } from '../helpers/seeded-random';

const LINES_PER_BATCH = 40;

/** Lines mixing a few repeated values with new ones, so that references repeat and restart. */
function makeLines(count: number): string[] {
  const random = seededRandom(7);
  const pick = (n: number): number => Math.floor(random() * n);
  return Array.from({ length: count }, (_, i) => {
    const ip = pick(3) === 0 ? `198.51.100.${pick(4)}` : `10.${i >> 8 & 255}.${i & 255}.${pick(9)}`;
    const path = pick(2) === 0 ? '/index.html' : `/item/${pick(500)}`;
    const agent = pick(4) === 0 ? `agent/${pick(300)}` : 'Mozilla/5.0';
    const referrer = pick(3) === 0 ? '-' : `https://ref.example/${pick(200)}`;
    const method = ['GET', 'HEAD', 'POST', `M${pick(20)}`][pick(4)];
    const second = String(i % 60).padStart(2, '0');
    return `${ip} - - [21/Nov/2026:10:${String((i / 60) % 60 | 0).padStart(2, '0')}:${second} +0000] "${method} ${path} HTTP/1.1" 200 ${i} "${referrer}" "${agent}"`;
  });
}

function storeWithLimit(lines: readonly string[], limit: number | undefined): unknown[] {
  const store = CaseStore.open(join(tempDir(), 'case.sqlite'));
  try {
    const encoder = new BatchEncoder(resolveFormat('combined').createParser({ assumeTz: null }), null, limit);
    const writer = new IngestWriter(store);
    writer.begin();
    writer.beginSource();
    const sourceId = writer.addSource({
      path: 'generated.log', sizeBytes: null, mtimeMs: null, sha256: `limit-${limit}`, format: 'combined', formatDetail: null, timeBasis: 'offset', ingestOptions: null,
    });
    let restarts = 0;
    for (let first = 0; first < lines.length; first += LINES_PER_BATCH) {
      const batchLines = lines.slice(first, first + LINES_PER_BATCH);
      const batch = encoder.encode({ firstLine: first + 1, lines: batchLines, rawBytes: Buffer.from(batchLines.join('\n') + '\n'), overlongBytes: null }, 0);
      restarts += batch.resetTables.length;
      writer.addParsedBatch(sourceId, batch);
    }
    writer.commit();
    if (limit !== undefined) assert.ok(restarts > 20, `the numbering started again (${restarts} times)`);
    return store.db
      .prepare('SELECT line, client_ip, path, method, protocol, referrer, user_agent, bytes FROM request_view ORDER BY line')
      .all();
  } finally {
    store.close();
  }
}

describe('ingest: per-file string references that start again', () => {
  it('store the same requests as references that never restart', () => {
    const lines = makeLines(3_000);
    const restarted = storeWithLimit(lines, 25);
    const plain = storeWithLimit(lines, undefined);
    assert.equal(plain.length, 3_000);
    assert.deepEqual(restarted, plain);
  });
});
