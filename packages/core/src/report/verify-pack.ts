/**
 * `logwitness verify DIR|ZIP`: recompute every hash in manifest.json, check the signature,
 * name every altered, missing or extra file, and with the original logs re-run the analysis
 * with the pack's recorded options and confirm the same findings and the same cited lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { buildTimeline } from '../analysis/timeline';
import { InputError, isUserError } from '../errors';
import { expandInputs } from '../sources/input-files';
import { ingestPaths } from '../sources/ingest';
import { hashFile } from '../sources/line-reader';
import { CaseStore } from '../store/case-store';
import { readRawLines } from '../store/raw-lines';
import { analysisOptionsFor, EVIDENCE_LINES_FILE, FINDINGS_FILE, PROVENANCE_FILE } from './evidence-pack';
import { compareFindings, reproducibleFindings } from './findings-check';
import { readPack, type ReadPack } from './pack-archive';
import { citedRequests, type Provenance } from './pack-content';
import {
  checkManifestSignature, MANIFEST_FILE, MANIFEST_FILES, readKeyFile, parseManifest, publicKeyFingerprint, PUBLIC_KEY_FILE, readPublicKey, sha256Hex, SIGNATURE_FILE,
} from './pack-manifest';
import { parseEvidenceLines } from './pack-tables';
import { TOOL_NAME, TOOL_VERSION } from '../version';

export interface VerifyOptions {
  /** PEM public key the pack must be signed with (pins the signer). */
  readonly publicKeyPath?: string | null;
  /** The original logs (files or folders): re-ingest them and re-run the analysis. */
  readonly logs?: readonly string[] | null;
}

export type VerifyProblemKind = 'altered' | 'missing' | 'extra' | 'manifest' | 'signature' | 'source' | 'findings' | 'evidence-line';

/** One thing that does not hold, naming the file it concerns. */
export interface VerifyProblem {
  readonly kind: VerifyProblemKind;
  readonly file: string | null;
  readonly message: string;
}

export interface VerifyReport {
  readonly where: string;
  readonly ok: boolean;
  /** Files whose hash matched the manifest. */
  readonly filesMatched: number;
  readonly filesListed: number;
  readonly manifestSha256: string | null;
  /** The logwitness that made the pack (from manifest.json) and the one checking it: re-analysis by another version may differ for reasons of its own. */
  readonly madeWith: string | null;
  readonly checkedWith: string;
  readonly signature: { readonly fingerprint: string; readonly valid: boolean; readonly pinned: boolean } | null;
  /** Null when no logs were given. */
  readonly reanalysis: {
    readonly sourcesMatched: number;
    readonly sourcesExpected: number;
    readonly ignoredLogs: readonly string[];
    readonly findingsMatch: boolean;
    readonly evidenceLinesChecked: number;
  } | null;
  readonly problems: readonly VerifyProblem[];
}

function checkSignature(pack: ReadPack, pinned: KeyObject | null, problems: VerifyProblem[]): VerifyReport['signature'] {
  const manifest = pack.files.get(MANIFEST_FILE)!;
  const signature = pack.files.get(SIGNATURE_FILE);
  const publicPem = pack.files.get(PUBLIC_KEY_FILE);
  if (signature === undefined && publicPem === undefined) {
    if (pinned !== null) problems.push({ kind: 'signature', file: SIGNATURE_FILE, message: `${SIGNATURE_FILE} is missing: the pack is not signed, but --public-key asks for a signature by ${publicKeyFingerprint(pinned)}` });
    return null;
  }
  if (signature === undefined) {
    problems.push({ kind: 'missing', file: SIGNATURE_FILE, message: `${SIGNATURE_FILE} is missing although ${PUBLIC_KEY_FILE} is present: the signature was removed` });
    return null;
  }
  let packKey: KeyObject | null = null;
  if (publicPem === undefined) {
    if (pinned === null) problems.push({ kind: 'missing', file: PUBLIC_KEY_FILE, message: `${PUBLIC_KEY_FILE} is missing: the signature cannot be checked without the signer's public key (give it with --public-key)` });
  } else {
    try {
      packKey = readPublicKey(publicPem, `${PUBLIC_KEY_FILE} in ${pack.where}`);
    } catch (error) {
      problems.push({ kind: 'signature', file: PUBLIC_KEY_FILE, message: (error as Error).message });
    }
  }
  const key = pinned ?? packKey;
  if (key === null) return null;
  const fingerprint = publicKeyFingerprint(key);
  if (pinned !== null && packKey !== null && publicKeyFingerprint(packKey) !== fingerprint) {
    problems.push({ kind: 'signature', file: PUBLIC_KEY_FILE, message: `${PUBLIC_KEY_FILE} holds key ${publicKeyFingerprint(packKey)}, not the expected signer ${fingerprint} given with --public-key` });
  }
  const valid = checkManifestSignature(manifest, signature, key);
  if (!valid) {
    problems.push({
      kind: 'signature',
      file: SIGNATURE_FILE,
      message: `${SIGNATURE_FILE} is not a valid signature of ${MANIFEST_FILE} by key ${fingerprint}: the manifest was changed after signing, or another key signed it`,
    });
  }
  return { fingerprint, valid, pinned: pinned !== null };
}

/** Re-ingest the original logs into a temporary case and compare the findings and cited lines. */
async function reanalyse(pack: ReadPack, logs: readonly string[], problems: VerifyProblem[]): Promise<NonNullable<VerifyReport['reanalysis']>> {
  const result = { sourcesMatched: 0, sourcesExpected: 0, ignoredLogs: [] as string[], findingsMatch: false, evidenceLinesChecked: 0 };
  const readJson = (name: string): Record<string, unknown> | null => {
    try {
      const value = JSON.parse(pack.files.get(name)!.toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    problems.push({ kind: 'findings', file: name, message: `cannot re-run the analysis: ${name} is not a JSON object` });
    return null;
  };
  const provenance = readJson(PROVENANCE_FILE) as Provenance | null;
  const findings = readJson(FINDINGS_FILE) as { reproducible?: unknown } | null;
  if (provenance === null || findings === null) return result;
  const recordedSources = Array.isArray(provenance.timeZones?.sources) ? provenance.timeZones.sources : [];
  const options = provenance.analysisOptions ?? {};
  const optionsValid =
    [undefined, null, 'exact', 'prefix', 'glob'].includes(options.match as string) &&
    [undefined, null, true, false].includes(options.caseInsensitive as boolean) &&
    (options.windowMs == null || (Number.isSafeInteger(options.windowMs) && options.windowMs > 0)) &&
    (options.sizeBytes == null || (Number.isSafeInteger(options.sizeBytes) && options.sizeBytes > 0));
  if (!optionsValid) {
    problems.push({ kind: 'findings', file: PROVENANCE_FILE, message: `cannot re-run the analysis: ${PROVENANCE_FILE} has invalid analysis options ${JSON.stringify(options)}` });
    return result;
  }
  if (typeof provenance.target !== 'string' || recordedSources.some((s) => typeof s?.sha256 !== 'string')) {
    problems.push({ kind: 'findings', file: PROVENANCE_FILE, message: `cannot re-run the analysis: ${PROVENANCE_FILE} lacks the target or the sources' sha256` });
    return result;
  }
  const given = new Map<string, string>();
  const ignoredLogs = result.ignoredLogs;
  for (const input of expandInputs(logs)) {
    if (input.kind !== 'file') throw new InputError('BAD_LOGS', 'verify --logs reads files and folders, not standard input');
    const sha256 = await hashFile(input.path);
    if (recordedSources.some((s) => s.sha256 === sha256)) given.set(sha256, input.path);
    else ignoredLogs.push(input.path);
  }
  for (const source of recordedSources) {
    if (!given.has(source.sha256)) {
      problems.push({ kind: 'source', file: source.path, message: `original log ${source.path} (sha256 ${source.sha256}) was not found among --logs: it is missing or has changed` });
    }
  }
  result.sourcesMatched = given.size;
  result.sourcesExpected = recordedSources.length;
  if (given.size < recordedSources.length) return result;

  const folder = mkdtempSync(join(tmpdir(), 'logwitness-verify-'));
  const store = CaseStore.open(join(folder, 'verify.sqlite'));
  try {
    for (const source of recordedSources) {
      const ingested = await ingestPaths(store, [given.get(source.sha256)!], { format: source.ingestOptions?.format ?? null, assumeTz: source.ingestOptions?.assumeTz ?? null });
      const file = ingested.files[0];
      if (file !== undefined && file.status === 'refused') problems.push({ kind: 'source', file: source.path, message: `could not re-read ${given.get(source.sha256)}: ${file.error}` });
    }
    const timeline = buildTimeline(store, provenance.target, analysisOptionsFor(provenance.analysisOptions ?? {}));
    const recomputed = JSON.parse(JSON.stringify(reproducibleFindings(timeline))) as unknown;
    const differences = findings.reproducible === undefined ? [`${FINDINGS_FILE} has no "reproducible" findings to compare`] : compareFindings(findings.reproducible, recomputed);
    for (const difference of differences) problems.push({ kind: 'findings', file: FINDINGS_FILE, message: `re-analysis differs: ${difference}` });
    result.findingsMatch = differences.length === 0;

    let entries;
    try {
      entries = parseEvidenceLines(pack.files.get(EVIDENCE_LINES_FILE)!);
    } catch (error) {
      problems.push({ kind: 'evidence-line', file: EVIDENCE_LINES_FILE, message: `${EVIDENCE_LINES_FILE} is malformed: ${(error as Error).message}` });
      return result;
    }
    // The cited lines must be exactly those the recomputed findings cite: none dropped, none added.
    const cited = new Set(citedRequests(timeline.downloads, timeline).map((r) => `${r.source.sha256}:${r.source.line}`));
    const listedLines = new Set(entries.map((e) => `${e.sha256}:${e.line}`));
    for (const ref of cited) if (!listedLines.has(ref)) problems.push({ kind: 'evidence-line', file: EVIDENCE_LINES_FILE, message: `${EVIDENCE_LINES_FILE} lacks line ${ref.split(':')[1]} of ${ref.split(':')[0]}, which the findings cite` });
    for (const ref of listedLines) if (!cited.has(ref)) problems.push({ kind: 'evidence-line', file: EVIDENCE_LINES_FILE, message: `${EVIDENCE_LINES_FILE} holds line ${ref.split(':')[1]} of ${ref.split(':')[0]}, which no finding cites` });
    try {
      const originals = readRawLines(store, entries);
      entries.forEach((entry, i) => {
        const original = originals[i]!.bytes;
        if (!original.equals(entry.bytes)) {
          problems.push({ kind: 'evidence-line', file: EVIDENCE_LINES_FILE, message: `${EVIDENCE_LINES_FILE}: line ${entry.line} of ${originals[i]!.sourcePath} (sha256 ${entry.sha256}) differs from the original log` });
        }
      });
      result.evidenceLinesChecked = entries.length;
    } catch (error) {
      if (!isUserError(error)) throw error;
      problems.push({ kind: 'evidence-line', file: EVIDENCE_LINES_FILE, message: `${EVIDENCE_LINES_FILE} cites a line the original logs do not hold: ${error.message}` });
    }
    return result;
  } finally {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Check an evidence pack (folder or .zip). Never throws for a damaged pack: every problem is reported. */
export async function verifyEvidencePack(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const pinned = options.publicKeyPath ? readPublicKey(readKeyFile(options.publicKeyPath, '--public-key'), options.publicKeyPath) : null;
  const pack = await readPack(path);
  const problems: VerifyProblem[] = pack.oddEntries.map((entry) => ({ kind: 'extra' as const, file: entry.path, message: `${entry.path} is ${entry.what}: packs hold regular files only` }));
  const manifestBytes = pack.files.get(MANIFEST_FILE);
  const checkedWith = `${TOOL_NAME} ${TOOL_VERSION}`;
  const finish = (rest: Omit<VerifyReport, 'where' | 'ok' | 'problems' | 'checkedWith'>): VerifyReport => ({ where: path, ok: problems.length === 0, problems, checkedWith, ...rest });
  if (manifestBytes === undefined) {
    problems.push({ kind: 'missing', file: MANIFEST_FILE, message: `${MANIFEST_FILE} is missing: nothing in ${path} can be checked` });
    return finish({ filesMatched: 0, filesListed: 0, manifestSha256: null, madeWith: null, signature: null, reanalysis: null });
  }
  let manifest;
  try {
    manifest = parseManifest(manifestBytes, path);
  } catch (error) {
    if (!isUserError(error)) throw error;
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: error.message });
    return finish({ filesMatched: 0, filesListed: 0, manifestSha256: sha256Hex(manifestBytes), madeWith: null, signature: null, reanalysis: null });
  }
  let matched = 0;
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    listed.add(entry.path);
    const data = pack.files.get(entry.path);
    if (data === undefined) {
      problems.push({ kind: 'missing', file: entry.path, message: `${entry.path} is missing (listed in ${MANIFEST_FILE})` });
      continue;
    }
    const sha256 = sha256Hex(data);
    if (sha256 !== entry.sha256) {
      problems.push({ kind: 'altered', file: entry.path, message: `${entry.path} was altered: sha256 ${sha256} (${data.length} bytes), ${MANIFEST_FILE} says ${entry.sha256} (${entry.bytes} bytes)` });
    } else matched++;
  }
  for (const name of [...pack.files.keys()].sort()) {
    if (!listed.has(name) && !MANIFEST_FILES.includes(name)) problems.push({ kind: 'extra', file: name, message: `${name} is not listed in ${MANIFEST_FILE}: it was added to the pack` });
  }
  const signature = checkSignature(pack, pinned, problems);

  let reanalysis: VerifyReport['reanalysis'] = null;
  if (options.logs && options.logs.length > 0) {
    const needed = [PROVENANCE_FILE, FINDINGS_FILE, EVIDENCE_LINES_FILE];
    const unusable = needed.filter((name) => problems.some((p) => p.file === name) || !pack.files.has(name));
    if (unusable.length > 0) {
      problems.push({ kind: 'findings', file: unusable[0]!, message: `cannot re-run the analysis: ${unusable.join(', ')} did not verify` });
    } else {
      reanalysis = await reanalyse(pack, options.logs, problems);
    }
  }
  const madeWith = typeof manifest.tool?.name === 'string' && typeof manifest.tool.version === 'string' ? `${manifest.tool.name} ${manifest.tool.version}` : null;
  return finish({ filesMatched: matched, filesListed: manifest.files.length, manifestSha256: sha256Hex(manifestBytes), madeWith, signature, reanalysis });
}
