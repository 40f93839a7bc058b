/**
 * Concurrency: readers (`sources`, `sql`, reports) work while an ingest writes, and always
 * see whole files (WAL, one transaction per file); two ingests into one case at once either
 * serialise or one fails with a clear message, and nothing is stored twice.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CaseStore, ingestPaths, runReadOnlySql } from '@logwitness/core';
import { CLI_BIN, REPO_ROOT, runCli, tempDir } from '../helpers';
import { checkCaseAccounting, withCase, writeGeneratedLog, type GeneratedLog } from './robustness-helpers';

interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function startCli(args: readonly string[]): { done: Promise<ChildResult>; running: () => boolean } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, LOGWITNESS_CASE: '' } });
  let stdout = '';
  let stderr = '';
  let running = true;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      running = false;
      resolve({ status, stdout, stderr });
    });
  });
  return { done, running: () => running };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One snapshot (one statement) of each source's recorded counts against its rows. */
const SNAPSHOT_SQL = `SELECT s.sha256, s.parsed, s.lines,
  (SELECT count(DISTINCT line) FROM requests r WHERE r.source_id = s.id) AS storedLines,
  (SELECT coalesce(sum(line_count), 0) FROM raw_blocks b WHERE b.source_id = s.id) AS rawLines
  FROM sources s ORDER BY s.id`;

describe('robustness: concurrent readers and writers', function () {
  this.timeout(120_000);
  let dir: string;
  let logs: string[];
  let generated: GeneratedLog[];

  before(function () {
    dir = tempDir('logwitness-concurrency-');
    logs = [1, 2, 3, 4].map((n) => join(dir, `part-${n}.log`));
    generated = logs.map((path, i) => writeGeneratedLog(path, 2_500, 100 + i));
  });

  it('sources and sql read while an ingest writes, and only ever see whole files', async function () {
    const casePath = join(dir, 'read-while-write.sqlite');
    // The case exists (schema and one file) before the long ingest starts.
    const setup = CaseStore.open(casePath);
    try {
      await ingestPaths(setup, [logs[0]!]);
    } finally {
      setup.close();
    }
    const writer = startCli(['ingest', ...logs.slice(1), '--case', casePath, '--json']);
    let readsDuringWrite = 0;
    const seenCounts = new Set<number>();
    while (writer.running()) {
      const rows = runReadOnlySql(casePath, SNAPSHOT_SQL).rows as [string, number, number, number, number][];
      for (const [sha256, parsed, lines, storedLines, rawLines] of rows) {
        assert.equal(storedLines, parsed, `${sha256}: a reader sees every request of a listed source`);
        assert.equal(rawLines, lines, `${sha256}: and every raw line`);
        assert.ok(generated.some((g) => g.sha256 === sha256 && g.parsed === parsed), `${sha256}: complete counts`);
      }
      seenCounts.add(rows.length);
      // What the sources command lists (its core call), then the command itself once.
      for (const source of withCase(casePath, (store) => store.listSources())) assert.equal(source.status, 'complete');
      if (readsDuringWrite === 1) {
        const sources = runCli(['sources', '--case', casePath, '--json']);
        assert.equal(sources.status, 0, `sources while writing: ${sources.stderr}`);
        for (const source of JSON.parse(sources.stdout).sources) assert.equal(source.status, 'complete');
      }
      if (writer.running()) readsDuringWrite++;
      await sleep(10);
    }
    const result = await writer.done;
    assert.equal(result.status, 0, result.stderr);
    console.log(`      (${readsDuringWrite} reads while the ingest ran; readers saw ${[...seenCounts].sort().join(', ')} sources)`);
    assert.ok(readsDuringWrite >= 1, 'at least one read overlapped the write');
    const sources = checkCaseAccounting(casePath);
    assert.equal(sources.length, 4);
  });

  for (const overlap of ['the same files', 'overlapping sets of files'] as const) {
    it(`two ingests of ${overlap} into one case at once serialise or fail clearly, and nothing is stored twice`, async function () {
      const casePath = join(dir, `two-writers-${overlap.replace(/\W+/g, '-')}.sqlite`);
      const sets = overlap === 'the same files' ? [logs, logs] : [logs.slice(0, 3), logs.slice(1)];
      const first = startCli(['ingest', ...sets[0]!, '--case', casePath, '--json']);
      const second = startCli(['ingest', ...sets[1]!, '--case', casePath, '--json']);
      const results = await Promise.all([first.done, second.done]);
      for (const result of results) {
        if (result.status === 0) continue;
        assert.equal(result.status, 1, `a failing ingest is a clear user-level failure, not an internal error: ${result.stderr}`);
        assert.match(result.stderr, /^logwitness: .*(locked|busy)/m, result.stderr);
      }
      console.log(`      (exit codes ${results.map((r) => r.status).join(' and ')})`);
      const sources = checkCaseAccounting(casePath);
      const shas = sources.map((s) => s.sha256);
      assert.equal(new Set(shas).size, shas.length, 'no file twice');
      for (const source of sources) assert.equal(source.status, 'complete');
      withCase(casePath, (store) => {
        const expectedRequests = sources.reduce((sum, s) => sum + s.parsed, 0);
        assert.equal(store.countRequests(), expectedRequests, 'no request stored twice');
      });
      // Whatever happened, running it again completes the case.
      const store = CaseStore.open(casePath);
      try {
        await ingestPaths(store, logs);
      } finally {
        store.close();
      }
      assert.equal(checkCaseAccounting(casePath).length, 4);
    });
  }
});
