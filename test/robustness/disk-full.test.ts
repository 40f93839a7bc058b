/**
 * A full disk and a read-only case file: the ingest fails with one clear line (exit 1, not an
 * internal error), and the case is unchanged.
 *
 * Mechanism: we run as root, so chmod does not stop writes. A small tmpfs mounted for the
 * test is a real full disk (ENOSPC from the kernel, which SQLite reports as SQLITE_FULL), and
 * remounting it read-only is a real read-only file system (EROFS). This needs mount(2)
 * (root, or CAP_SYS_ADMIN in a container); where it is not permitted the tests skip and say
 * why. (ulimit -f would kill the process with SIGXFSZ rather than fail the write, and a
 * test-only max_page_count hook would not exercise the real write path.)
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { CaseStore } from '@logwitness/core';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers';
import { checkCaseAccounting, logicalDigest, sha256OfFile, writeGeneratedLog } from './robustness-helpers';

function mount(args: string[]): boolean {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  return result.status === 0;
}

describe('robustness: full disk and read-only case file', function () {
  this.timeout(120_000);
  let mountPoint: string | null = null;
  let casePath: string;
  let small: string;
  let big: string;

  before(function () {
    const dir = tempDir('logwitness-disk-');
    const point = join(dir, 'small-disk');
    mkdirSync(point);
    if (process.platform !== 'linux' || !mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point])) {
      console.log('      (skipped: mounting a small tmpfs is not permitted here; these tests need root or CAP_SYS_ADMIN)');
      return this.skip();
    }
    mountPoint = point;
    casePath = join(point, 'case.sqlite');
    small = join(dir, 'small.log');
    big = join(dir, 'big.log');
    writeGeneratedLog(small, 500, 5);
    writeGeneratedLog(big, 10_000, 6, { distinctIps: 10_000 });
    const first = runCli(['ingest', small, '--case', casePath, '--json']);
    assert.equal(first.status, 0, first.stderr);
  });

  after(function () {
    if (mountPoint !== null) spawnSync('umount', [mountPoint]);
  });

  it('disk full: exit 1 with one clear line, the case unchanged, and the ingest succeeds once there is room', function () {
    const digest = logicalDigest(casePath);
    const full = runCli(['ingest', big, '--case', casePath, '--json']);
    assert.equal(full.status, 1, `exit 1, not an internal error: ${full.stderr}`);
    const errors = full.stderr.split('\n').filter((line) => line.startsWith('logwitness:'));
    assert.equal(errors.length, 1, full.stderr);
    assert.match(errors[0]!, /disk holding it is full/);
    assert.doesNotMatch(full.stderr, /internal error|    at /);
    assert.equal(logicalDigest(casePath), digest, 'the case holds exactly what it held before');
    const sources = checkCaseAccounting(casePath);
    assert.equal(sources.length, 1);
    // Give the disk room: the same command now completes.
    assert.ok(mount(['-o', 'remount,size=64m', mountPoint!]), 'remount with more room');
    const retry = runCli(['ingest', big, '--case', casePath, '--json']);
    assert.equal(retry.status, 0, retry.stderr);
    assert.equal(checkCaseAccounting(casePath).length, 2);
  });

  it('read-only case file: exit 1 with one clear line, and the case file unchanged byte for byte', function () {
    // A last writer's close folds the WAL into the case and removes -wal and -shm, as after an ingest.
    CaseStore.open(casePath).close();
    assert.equal(existsSync(`${casePath}-shm`), false, 'no -shm left beside the case');
    const sha256 = sha256OfFile(casePath);
    assert.ok(mount(['-o', 'remount,ro', mountPoint!]), 'remount read-only');
    try {
      const result = runCli(['ingest', small, '--case', casePath, '--json']);
      assert.equal(result.status, 1, result.stderr);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('logwitness:'));
      assert.equal(errors.length, 1, result.stderr);
      assert.match(errors[0]!, /cannot (open|use) (the )?case file.*(read-only|unable to open)/);
      assert.equal(sha256OfFile(casePath), sha256);
      // Readers cannot open a WAL case in a read-only folder (SQLite must create its -shm):
      // they say so and what to do, instead of calling it "not a case file".
      for (const args of [['sources'], ['sql', 'SELECT count(*) FROM requests']]) {
        const read = runCli([...args, '--case', casePath]);
        assert.equal(read.status, 1, read.stderr);
        assert.match(read.stderr, /^logwitness: cannot read case file .*folder is read-only.*copy the case file/);
        assert.equal(read.stderr.trim().split('\n').length, 1, read.stderr);
      }
      assert.equal(sha256OfFile(casePath), sha256);
    } finally {
      mount(['-o', 'remount,rw', mountPoint!]);
    }
    assert.equal(checkCaseAccounting(casePath).length, 2);
  });
});
