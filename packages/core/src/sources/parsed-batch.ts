/**
 * A batch of lines turned into rows ready to store, in a compact form that crosses a
 * worker-thread boundary cheaply: numbers in one Float64Array, repeated strings (addresses,
 * paths, user agents, referrers, methods, protocols) replaced by small per-file reference
 * numbers whose strings are sent once, and the batch's raw bytes.
 *
 * The encoder runs where the parsing runs (a worker thread for large files, the main thread
 * otherwise); the store's IngestWriter decodes. Keeping every per-line decision here (what is
 * blank, rejected or parsed, the client address choice, the normalised path, what a reject
 * records) means both transports give byte-identical cases.
 */
import type { LineParser } from '../formats/log-format';
import type { AccessRecord } from '../model';
import { encodeRawBlock } from '../store/raw-block-codec';
import { normalizeTargetPath } from '../url-path';
import { KEPT_OVERLONG_BYTES, MAX_LINE_BYTES, type LineBatch } from './line-reader';

/** Rejects keep at most this much of the line's text (the full bytes are in raw_blocks). */
const MAX_REJECT_TEXT = KEPT_OVERLONG_BYTES;
/**
 * Past this many distinct strings in one table, the per-file reference numbers start again
 * (the writer is told), so memory stays bounded on hostile input with endless distinct values.
 */
export const MAX_REFERENCED_STRINGS = 500_000;

/** Positions of the numeric columns of one row in {@link ParsedBatch.numbers}. NaN stands for null. */
export const enum Col {
  Line = 0,
  TimeMs,
  UtcOffsetMin,
  ClientIp,
  RemoteIp,
  Path,
  Status,
  Bytes,
  Referrer,
  Agent,
  Method,
  Protocol,
}
export const COLUMN_COUNT = 12;

/** The interned string tables; reference numbers are per table and per file. */
export const STRING_TABLES = ['ips', 'paths', 'agents', 'referrers', 'words'] as const;
export type StringTable = (typeof STRING_TABLES)[number];

/** Fields most formats leave empty: sent only for the rows that have any of them. */
export type RareFields = Pick<
  AccessRecord,
  'forwardedFor' | 'requestLine' | 'ident' | 'user' | 'vhost' | 'serverPort' | 'durationUs' | 'rangeHeader' | 'contentRange' | 'rangeStart' | 'rangeEnd' | 'objectSize'
> & {
  /** AccessRecord.extra as JSON. */
  readonly extra: string | null;
};

export interface BatchReject {
  readonly line: number;
  readonly reason: string;
  /** The line decoded for display, at most 64 KiB of it. */
  readonly raw: string;
  /** Its full length in bytes (terminator excluded). */
  readonly rawBytes: number;
}

export interface ParsedBatch {
  readonly firstLine: number;
  readonly lineCount: number;
  /** The batch's exact bytes, compressed with {@link RAW_BLOCK_CODEC}. */
  readonly rawBlock: Uint8Array;
  /** Rows: {@link COLUMN_COUNT} numbers each. */
  readonly rowCount: number;
  readonly numbers: Float64Array;
  /** The request target as sent, per row, when it differs from the normalised path. */
  readonly targets: readonly (string | null)[];
  /** Row indexes having rare fields, and those fields. */
  readonly rareRows: readonly number[];
  readonly rare: readonly RareFields[];
  readonly rejects: readonly BatchReject[];
  /** Strings first referenced in this batch, per table, in reference-number order. */
  readonly newStrings: Readonly<Record<StringTable, readonly string[]>>;
  /** Tables whose reference numbers started again from 0 before this batch's new strings. */
  readonly resetTables: readonly StringTable[];
  readonly parsed: number;
  readonly rejected: number;
  readonly blank: number;
  readonly firstTimeMs: number | null;
  readonly lastTimeMs: number | null;
  /** Bytes of the input read so far, for progress. */
  readonly bytesRead: number;
}

/**
 * A copy of a string that shares no memory with the string it came from. Field values are
 * slices of a line, itself a slice of a decoded ~1 MiB block: V8 keeps the whole block alive
 * for as long as a slice is kept, so a map keyed by slices held on to every block with a new
 * address in it (most of the file). The JSON round trip is exact for every string, lone
 * surrogates included, and runs once per distinct value.
 */
function detached(value: string): string {
  return JSON.parse(JSON.stringify(value)) as string;
}

class StringReferences {
  /**
   * Reference numbers by string, in a prototype-less object rather than a Map: a property
   * lookup goes through V8's table of internalised strings, which on the benchmark log took
   * a third less time than Map.get on the fresh slices the parser makes.
   */
  private byString: Record<string, number> = Object.create(null) as Record<string, number>;
  /** The string of each reference number. */
  readonly strings: string[] = [];
  private fresh: string[] = [];
  private reset = false;

  constructor(private readonly limit: number) {}

  refOf(value: string): number {
    let ref = this.byString[value];
    if (ref !== undefined) return ref;
    ref = this.strings.length;
    const kept = detached(value);
    this.byString[kept] = ref;
    this.strings.push(kept);
    this.fresh.push(kept);
    return ref;
  }

  /**
   * The strings first referenced since the last call, and whether the numbering started
   * again before them. The numbering restarts only between batches, so that every reference
   * in a batch uses one numbering.
   */
  take(): { fresh: string[]; reset: boolean } {
    const taken = { fresh: this.fresh, reset: this.reset };
    this.fresh = [];
    this.reset = false;
    if (this.strings.length >= this.limit) {
      this.byString = Object.create(null) as Record<string, number>;
      this.strings.length = 0;
      this.reset = true;
    }
    return taken;
  }
}

/** Chooses the client address of a request (see geo/client-ip.ts): the connecting address unless a trusted proxy forwarded it. */
export type ClientIpChooser = (remoteIp: string, forwardedFor: string | null) => string;

function hasRareFields(r: AccessRecord): boolean {
  return (
    r.forwardedFor !== null || r.requestLine !== null || r.ident !== null || r.user !== null || r.vhost !== null || r.serverPort !== null ||
    r.durationUs !== null || r.rangeHeader !== null || r.contentRange !== null || r.rangeStart !== null || r.rangeEnd !== null ||
    r.objectSize !== null || r.extra !== null
  );
}

function orNaN(value: number | null): number {
  return value === null ? NaN : value;
}

/** Turns line batches of one file into {@link ParsedBatch}es. One per file: parsers and references are per file. */
export class BatchEncoder {
  private readonly parser: LineParser | null;
  private readonly chooseClientIp: ClientIpChooser | null;
  private readonly refs: Record<StringTable, StringReferences>;
  /**
   * The user agent each client (by address reference) sent last. A client nearly always
   * sends the same one, and comparing with it costs less than hashing it for the map: on
   * the benchmark log, user-agent lookups were the largest share of the interning time.
   */
  private lastAgentOfClient: number[] = [];

  private agentRefOf(clientRef: number, agent: string): number {
    const last = this.lastAgentOfClient[clientRef];
    if (last !== undefined && this.refs.agents.strings[last] === agent) return last;
    const ref = this.refs.agents.refOf(agent);
    this.lastAgentOfClient[clientRef] = ref;
    return ref;
  }

  /**
   * `parser` null: the file has no log lines (every line counts as blank).
   * `maxReferencedStrings`: see {@link MAX_REFERENCED_STRINGS} (tests lower it).
   */
  constructor(parser: LineParser | null, chooseClientIp: ClientIpChooser | null, maxReferencedStrings = MAX_REFERENCED_STRINGS) {
    this.parser = parser;
    this.chooseClientIp = chooseClientIp;
    const references = (): StringReferences => new StringReferences(maxReferencedStrings);
    this.refs = { ips: references(), paths: references(), agents: references(), referrers: references(), words: references() };
  }

  encode(batch: LineBatch, bytesRead: number): ParsedBatch {
    const lines = batch.lines;
    let numbers = new Float64Array(lines.length * COLUMN_COUNT);
    let rowCount = 0;
    const targets: (string | null)[] = [];
    const rareRows: number[] = [];
    const rare: RareFields[] = [];
    const rejects: BatchReject[] = [];
    let parsed = 0;
    let blank = 0;
    let firstTimeMs: number | null = null;
    let lastTimeMs: number | null = null;
    const refs = this.refs;

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

    const addRow = (lineNumber: number, r: AccessRecord): void => {
      if ((rowCount + 1) * COLUMN_COUNT > numbers.length) {
        const grown = new Float64Array(numbers.length * 2 + COLUMN_COUNT * 8);
        grown.set(numbers);
        numbers = grown;
      }
      if (firstTimeMs === null || r.timeMs < firstTimeMs) firstTimeMs = r.timeMs;
      if (lastTimeMs === null || r.timeMs > lastTimeMs) lastTimeMs = r.timeMs;
      const clientIp = this.chooseClientIp === null ? r.remoteIp : this.chooseClientIp(r.remoteIp, r.forwardedFor);
      const path = r.target === null ? null : normalizeTargetPath(r.target);
      const at = rowCount * COLUMN_COUNT;
      numbers[at + Col.Line] = lineNumber;
      numbers[at + Col.TimeMs] = r.timeMs;
      numbers[at + Col.UtcOffsetMin] = r.utcOffsetMin;
      const clientRef = refs.ips.refOf(clientIp);
      numbers[at + Col.ClientIp] = clientRef;
      numbers[at + Col.RemoteIp] = r.remoteIp === clientIp ? NaN : refs.ips.refOf(r.remoteIp);
      numbers[at + Col.Path] = path === null ? NaN : refs.paths.refOf(path);
      numbers[at + Col.Status] = orNaN(r.status);
      numbers[at + Col.Bytes] = orNaN(r.bytes);
      numbers[at + Col.Referrer] = r.referrer === null ? NaN : refs.referrers.refOf(r.referrer);
      numbers[at + Col.Agent] = r.userAgent === null ? NaN : this.agentRefOf(clientRef, r.userAgent);
      numbers[at + Col.Method] = r.method === null ? NaN : refs.words.refOf(r.method);
      numbers[at + Col.Protocol] = r.protocol === null ? NaN : refs.words.refOf(r.protocol);
      targets.push(r.target === path ? null : r.target);
      if (hasRareFields(r)) {
        rareRows.push(rowCount);
        rare.push({
          forwardedFor: r.forwardedFor,
          requestLine: r.requestLine,
          ident: r.ident,
          user: r.user,
          vhost: r.vhost,
          serverPort: r.serverPort,
          durationUs: r.durationUs,
          rangeHeader: r.rangeHeader,
          contentRange: r.contentRange,
          rangeStart: r.rangeStart,
          rangeEnd: r.rangeEnd,
          objectSize: r.objectSize,
          extra: r.extra === null ? null : JSON.stringify(r.extra),
        });
      }
      rowCount++;
    };

    const parser = this.parser;
    for (let i = 0; i < lines.length; i++) {
      const lineNumber = batch.firstLine + i;
      const text = lines[i]!;
      if (batch.overlongBytes !== null) {
        rejects.push({
          line: lineNumber,
          reason: `line is ${batch.overlongBytes} bytes, over the ${MAX_LINE_BYTES}-byte limit (first ${KEPT_OVERLONG_BYTES} bytes kept)`,
          raw: text,
          rawBytes: batch.overlongBytes,
        });
        continue;
      }
      if (batch.cutShort === true) {
        rejects.push({ line: lineNumber, reason: 'line cut short: the input is damaged here (its fields cannot be trusted)', raw: text.slice(0, MAX_REJECT_TEXT), rawBytes: batch.rawBytes.length });
        continue;
      }
      if (parser === null || text.trim() === '') {
        blank++;
        continue;
      }
      const result = parser.parseLine(text);
      if (result.kind === 'skip') {
        blank++;
      } else if (result.kind === 'reject') {
        rejects.push({ line: lineNumber, reason: result.reason, raw: text.slice(0, MAX_REJECT_TEXT), rawBytes: rawLengthOf(i) });
      } else {
        parsed++;
        addRow(lineNumber, result.record);
        if (result.more !== undefined) for (const record of result.more) addRow(lineNumber, record);
      }
    }

    const newStrings = {} as Record<StringTable, readonly string[]>;
    const resetTables: StringTable[] = [];
    for (const table of STRING_TABLES) {
      const taken = refs[table].take();
      newStrings[table] = taken.fresh;
      if (taken.reset) resetTables.push(table);
    }
    // agentRefOf checks each remembered agent against the current numbering, so it stays right
    // when a numbering starts again; forgetting them then only frees what they hold.
    if (resetTables.includes('ips') || resetTables.includes('agents')) this.lastAgentOfClient = [];
    return {
      firstLine: batch.firstLine,
      lineCount: lines.length,
      // Compressed here: the parsing thread has time to spare, the storing thread has none.
      rawBlock: encodeRawBlock(batch.rawBytes),
      rowCount,
      numbers: numbers.length === rowCount * COLUMN_COUNT ? numbers : numbers.slice(0, rowCount * COLUMN_COUNT),
      targets,
      rareRows,
      rare,
      rejects,
      newStrings,
      resetTables,
      parsed,
      rejected: rejects.length,
      blank,
      firstTimeMs,
      lastTimeMs,
      bytesRead,
    };
  }
}
