/**
 * Reading cited log lines back, verbatim, from the case. Ingest keeps the exact input bytes
 * in `raw_blocks` (compressed blocks of consecutive lines, terminators included), so a
 * finding can quote the line exactly as the server wrote it, without the original file.
 */
import { StoreError } from '../errors';
import type { CaseStore } from './case-store';
import { decodeRawBlock, type RawBlockCodec } from './raw-block-codec';

/** A line to read: the sha256 of its source file (as given) and its 1-based number. */
export interface RawLineRef {
  readonly sha256: string;
  readonly line: number;
}

/** One line exactly as it was in the source file. */
export interface RawLine {
  readonly sha256: string;
  readonly sourcePath: string;
  readonly line: number;
  /** The exact bytes, with the line's terminator ("\n" or "\r\n") when it had one. */
  readonly bytes: Buffer;
  /**
   * False when ingest kept only the start of an over-long line (see line-reader.ts): `bytes`
   * is then its first part and `fullBytes` its length.
   */
  readonly whole: boolean;
  readonly fullBytes: number;
}

interface BlockRow {
  readonly firstLine: number;
  readonly lineCount: number;
  readonly codec: RawBlockCodec;
  readonly data: Buffer;
}

/** Split a block's bytes into lines, each keeping its "\n" (the last may lack one). */
function splitKeepingTerminators(block: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < block.length) {
    const newline = block.indexOf(10, start);
    const end = newline === -1 ? block.length : newline + 1;
    lines.push(block.subarray(start, end));
    start = end;
  }
  return lines;
}

/**
 * Read cited lines, in the order asked (duplicates kept). Throws StoreError naming the
 * source and line when the case does not hold it (a finding that cannot be quoted is a bug
 * or a damaged case, never something to skip).
 */
export function readRawLines(store: CaseStore, refs: readonly RawLineRef[]): RawLine[] {
  const findBlock = store.db.prepare(
    `SELECT first_line AS firstLine, line_count AS lineCount, codec, data FROM raw_blocks
     WHERE source_id = ? AND first_line <= ? ORDER BY first_line DESC LIMIT 1`,
  );
  const findOverlong = store.db.prepare('SELECT raw_bytes AS rawBytes FROM rejects WHERE source_id = ? AND line = ? LIMIT 1');
  const sources = new Map<string, { id: number; path: string }>();
  let cached: { sourceId: number; firstLine: number; lines: Buffer[] } | null = null;
  return refs.map((ref) => {
    let source = sources.get(ref.sha256);
    if (source === undefined) {
      const row = store.findSourceBySha256(ref.sha256);
      if (row === undefined) {
        throw new StoreError('SOURCE_NOT_IN_CASE', `no source with sha256 ${ref.sha256} in case ${store.path} (cited line ${ref.line})`);
      }
      source = { id: row.id, path: row.path };
      sources.set(ref.sha256, source);
    }
    if (cached === null || cached.sourceId !== source.id || ref.line < cached.firstLine || ref.line >= cached.firstLine + cached.lines.length) {
      const block = findBlock.get(source.id, ref.line) as BlockRow | undefined;
      if (block === undefined || ref.line >= block.firstLine + block.lineCount) {
        throw new StoreError('LINE_NOT_IN_CASE', `line ${ref.line} of ${source.path} (sha256 ${ref.sha256}) is not stored in case ${store.path}`);
      }
      const lines = splitKeepingTerminators(decodeRawBlock(block.codec, block.data));
      if (lines.length !== block.lineCount) {
        throw new StoreError(
          'RAW_BLOCK_DAMAGED',
          `raw block at line ${block.firstLine} of ${source.path} should hold ${block.lineCount} lines but holds ${lines.length}: the case file is damaged`,
        );
      }
      cached = { sourceId: source.id, firstLine: block.firstLine, lines };
    }
    const bytes = cached.lines[ref.line - cached.firstLine]!;
    let fullBytes = bytes.length;
    if (cached.lines.length === 1 && bytes[bytes.length - 1] !== 10) {
      // A single-line block without a terminator is either the file's last line or an over-long line kept in part.
      const overlong = findOverlong.get(source.id, ref.line) as { rawBytes: number } | undefined;
      if (overlong !== undefined && overlong.rawBytes > bytes.length) fullBytes = overlong.rawBytes;
    }
    return { sha256: ref.sha256, sourcePath: source.path, line: ref.line, bytes, whole: fullBytes === bytes.length, fullBytes };
  });
}
