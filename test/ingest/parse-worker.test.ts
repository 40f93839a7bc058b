import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { CaseStore, ingestPaths } from '@logwitness/core';
import { tempDir } from '../helpers';

/** A log mixing what the pipeline must carry: IPv4/IPv6, query strings, escapes, blank, rejected and forwarded lines. */
function mixedLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ip = i % 7 === 0 ? `2001:db8::${(i % 50).toString(16)}` : `198.51.100.${i % 200}`;
    const time = `[${String(1 + (i % 28)).padStart(2, '0')}/Mar/2026:${String(i % 24).padStart(2, '0')}:14:0${i % 10} +0100]`;
    if (i % 97 === 0) out.push('');
    else if (i % 89 === 0) out.push(`this is not a log line ${i} \u00e9\u0000`);
    else if (i % 13 === 0) out.push(`www.example.org:443 ${ip} - alice ${time} "GET /a/./b//c.pdf?x=${i} HTTP/1.1" 206 ${i} "-" "curl/8 \\"quoted\\""`);
    else out.push(`${ip} - - ${time} "GET /page/${i % 31}%7Euser HTTP/1.1" ${i % 5 === 0 ? 304 : 200} ${i % 5 === 0 ? '-' : i * 3} "https://ref.example/${i % 3}" "Mozilla/5.0 (${i % 4})"`);
  }
  return out.join('\n') + '\n';
}

function dump(casePath: string): unknown {
  const db = new Database(casePath, { readonly: true });
  try {
    return {
      sources: db.prepare('SELECT sha256, content_sha256, format, lines, parsed, rejected, skipped_lines, first_time_ms, last_time_ms, status FROM sources ORDER BY id').all(),
      requests: db.prepare('SELECT * FROM request_view ORDER BY id').all().map((row) => ({ ...(row as object), source_path: null })),
      rejects: db.prepare('SELECT source_id, line, reason, raw, raw_bytes FROM rejects ORDER BY id').all(),
      rawBlocks: db.prepare('SELECT source_id, first_line, line_count, hex(data) AS data FROM raw_blocks ORDER BY source_id, first_line').all(),
      foreignKeyProblems: db.prepare('PRAGMA foreign_key_check').all(),
    };
  } finally {
    db.close();
  }
}

describe('ingest pipeline: worker thread and main thread', () => {
  it('store the same case, with every reference valid', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const plain = join(dir, 'access.log');
    const gz = join(dir, 'access.log.2.gz');
    // Big enough for several line batches (about 1 MiB each).
    writeFileSync(plain, mixedLog(12_000));
    writeFileSync(gz, gzipSync(mixedLog(3_000)));
    const dumps = [];
    for (const parseWorker of ['always', 'never'] as const) {
      const casePath = join(dir, `${parseWorker}.sqlite`);
      const store = CaseStore.open(casePath);
      try {
        const result = await ingestPaths(store, [plain, gz], { parseWorker });
        for (const file of result.files) assert.equal(file.lines, file.parsed + file.rejected + file.blank, `${file.path}: every line accounted`);
        assert.equal(result.totals.lines, 15_000);
        assert.ok(result.totals.rejected > 0 && result.totals.parsed > 12_000);
      } finally {
        store.close();
      }
      dumps.push(dump(casePath));
    }
    const [onWorker, onMain] = dumps as [{ foreignKeyProblems: unknown[]; requests: unknown[] }, unknown];
    assert.deepEqual(onWorker.foreignKeyProblems, []);
    assert.ok(onWorker.requests.length > 12_000);
    assert.deepEqual(onWorker, onMain);
  });

  it('a worker-thread ingest of a file already in the case adds nothing', async () => {
    const dir = tempDir();
    const log = join(dir, 'access.log');
    writeFileSync(log, mixedLog(2_000));
    const store = CaseStore.open(join(dir, 'case.sqlite'));
    try {
      const first = await ingestPaths(store, [log], { parseWorker: 'always' });
      const again = await ingestPaths(store, [log], { parseWorker: 'always' });
      assert.equal(first.files[0]!.skipped, false);
      assert.equal(again.files[0]!.skipped, true);
      assert.equal(store.countRequests(), first.totals.parsed);
    } finally {
      store.close();
    }
  });
});
