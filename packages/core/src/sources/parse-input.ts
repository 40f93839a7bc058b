/**
 * Reads one input, chooses its format and turns every line into stored-row form: the part of
 * ingest that needs no database, so it can run on a worker thread while the main thread
 * writes (see parse-transport.ts). Its output is a sequence of messages: the format (or why
 * the file is refused), the parsed batches, then the read totals (hashes, size, damage).
 */
import { InputError } from '../errors';
import { detectFormat, DETECTION_LINES } from './detect-format';
import type { LogFormat, ParserOptions } from '../formats/log-format';
import { isMissingZoneReason } from '../formats/assumed-zone';
import { resolveFormat } from '../formats/resolve-format';
import { chooseClientIp, parseTrustedProxies } from '../geo/client-ip';
import { openInput, type LineBatch, type OpenedInput, type ReadTotals } from './line-reader';
import { BatchEncoder, type ClientIpChooser, type ParsedBatch } from './parsed-batch';

/** What to parse and how: plain data, so it can be posted to a worker. */
export interface ParseRequest {
  /** A file path, or "-" for stdin (main thread only). */
  readonly path: string;
  /** How the file is named in messages ("(stdin)" for "-"). */
  readonly label: string;
  /** A format name or LogFormat string; null to detect from the first lines. */
  readonly format: string | null;
  readonly assumeTz: string | null;
  /** --trusted-proxy blocks; empty: the client is the connecting address. */
  readonly trustedProxies: readonly string[];
}

export type ParseMessage =
  | { readonly kind: 'format'; readonly format: string | null; readonly detail: string | null; readonly timeBasis: string }
  | { readonly kind: 'refused'; readonly error: string }
  | { readonly kind: 'batch'; readonly batch: ParsedBatch }
  | { readonly kind: 'end'; readonly totals: ReadTotals };

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

function timeBasisOf(format: LogFormat, assumeTz: string | null): string {
  if (format.needsTimeZone) return `local time, assumed ${assumeTz}`;
  return format.timeBasis ?? 'UTC offset written in each line';
}

function clientIpChooserOf(cidrs: readonly string[]): ClientIpChooser | null {
  if (cidrs.length === 0) return null;
  const trusted = parseTrustedProxies(cidrs);
  return (remoteIp, forwardedFor) => chooseClientIp(remoteIp, forwardedFor, trusted);
}

/**
 * Some files need a zone only because of their fields (W3C date-local/time-local, a format
 * string without %z). When every content line of the sample is rejected for that alone, the
 * file is refused with one message rather than stored as thousands of identical rejects.
 */
function everyLineLacksZone(format: LogFormat, sample: readonly string[]): boolean {
  const parser = format.createParser({ assumeTz: null });
  let considered = 0;
  for (const line of sample) {
    if (line.trim() === '') continue;
    const result = parser.parseLine(line);
    if (result.kind === 'skip') continue;
    if (result.kind !== 'reject' || !isMissingZoneReason(result.reason)) return false;
    considered++;
  }
  return considered > 0;
}

/** Parse one input into messages (see the module comment). Throws only on unexpected failures. */
export async function* parseInput(request: ParseRequest): AsyncGenerator<ParseMessage, void, undefined> {
  const { label } = request;
  const parserOptions: ParserOptions = { assumeTz: request.assumeTz };
  const opened = await openInput(request.path);
  const { buffered, sample } = await bufferForDetection(opened);
  let format: LogFormat | null = null;
  let detail: string | null = 'no log lines';
  if (!sample.every((line) => line.trim() === '')) {
    try {
      if (request.format !== null) {
        format = resolveFormat(request.format);
        detail = 'given with --format';
      } else {
        const detected = detectFormat(sample, parserOptions, label);
        format = detected.format;
        detail = `detected: ${detected.scores.map((s) => `${s.format}=${s.score.toFixed(3)}`).join(' ')}`;
      }
    } catch (error) {
      await opened.batches.return();
      if (error instanceof InputError) {
        yield { kind: 'refused', error: error.message };
        return;
      }
      throw error;
    }
    if (parserOptions.assumeTz === null && (format.needsTimeZone || everyLineLacksZone(format, sample))) {
      await opened.batches.return();
      yield {
        kind: 'refused',
        error: `${label}: ${format.name} times carry no UTC offset; say which zone the server used with --assume-tz (for example --assume-tz Europe/London or --assume-tz +01:00)`,
      };
      return;
    }
  }
  yield { kind: 'format', format: format?.name ?? null, detail, timeBasis: format === null ? 'no times' : timeBasisOf(format, parserOptions.assumeTz) };

  const encoder = new BatchEncoder(format?.createParser(parserOptions) ?? null, clientIpChooserOf(request.trustedProxies));
  for (const batch of buffered) yield { kind: 'batch', batch: encoder.encode(batch, opened.bytesRead()) };
  for await (const batch of opened.batches) yield { kind: 'batch', batch: encoder.encode(batch, opened.bytesRead()) };
  yield { kind: 'end', totals: opened.totals() };
}
