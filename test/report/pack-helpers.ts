/**
 * Shared set-up for the evidence-pack tests: a case ingested from the donor-leak fixture
 * (synthetic combined log with hostile user agents and referrers), and packs written from it.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CaseStore, ingestPaths, writeEvidencePack, type EvidencePackOptions } from '@logwitness/core';
import { FIXTURES, tempDir } from '../helpers';

export const DONOR_LOG = join(FIXTURES, 'report', 'donor-leak-access.log');
export const TARGET = '/admin/export/donors-2026.csv';
/** Fixed generation time, so packs are reproducible in tests. */
export const NOW_MS = Date.UTC(2026, 3, 1, 9, 30);

export interface PackCase {
  readonly dir: string;
  readonly logs: string;
  readonly logPath: string;
  readonly casePath: string;
}

/** A temporary folder holding a copy of the fixture log (under logs/) and a case ingested from it. */
export async function makeCase(): Promise<PackCase> {
  const dir = tempDir('logwitness-pack-');
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  const logPath = join(logs, 'access.log');
  copyFileSync(DONOR_LOG, logPath);
  const casePath = join(dir, 'case.sqlite');
  const store = CaseStore.open(casePath);
  try {
    await ingestPaths(store, [logPath]);
  } finally {
    store.close();
  }
  return { dir, logs, logPath, casePath };
}

/** Write a pack from the case (read-only) with fixed time and no geo databases. */
export async function makePack(c: PackCase, name: string, options: Partial<EvidencePackOptions> = {}) {
  const store = CaseStore.open(c.casePath, { readonly: true });
  try {
    return await writeEvidencePack(store, TARGET, { out: join(c.dir, name), nowMs: NOW_MS, examiner: 'A. Analyst', caseRef: 'INC-1234', attributor: null, ...options });
  } finally {
    store.close();
  }
}
