/**
 * Reads an input (plain, gzip, or stdin) as batches of lines while hashing it.
 *
 * - Line numbers count "\n" terminators from 1; a final line without a terminator counts.
 * - "\r\n" and a lone trailing "\r" are stripped for parsing; the raw bytes keep them.
 * - Text is decoded as UTF-8 with U+FFFD for invalid bytes; the raw bytes stay exact.
 * - A line longer than {@link MAX_LINE_BYTES} is not held in memory: its first
 *   {@link KEPT_OVERLONG_BYTES} are kept and its full length is reported.
 * - Files are opened read-only and never written.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip, createInflateRaw, type Gunzip } from 'node:zlib';

export const MAX_LINE_BYTES = 1024 * 1024;
export const KEPT_OVERLONG_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface LineBatch {
  /** Number of the first line of the batch (1-based). */
  readonly firstLine: number;
  /** The lines, decoded, without terminators. */
  readonly lines: readonly string[];
  /** The exact bytes of these lines, terminators included. */
  readonly rawBytes: Buffer;
  /** For a batch holding one over-long line: its full length in bytes. */
  readonly overlongBytes: number | null;
  /**
   * True for a batch holding the last, unterminated line read before the input turned out
   * to be damaged (truncated or corrupt .gz, read error): the line is cut short, so its
   * fields (a byte count, say) cannot be trusted.
   */
  readonly cutShort?: boolean;
}

export interface ReadTotals {
  /** sha256 of the input as given (compressed bytes for .gz). */
  readonly sha256: string;
  /** sha256 of the decompressed text (same as sha256 for plain input). */
  readonly contentSha256: string;
  /** Bytes of the input as given. */
  readonly sizeBytes: number;
  readonly compression: 'gzip' | null;
  /** Why reading stopped early (a truncated or corrupt .gz, a read error), or null. */
  readonly error: string | null;
}

export interface OpenedInput {
  readonly batches: AsyncGenerator<LineBatch, void, undefined>;
  /** Available once `batches` is exhausted. */
  totals(): ReadTotals;
  /** Bytes of the input read so far (for progress). */
  bytesRead(): number;
}

function startsWithGzipMagic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Peek at the first chunk of a stream (stdin) to see whether it is gzip, without losing it. */
async function peekStream(stream: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer | null = first.done ? null : Buffer.from(first.value as Buffer);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head !== null) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { gzip: head !== null && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b, stream: Readable.from(replay()) };
}

function splitBlock(block: Buffer): string[] {
  const lines = block.toString('utf8').split('\n');
  lines.pop(); // the block ends with "\n"
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

async function* batchesOf(content: AsyncIterable<Buffer>, contentHash: Hash | null): AsyncGenerator<LineBatch, void, undefined> {
  let lineNumber = 1;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overlongBytes = 0; // > 0 while inside a line past MAX_LINE_BYTES

  function* flushCarry(cutShort = false): Generator<LineBatch> {
    if (carryBytes === 0 && overlongBytes === 0) return;
    const raw = Buffer.concat(carry);
    let text = raw.toString('utf8');
    if (text.endsWith('\n')) text = text.slice(0, -1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const batch: LineBatch = { firstLine: lineNumber++, lines: [text], rawBytes: raw, overlongBytes: overlongBytes > 0 ? overlongBytes : null };
    yield cutShort ? { ...batch, cutShort } : batch;
    carry = [];
    carryBytes = 0;
    overlongBytes = 0;
  }

  function keep(part: Buffer): void {
    if (overlongBytes > 0) {
      overlongBytes += part.length;
      return;
    }
    if (carryBytes + part.length > MAX_LINE_BYTES) {
      const room = Math.max(0, KEPT_OVERLONG_BYTES - carryBytes);
      if (carryBytes > KEPT_OVERLONG_BYTES) {
        const kept = Buffer.concat(carry).subarray(0, KEPT_OVERLONG_BYTES);
        carry = [kept];
      } else {
        carry.push(part.subarray(0, room));
      }
      overlongBytes = carryBytes + part.length;
      carryBytes = KEPT_OVERLONG_BYTES;
      return;
    }
    carry.push(part);
    carryBytes += part.length;
  }

  try {
    for await (const chunk of content) {
      contentHash?.update(chunk);
      let start = 0;
      if (carryBytes > 0 || overlongBytes > 0) {
        const newline = chunk.indexOf(10);
        if (newline === -1) {
          keep(chunk);
          continue;
        }
        keep(chunk.subarray(0, newline + 1));
        yield* flushCarry();
        start = newline + 1;
      }
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline >= start) {
        const block = chunk.subarray(start, lastNewline + 1);
        const lines = splitBlock(block);
        yield { firstLine: lineNumber, lines, rawBytes: block, overlongBytes: null };
        lineNumber += lines.length;
        start = lastNewline + 1;
      }
      if (start < chunk.length) keep(chunk.subarray(start));
    }
  } catch (error) {
    // The input is damaged: the partial line read so far is kept and accounted for.
    yield* flushCarry(true);
    throw error;
  }
  yield* flushCarry();
}

/** Above this many decompressed bytes waiting to be read, the compressed input is paused. */
const MAX_QUEUED_BYTES = 8 * CHUNK_BYTES;

/**
 * Decompress `source` through `gunzip`, yielding every chunk gunzip produced before it failed
 * and then its error. (Piping and async iteration drop the chunks still buffered in a stream
 * that errors: for a .gz whose CRC is wrong, that would lose megabytes of readable lines.)
 * gunzip's output flows freely into a queue; memory stays bounded by pausing `source`, the
 * compressed input, which is written to gunzip here rather than piped so nothing resumes it
 * behind our back. Listeners are attached now, before `source` starts flowing.
 *
 * Node's zlib also drops the output of the one call that detects the damage (up to a chunk:
 * 1 MiB). When the input is a file (`recoverFrom`), that tail is recovered by
 * {@link inflateFirstMemberAfter} before the error is passed on.
 */
function gunzipKeepingOutput(source: Readable, gunzip: Gunzip, recoverFrom: string | null): AsyncGenerator<Buffer, void, undefined> {
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let failure: Error | null = null;
  let ended = false;
  let needDrain = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const maybeResume = (): void => {
    if (!needDrain && queuedBytes < MAX_QUEUED_BYTES / 4 && source.isPaused()) source.resume();
  };
  source.on('data', (chunk: Buffer) => {
    if (!gunzip.write(chunk)) {
      needDrain = true;
      source.pause();
    }
  });
  source.on('end', () => gunzip.end());
  source.on('error', (error: Error) => gunzip.destroy(error));
  gunzip.on('drain', () => {
    needDrain = false;
    maybeResume();
  });
  gunzip.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queuedBytes += chunk.length;
    if (queuedBytes > MAX_QUEUED_BYTES) source.pause();
    notify();
  });
  gunzip.on('end', () => {
    ended = true;
    notify();
  });
  gunzip.on('error', (error: Error) => {
    failure ??= error;
    notify();
  });
  gunzip.on('close', () => {
    ended = true;
    notify();
  });
  async function* drain(): AsyncGenerator<Buffer, void, undefined> {
    let deliveredBytes = 0;
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          queuedBytes -= chunk.length;
          maybeResume();
          deliveredBytes += chunk.length;
          yield chunk;
          continue;
        }
        if (failure !== null) {
          if (recoverFrom !== null) yield* inflateFirstMemberAfter(recoverFrom, deliveredBytes);
          throw failure;
        }
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      gunzip.destroy();
    }
  }
  return drain();
}

/** Length of the gzip member header at the start of `head` (RFC 1952 §2.3), or null if it is not one. */
function gzipHeaderLength(head: Buffer): number | null {
  if (head.length < 10 || head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 8 || (head[3]! & 0xe0) !== 0) return null;
  const flags = head[3]!;
  let at = 10;
  if (flags & 4) at += 2 + head.readUInt16LE(at); // FEXTRA
  for (const flag of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (flags & flag) {
      const end = head.indexOf(0, at);
      if (end === -1) return null;
      at = end + 1;
    }
  }
  if (flags & 2) at += 2; // FHCRC
  return at <= head.length ? at : null;
}

/**
 * The decompressed bytes of a .gz file's first member from offset `skipBytes` on, read with a
 * raw inflater that does not check the trailer, in small chunks, until the data ends or fails.
 * They are the bytes gunzip produced but zlib dropped with its error (a wrong CRC or length
 * in the trailer drops up to a whole chunk of good lines). If the damage lies in a later
 * member, the first member ends before `skipBytes` and nothing is yielded.
 */
async function* inflateFirstMemberAfter(path: string, skipBytes: number): AsyncGenerator<Buffer, void, undefined> {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(64 * 1024);
  let headBytes: number;
  try {
    headBytes = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const start = gzipHeaderLength(head.subarray(0, headBytes));
  if (start === null) return;
  const input = createReadStream(path, { start, highWaterMark: 64 * 1024 });
  const inflate = createInflateRaw({ chunkSize: 16 * 1024 });
  input.on('error', (error) => inflate.destroy(error));
  input.pipe(inflate);
  let seenBytes = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      const endBytes = seenBytes + chunk.length;
      if (endBytes > skipBytes) yield seenBytes >= skipBytes ? chunk : chunk.subarray(skipBytes - seenBytes);
      seenBytes = endBytes;
    }
  } catch {
    // The same damage, met again: what could be read has been yielded.
  } finally {
    input.destroy();
    inflate.destroy();
  }
}

/** Open a file (or stdin, for path "-") for reading as line batches. */
export async function openInput(path: string): Promise<OpenedInput> {
  const rawHash = createHash('sha256');
  const contentHash = createHash('sha256');
  let sizeBytes = 0;
  let error: string | null = null;
  let source: Readable;
  let gzip: boolean;
  if (path === '-') {
    const peeked = await peekStream(process.stdin);
    source = peeked.stream;
    gzip = peeked.gzip;
  } else {
    gzip = startsWithGzipMagic(path);
    source = createReadStream(path, { flags: 'r', highWaterMark: CHUNK_BYTES });
  }
  source.on('data', (chunk: Buffer) => {
    rawHash.update(chunk);
    sizeBytes += chunk.length;
  });
  const content: AsyncIterable<Buffer> = gzip ? gunzipKeepingOutput(source, createGunzip({ chunkSize: CHUNK_BYTES }), path === '-' ? null : path) : source;

  async function* guarded(): AsyncGenerator<LineBatch, void, undefined> {
    try {
      yield* batchesOf(content, gzip ? contentHash : null);
    } catch (readError) {
      // A truncated or corrupt .gz: what was readable has been yielded; report the damage.
      error = gzip
        ? `gzip data is damaged after ${sizeBytes} compressed bytes: ${(readError as Error).message}`
        : `read failed after ${sizeBytes} bytes: ${(readError as Error).message}`;
      source.destroy();
      // Hash the rest of the file as given, so the recorded sha256 is of the whole file.
      if (path !== '-') {
        const rest = createReadStream(path, { start: sizeBytes });
        for await (const chunk of rest) {
          rawHash.update(chunk as Buffer);
          sizeBytes += (chunk as Buffer).length;
        }
      }
    }
  }

  let totals: ReadTotals | null = null;
  return {
    batches: guarded(),
    bytesRead: () => sizeBytes,
    totals(): ReadTotals {
      if (totals === null) {
        const sha256 = rawHash.digest('hex');
        totals = {
          sha256,
          contentSha256: gzip ? contentHash.digest('hex') : sha256,
          sizeBytes,
          compression: gzip ? 'gzip' : null,
          error,
        };
      }
      return totals;
    },
  };
}

/** sha256 of a file's bytes, read-only. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
