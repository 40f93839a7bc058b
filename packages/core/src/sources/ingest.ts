/**
 * Ingest: read each input, choose its format, parse every line, and store the requests,
 * rejects and raw lines in the case, one transaction per file.
 *
 * Accounting: for every file, lines = parsed + rejected + skipped (blank lines, comments and
 * format headers). Nothing is dropped silently.
 *
 * Speed: large files are read, hashed, parsed and compressed on a worker thread
 * (parse-transport.ts) while this thread writes the previous batches; secondary indexes are
 * rebuilt after a large load rather than maintained row by row.
 */
import { statSync } from 'node:fs';
import { InternalError } from '../errors';
import { resolveFormat } from '../formats/resolve-format';
import type { DatabaseAttributor } from '../geo/attributor';
import { CaseAttributionRun, type AttributeClientsResult } from '../geo/case-attribution';
import type { TrustedProxies } from '../geo/client-ip';
import type { CaseStore, SourceRow } from '../store/case-store';
import { IngestWriter } from '../store/ingest-writer';
import { expandInputs, type InputFile } from './input-files';
import { hashFile, type ReadTotals } from './line-reader';
import type { ParsedBatch } from './parsed-batch';
import { startParse, WORKER_MIN_BYTES, type ParseStream } from './parse-transport';

export interface IngestOptions {
  /** A format name or a LogFormat string; null or absent to detect per file. */
  readonly format?: string | null;
  /** Time zone for formats whose times carry no offset (IANA name or ±HH:MM). */
  readonly assumeTz?: string | null;
  /** --trusted-proxy blocks: for requests from these, the client is taken from X-Forwarded-For (geo/client-ip.ts). */
  readonly trustedProxies?: TrustedProxies | null;
  /**
   * Where to parse: "auto" (default) uses a worker thread for files of 8 MiB and more;
   * "always" and "never" force the choice (tests use them to check both give the same case).
   * Stdin is always parsed on the main thread.
   */
  readonly parseWorker?: 'auto' | 'always' | 'never';
  readonly onProgress?: (progress: IngestProgress) => void;
  /**
   * Attribute the new client addresses with these databases: during the load where possible
   * (while this thread would wait for the parser), the rest after it. The result is the same
   * as {@link attributeNewClients} after the ingest.
   */
  readonly attributor?: DatabaseAttributor | null;
}

export interface IngestProgress {
  readonly path: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  readonly bytesRead: number;
  /** Size of the file as given, or null for stdin. */
  readonly sizeBytes: number | null;
  readonly lines: number;
}

export interface FileIngestResult {
  readonly path: string;
  readonly sha256: string | null;
  readonly format: string | null;
  readonly lines: number;
  readonly parsed: number;
  readonly rejected: number;
  /** Blank lines, comments and headers. */
  readonly blank: number;
  /** True when the file was already in the case (nothing added). */
  readonly skipped: boolean;
  /** complete; incomplete (damaged input: the readable part is stored); refused (nothing stored). */
  readonly status: 'complete' | 'incomplete' | 'refused';
  readonly error: string | null;
  readonly firstTimeMs: number | null;
  readonly lastTimeMs: number | null;
}

export interface IngestResult {
  readonly files: readonly FileIngestResult[];
  readonly totals: { readonly lines: number; readonly parsed: number; readonly rejected: number };
  /** What the attribution did, when an attributor was given. */
  readonly attribution: AttributeClientsResult | null;
}

/** Drop and rebuild the request indexes when a run adds at least this share of the case. */
const REBUILD_INDEX_RATIO = 0.5;
/** Rough bytes per log line, to estimate how many rows a run will add. */
const ESTIMATED_LINE_BYTES = 150;
/** Addresses attributed per turn of the event loop while the parser is behind (a few ms of work). */
const ADDRESSES_PER_TURN = 256;

class FileCounts {
  lines = 0;
  parsed = 0;
  rejected = 0;
  blank = 0;
  firstTimeMs: number | null = null;
  lastTimeMs: number | null = null;

  add(batch: ParsedBatch): void {
    this.lines += batch.lineCount;
    this.parsed += batch.parsed;
    this.rejected += batch.rejected;
    this.blank += batch.blank;
    if (batch.firstTimeMs !== null && (this.firstTimeMs === null || batch.firstTimeMs < this.firstTimeMs)) this.firstTimeMs = batch.firstTimeMs;
    if (batch.lastTimeMs !== null && (this.lastTimeMs === null || batch.lastTimeMs > this.lastTimeMs)) this.lastTimeMs = batch.lastTimeMs;
  }
}

function refused(path: string, sha256: string | null, error: string): FileIngestResult {
  return { path, sha256, format: null, lines: 0, parsed: 0, rejected: 0, blank: 0, skipped: false, status: 'refused', error, firstTimeMs: null, lastTimeMs: null };
}

function alreadyIngested(path: string, sha256: string, existing: SourceRow): FileIngestResult {
  return {
    path, sha256, format: existing.format, lines: existing.lines, parsed: existing.parsed, rejected: existing.rejected,
    blank: existing.skippedLines, skipped: true, status: existing.status, error: existing.error,
    firstTimeMs: existing.firstTimeMs, lastTimeMs: existing.lastTimeMs,
  };
}

/** Attribute a turn's worth of the addresses the writer has added; false when none were left. */
function attributeSomeAdded(writer: IngestWriter, attribution: CaseAttributionRun): boolean {
  const addresses = writer.takeAddedAddresses(ADDRESSES_PER_TURN);
  if (addresses.length === 0) return false;
  attribution.attributeNewAddresses(addresses);
  return true;
}

/**
 * While the parser has no batch ready, attribute the addresses stored so far, letting the
 * event loop turn after each few hundred so that the next batch is taken as soon as it
 * arrives: on two cores the parser is the slower side, and this thread would only wait.
 */
async function attributeWhileWaiting(stream: ParseStream, writer: IngestWriter, attribution: CaseAttributionRun): Promise<void> {
  while (!stream.hasMessage() && attributeSomeAdded(writer, attribution)) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function useWorkerFor(choice: IngestOptions['parseWorker'], sizeBytes: number | null): boolean {
  if (choice === 'always') return true;
  if (choice === 'never') return false;
  return sizeBytes !== null && sizeBytes >= WORKER_MIN_BYTES;
}

async function ingestOne(
  store: CaseStore,
  writer: IngestWriter,
  input: InputFile,
  options: IngestOptions,
  position: { index: number; count: number },
  attribution: CaseAttributionRun | null,
): Promise<FileIngestResult> {
  const label = input.kind === 'stdin' ? '(stdin)' : input.path;
  const before = input.kind === 'file' ? statSync(input.path) : null;
  const trustedProxies = options.trustedProxies?.cidrs ?? [];
  // Parsing starts at once: on a worker thread it overlaps the hash of the whole file below.
  const stream = startParse(
    { path: input.path, label, format: options.format || null, assumeTz: options.assumeTz ?? null, trustedProxies },
    useWorkerFor(options.parseWorker, before?.size ?? null),
  );
  try {
    // A file already in the case is recognised by its sha256 before it is parsed, but only a
    // file of the same size as a stored one can be: the others skip this second read.
    let preHash: string | null = null;
    if (input.kind === 'file' && store.hasSourceOfSize(before!.size)) {
      preHash = await hashFile(input.path);
      const existing = store.findSourceBySha256(preHash);
      if (existing !== undefined) return alreadyIngested(label, preHash, existing);
    }
    const first = await stream.next();
    if (first?.kind === 'refused') return refused(label, preHash, first.error);
    if (first?.kind !== 'format') throw new InternalError('PARSE_ORDER', `parsing ${label} did not start with its format`);

    writer.begin();
    writer.beginSource();
    try {
      const sourceId = writer.addSource({
        path: label,
        sizeBytes: before?.size ?? null,
        mtimeMs: before?.mtimeMs ?? null,
        sha256: preHash ?? `pending:${process.pid}:${Date.now()}`,
        format: first.format ?? 'empty',
        formatDetail: first.detail,
        timeBasis: first.timeBasis,
        ingestOptions: JSON.stringify({ format: options.format ?? null, assumeTz: options.assumeTz ?? null, trustedProxies }),
      });
      const counts = new FileCounts();
      let totals: ReadTotals | null = null;
      while (totals === null) {
        const message = await stream.next();
        if (message?.kind === 'end') {
          totals = message.totals;
        } else if (message?.kind === 'batch') {
          writer.addParsedBatch(sourceId, message.batch);
          stream.stored();
          counts.add(message.batch);
          options.onProgress?.({
            path: label, fileIndex: position.index, fileCount: position.count, bytesRead: message.batch.bytesRead,
            sizeBytes: before?.size ?? null, lines: counts.lines,
          });
          if (attribution !== null) await attributeWhileWaiting(stream, writer, attribution);
        } else {
          throw new InternalError('PARSE_ORDER', `parsing ${label} ended without its totals`);
        }
      }

      if (input.kind === 'file') {
        const after = statSync(input.path);
        if ((preHash !== null && totals.sha256 !== preHash) || after.size !== before!.size || after.mtimeMs !== before!.mtimeMs || after.ctimeMs !== before!.ctimeMs) {
          writer.rollback();
          return refused(label, preHash, `${label} changed while it was being read (sha256, size or modification time differs between the start and the end of the read); nothing was stored. Ingest a copy that is no longer being written.`);
        }
      }
      // Stdin, a file not hashed up front, or one another process stored while this one
      // waited for the write lock: checked inside the write transaction, so no race is left.
      const existing = store.findSourceBySha256(totals.sha256);
      if (existing !== undefined && existing.id !== sourceId) {
        writer.rollback();
        return alreadyIngested(label, totals.sha256, existing);
      }
      // The rest of this file's new addresses: its clients and their attributions commit together.
      if (attribution !== null) while (attributeSomeAdded(writer, attribution));
      const status = totals.error === null ? 'complete' : 'incomplete';
      writer.finishSource(sourceId, {
        sha256: totals.sha256,
        sizeBytes: totals.sizeBytes,
        contentSha256: totals.contentSha256,
        compression: totals.compression,
        lines: counts.lines,
        parsed: counts.parsed,
        rejected: counts.rejected,
        skippedLines: counts.blank,
        firstTimeMs: counts.firstTimeMs,
        lastTimeMs: counts.lastTimeMs,
        status,
        error: totals.error,
      });
      writer.commit();
      return {
        path: label, sha256: totals.sha256, format: first.format ?? 'empty', lines: counts.lines, parsed: counts.parsed,
        rejected: counts.rejected, blank: counts.blank, skipped: false, status, error: totals.error === null ? null : `${label}: ${totals.error}`,
        firstTimeMs: counts.firstTimeMs, lastTimeMs: counts.lastTimeMs,
      };
    } catch (error) {
      writer.rollback();
      throw error;
    }
  } finally {
    await stream.close();
  }
}

/**
 * Ingest files, .gz files, directories (recursively) and "-" (stdin) into the case.
 * Files already in the case (same sha256) are reported as skipped and add nothing.
 */
export async function ingestPaths(store: CaseStore, paths: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  const inputs = expandInputs(paths);
  // An unknown --format fails here, before anything is read.
  if (options.format) resolveFormat(options.format);
  const writer = new IngestWriter(store);
  const attribution = options.attributor ? new CaseAttributionRun(store, options.attributor) : null;
  // Addresses are attributed as they are stored only when each is a client's (with trusted
  // proxies, a proxy's own address is stored too) and one attribution holds for all times.
  if (attribution?.attributesWithoutTimes && (options.trustedProxies?.cidrs.length ?? 0) === 0) writer.trackAddedAddresses();
  const incomingBytes = inputs.reduce((sum, input) => sum + (input.kind === 'file' ? statSync(input.path).size : 0), 0);
  const rebuildIndexes = incomingBytes / ESTIMATED_LINE_BYTES >= store.countRequests() * REBUILD_INDEX_RATIO;
  if (rebuildIndexes) writer.dropRequestIndexes();
  const files: FileIngestResult[] = [];
  try {
    for (let index = 0; index < inputs.length; index++) {
      files.push(await ingestOne(store, writer, inputs[index]!, options, { index, count: inputs.length }, attribution));
    }
  } finally {
    if (rebuildIndexes) writer.ensureRequestIndexes();
  }
  const totals = { lines: 0, parsed: 0, rejected: 0 };
  for (const file of files) {
    if (file.skipped) continue;
    totals.lines += file.lines;
    totals.parsed += file.parsed;
    totals.rejected += file.rejected;
  }
  return { files, totals, attribution: attribution?.finish() ?? null };
}

