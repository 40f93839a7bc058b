/**
 * Ingest: read each input, choose its format, parse every line, and store the requests,
 * rejects and raw lines in the case, one transaction per file.
 *
 * Accounting: for every file, lines = parsed + rejected + skipped (blank lines, comments and
 * format headers). Nothing is dropped silently.
 */
import { statSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { InputError } from '../errors';
import type { LineParser, LogFormat, ParserOptions } from '../formats/log-format';
import type { AccessRecord } from '../model';
import { resolveFormat } from '../formats/resolve-format';
import type { CaseStore } from '../store/case-store';
import { IngestWriter } from '../store/ingest-writer';
import { normalizeTargetPath } from '../url-path';
import { detectFormat, DETECTION_LINES } from './detect-format';
import { expandInputs, type InputFile } from './input-files';
import { hashFile, KEPT_OVERLONG_BYTES, MAX_LINE_BYTES, openInput, type LineBatch, type OpenedInput } from './line-reader';

export interface IngestOptions {
  /** A format name or a LogFormat string; null or absent to detect per file. */
  readonly format?: string | null;
  /** Time zone for formats whose times carry no offset (IANA name or ±HH:MM). */
  readonly assumeTz?: string | null;
  readonly onProgress?: (progress: IngestProgress) => void;
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
}

/** Rejects keep at most this much of the line's text (the full bytes are in raw_blocks). */
const MAX_REJECT_TEXT = KEPT_OVERLONG_BYTES;
/** Drop and rebuild the request indexes when a run adds at least this share of the case. */
const REBUILD_INDEX_RATIO = 0.5;
/** Rough bytes per log line, to estimate how many rows a run will add. */
const ESTIMATED_LINE_BYTES = 150;

class FileCounts {
  lines = 0;
  parsed = 0;
  /** Requests stored: equal to parsed unless some lines held two requests. */
  requests = 0;
  rejected = 0;
  blank = 0;
  firstTimeMs: number | null = null;
  lastTimeMs: number | null = null;
}

function refused(path: string, sha256: string | null, error: string): FileIngestResult {
  return { path, sha256, format: null, lines: 0, parsed: 0, rejected: 0, blank: 0, skipped: false, status: 'refused', error, firstTimeMs: null, lastTimeMs: null };
}

/** Pull batches until enough lines are buffered to detect the format (or the input ends). */
async function bufferForDetection(input: OpenedInput): Promise<{ buffered: LineBatch[]; sample: string[] }> {
  const buffered: LineBatch[] = [];
  const sample: string[] = [];
  while (sample.length < DETECTION_LINES) {
    const next = await input.batches.next();
    if (next.done) break;
    buffered.push(next.value);
    for (const line of next.value.lines) if (sample.length < DETECTION_LINES) sample.push(line);
  }
  return { buffered, sample };
}

function chooseFormat(explicit: LogFormat | null, sample: readonly string[], options: ParserOptions, label: string): { format: LogFormat; detail: string | null } {
  if (explicit !== null) return { format: explicit, detail: 'given with --format' };
  const detected = detectFormat(sample, options, label);
  return { format: detected.format, detail: `detected: ${detected.scores.map((s) => `${s.format}=${s.score.toFixed(3)}`).join(' ')}` };
}

function timeBasisOf(format: LogFormat, assumeTz: string | null): string {
  if (format.needsTimeZone) return `local time, assumed ${assumeTz}`;
  return format.timeBasis ?? 'UTC offset written in each line';
}

async function ingestOne(
  store: CaseStore,
  writer: IngestWriter,
  input: InputFile,
  explicitFormat: LogFormat | null,
  options: IngestOptions,
  position: { index: number; count: number },
): Promise<FileIngestResult> {
  const label = input.kind === 'stdin' ? '(stdin)' : input.path;
  const parserOptions: ParserOptions = { assumeTz: options.assumeTz ?? null };
  let before: { size: number; mtimeMs: number } | null = null;
  let preHash: string | null = null;
  if (input.kind === 'file') {
    const stats = statSync(input.path);
    before = { size: stats.size, mtimeMs: stats.mtimeMs };
    preHash = await hashFile(input.path);
    const existing = store.findSourceBySha256(preHash);
    if (existing !== undefined) {
      return {
        path: label, sha256: preHash, format: existing.format, lines: existing.lines, parsed: existing.parsed,
        rejected: existing.rejected, blank: existing.skippedLines, skipped: true, status: existing.status, error: existing.error,
        firstTimeMs: existing.firstTimeMs, lastTimeMs: existing.lastTimeMs,
      };
    }
  }

  const opened = await openInput(input.path);
  const { buffered, sample } = await bufferForDetection(opened);
  let chosen: { format: LogFormat | null; detail: string | null };
  if (sample.every((line) => line.trim() === '')) {
    chosen = { format: null, detail: 'no log lines' };
  } else {
    try {
      chosen = chooseFormat(explicitFormat, sample, parserOptions, label);
    } catch (error) {
      await opened.batches.return();
      if (error instanceof InputError) return refused(label, preHash, error.message);
      throw error;
    }
    if (chosen.format!.needsTimeZone && parserOptions.assumeTz === null) {
      await opened.batches.return();
      return refused(label, preHash, `${label}: ${chosen.format!.name} times carry no UTC offset; say which zone the server used with --assume-tz (for example --assume-tz Europe/London or --assume-tz +01:00)`);
    }
  }
  const format = chosen.format;
  const parser: LineParser | null = format?.createParser(parserOptions) ?? null;

  writer.begin();
  // Another process may have stored the same file while this one waited for the write lock.
  const storedMeanwhile = preHash === null ? undefined : store.findSourceBySha256(preHash);
  if (storedMeanwhile !== undefined) {
    writer.rollback();
    await opened.batches.return();
    return {
      path: label, sha256: preHash, format: storedMeanwhile.format, lines: storedMeanwhile.lines, parsed: storedMeanwhile.parsed,
      rejected: storedMeanwhile.rejected, blank: storedMeanwhile.skippedLines, skipped: true, status: storedMeanwhile.status,
      error: storedMeanwhile.error, firstTimeMs: storedMeanwhile.firstTimeMs, lastTimeMs: storedMeanwhile.lastTimeMs,
    };
  }
  try {
    const sourceId = writer.addSource({
      path: label,
      sizeBytes: before?.size ?? null,
      mtimeMs: before?.mtimeMs ?? null,
      sha256: preHash ?? `pending:${process.pid}:${Date.now()}`,
      format: format?.name ?? 'empty',
      formatDetail: chosen.detail,
      timeBasis: format === null ? 'no times' : timeBasisOf(format, parserOptions.assumeTz),
      ingestOptions: JSON.stringify({ format: options.format ?? null, assumeTz: options.assumeTz ?? null }),
    });
    const counts = new FileCounts();
    const storeRecord = (lineNumber: number, record: AccessRecord): void => {
      counts.requests++;
      if (counts.firstTimeMs === null || record.timeMs < counts.firstTimeMs) counts.firstTimeMs = record.timeMs;
      if (counts.lastTimeMs === null || record.timeMs > counts.lastTimeMs) counts.lastTimeMs = record.timeMs;
      writer.addRequest(sourceId, {
        line: lineNumber,
        record,
        clientIp: record.remoteIp,
        path: record.target === null ? null : normalizeTargetPath(record.target),
      });
    };
    const handleBatch = (batch: LineBatch): void => {
      writer.addRawBlock(sourceId, batch.firstLine, batch.lines.length, deflateRawSync(batch.rawBytes, { level: 1 }));
      // The byte length of a rejected line, found lazily in the batch's raw bytes (the decoded
      // text is longer when invalid UTF-8 became U+FFFD).
      let cursorLine = 0;
      let cursorOffset = 0;
      const rawLengthOf = (index: number): number => {
        for (; cursorLine < index; cursorLine++) cursorOffset = batch.rawBytes.indexOf(10, cursorOffset) + 1;
        const newline = batch.rawBytes.indexOf(10, cursorOffset);
        let end = newline === -1 ? batch.rawBytes.length : newline;
        if (end > cursorOffset && batch.rawBytes[end - 1] === 13) end--;
        return end - cursorOffset;
      };
      for (let i = 0; i < batch.lines.length; i++) {
        const lineNumber = batch.firstLine + i;
        const text = batch.lines[i]!;
        counts.lines++;
        if (batch.overlongBytes !== null) {
          counts.rejected++;
          writer.addReject(sourceId, lineNumber, `line is ${batch.overlongBytes} bytes, over the ${MAX_LINE_BYTES}-byte limit (first ${KEPT_OVERLONG_BYTES} bytes kept)`, text, batch.overlongBytes);
          continue;
        }
        if (batch.cutShort === true) {
          counts.rejected++;
          writer.addReject(sourceId, lineNumber, 'line cut short: the input is damaged here (its fields cannot be trusted)', text.slice(0, MAX_REJECT_TEXT), batch.rawBytes.length);
          continue;
        }
        if (parser === null || text.trim() === '') {
          counts.blank++;
          continue;
        }
        const result = parser.parseLine(text);
        if (result.kind === 'skip') {
          counts.blank++;
        } else if (result.kind === 'reject') {
          counts.rejected++;
          writer.addReject(sourceId, lineNumber, result.reason, text.slice(0, MAX_REJECT_TEXT), rawLengthOf(i));
        } else {
          counts.parsed++;
          storeRecord(lineNumber, result.record);
          if (result.more !== undefined) for (const record of result.more) storeRecord(lineNumber, record);
        }
      }
      options.onProgress?.({
        path: label, fileIndex: position.index, fileCount: position.count, bytesRead: opened.bytesRead(),
        sizeBytes: before?.size ?? null, lines: counts.lines,
      });
    };
    for (const batch of buffered) handleBatch(batch);
    for await (const batch of opened.batches) handleBatch(batch);

    const totals = opened.totals();
    if (input.kind === 'file') {
      const after = statSync(input.path);
      if (totals.sha256 !== preHash || after.size !== before!.size || after.mtimeMs !== before!.mtimeMs) {
        writer.rollback();
        return refused(label, preHash, `${label} changed while it was being read (sha256 or size differs between the start and the end of the read); nothing was stored. Ingest a copy that is no longer being written.`);
      }
    } else if (store.findSourceBySha256(totals.sha256) !== undefined) {
      writer.rollback();
      const existing = store.findSourceBySha256(totals.sha256)!;
      return { path: label, sha256: totals.sha256, format: existing.format, lines: existing.lines, parsed: existing.parsed, rejected: existing.rejected, blank: existing.skippedLines, skipped: true, status: existing.status, error: existing.error, firstTimeMs: existing.firstTimeMs, lastTimeMs: existing.lastTimeMs };
    }
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
      path: label, sha256: totals.sha256, format: format?.name ?? 'empty', lines: counts.lines, parsed: counts.parsed,
      rejected: counts.rejected, blank: counts.blank, skipped: false, status, error: totals.error === null ? null : `${label}: ${totals.error}`,
      firstTimeMs: counts.firstTimeMs, lastTimeMs: counts.lastTimeMs,
    };
  } catch (error) {
    writer.rollback();
    throw error;
  }
}

/**
 * Ingest files, .gz files, directories (recursively) and "-" (stdin) into the case.
 * Files already in the case (same sha256) are reported as skipped and add nothing.
 */
export async function ingestPaths(store: CaseStore, paths: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  const inputs = expandInputs(paths);
  const explicitFormat = options.format ? resolveFormat(options.format) : null;
  const writer = new IngestWriter(store);
  const incomingBytes = inputs.reduce((sum, input) => sum + (input.kind === 'file' ? statSync(input.path).size : 0), 0);
  const rebuildIndexes = incomingBytes / ESTIMATED_LINE_BYTES >= store.countRequests() * REBUILD_INDEX_RATIO;
  if (rebuildIndexes) writer.dropRequestIndexes();
  const files: FileIngestResult[] = [];
  try {
    for (let index = 0; index < inputs.length; index++) {
      files.push(await ingestOne(store, writer, inputs[index]!, explicitFormat, options, { index, count: inputs.length }));
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
  return { files, totals };
}

