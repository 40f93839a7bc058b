/**
 * Interruption: the CLI is killed with SIGKILL at seeded random moments while it ingests a
 * few multi-MB logs; the case must then pass PRAGMA integrity_check, hold no half-ingested
 * source, and a re-run must complete it with every line counted exactly once.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN, REPO_ROOT, tempDir } from '../helpers';
import { CaseStore, ingestPaths, StoreError } from '@logwitness/core';
import { checkCaseAccounting, seededRandom, withCase, writeGeneratedLog, type GeneratedLog, type SourceCounts } from './robustness-helpers';

const SEEDS = [11, 23, 37];

interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Run `logwitness ingest` as a child and kill it with SIGKILL `killAfterMs` after the case
 * file appears (so the kill lands in the ingest, not in Node's start-up).
 */
function ingestKilledAfter(args: readonly string[], casePath: string, killAfterMs: number): Promise<Finished & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'ingest', ...args, '--case', casePath], { cwd: REPO_ROOT, env: { ...process.env, LOGWITNESS_CASE: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timer: NodeJS.Timeout | null = null;
    const poll = setInterval(() => {
      if (!existsSync(casePath)) return;
      clearInterval(poll);
      timer = setTimeout(() => {
        killed = child.kill('SIGKILL');
      }, killAfterMs);
    }, 2);
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      clearInterval(poll);
      if (timer !== null) clearTimeout(timer);
      resolve({ status, signal, stderr, killed: killed && signal === 'SIGKILL' });
    });
  });
}

/** The sources of a killed case, or [] when it was killed before its schema was committed. */
function sourcesOfKilledCase(casePath: string): SourceCounts[] {
  try {
    return checkCaseAccounting(casePath);
  } catch (error) {
    if (error instanceof StoreError && /schema version 0/.test(error.message)) return [];
    throw error;
  }
}

describe('robustness: kill -9 during ingest', function () {
  this.timeout(180_000);
  let dir: string;
  let logs: string[];
  let expected: GeneratedLog[];

  before(function () {
    dir = tempDir('logwitness-kill-');
    logs = [join(dir, 'a.log'), join(dir, 'b.log'), join(dir, 'c.log')];
    expected = [
      writeGeneratedLog(logs[0]!, 3_000, 1),
      writeGeneratedLog(logs[1]!, 12_000, 2, { distinctIps: 5_000 }),
      writeGeneratedLog(logs[2]!, 4_000, 3),
    ];
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: the killed case is consistent, and a re-run completes it exactly once`, async function () {
      const casePath = join(dir, `killed-${seed}.sqlite`);
      const killAfterMs = Math.round(seededRandom(seed)() * 1200);
      const run = await ingestKilledAfter(logs, casePath, killAfterMs);
      const sources = sourcesOfKilledCase(casePath);
      for (const source of sources) {
        const reference = expected.find((e) => e.sha256 === source.sha256);
        assert.ok(reference, `source ${source.path} is one of the inputs`);
        assert.deepEqual([source.lines, source.parsed, source.rejected, source.status], [reference.lines, reference.parsed, reference.rejected, 'complete'], `${source.path} is complete or absent, never half-ingested`);
      }
      console.log(`      (seed ${seed}: ${run.killed ? `killed ${killAfterMs} ms after the case appeared` : `finished before the kill (exit ${run.status})`}; ${sources.length} of 3 files in the case)`);
      const store = CaseStore.open(casePath);
      try {
        const rerun = await ingestPaths(store, logs);
        assert.deepEqual(rerun.files.map((f) => f.skipped), expected.map((e) => sources.some((s) => s.sha256 === e.sha256)), 'files already in the case are skipped');
      } finally {
        store.close();
      }
      const after = checkCaseAccounting(casePath);
      assert.deepEqual(
        after.map((s) => [s.sha256, s.lines, s.parsed, s.rejected, s.status]).sort(),
        expected.map((e) => [e.sha256, e.lines, e.parsed, e.rejected, 'complete']).sort(),
        'each file exactly once, with the counts it was generated with',
      );
      withCase(casePath, (store) => {
        const totals = store.db.prepare('SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM (SELECT source_id, line FROM requests GROUP BY 1, 2 HAVING count(*) > 1)) AS duplicated').get() as { requests: number; duplicated: number };
        assert.equal(totals.requests, expected.reduce((sum, e) => sum + e.parsed, 0), 'every parsed line stored once');
        assert.equal(totals.duplicated, 0, 'no line stored twice');
      });
    });
  }
});
