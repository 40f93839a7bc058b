/**
 * Shared test helpers: temporary folders, running the real CLI binary, and locating the
 * external corpora in ../shared (tests that need them skip with a printed reason).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'logwitness.js');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const CORPORA = resolve(REPO_ROOT, '..', 'shared', 'corpora');

const made: string[] = [];

/** A fresh temporary folder, removed after the test run. */
export function tempDir(prefix = 'logwitness-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

after(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the installed CLI as a user would. */
export function runCli(args: readonly string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI_BIN, ...args], {
    input: options.input,
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, LOGWITNESS_CASE: '', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The path of a corpus file under ../shared/corpora, or null (after printing why) when the
 * corpora are not beside this checkout. Use: `const file = corpus('...'); if (!file) return this.skip();`
 */
export function corpus(relativePath: string): string | null {
  const path = join(CORPORA, relativePath);
  if (existsSync(path)) return path;
  console.log(`      (skipped: ${path} is absent; the external corpora live in ../shared/corpora)`);
  return null;
}
