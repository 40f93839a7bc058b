/**
 * Runs {@link parseInput} either on a worker thread (large files: parsing, hashing and
 * compression then overlap the main thread's database writes, using a second core) or on
 * the main thread (small files and stdin, where starting a worker costs more than it saves).
 * Both give the same messages in the same order, so the case is the same either way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, InternalError, StoreError } from '../errors';
import { parseInput, type ParseMessage, type ParseRequest } from './parse-input';

/** How many parsed batches a worker may have posted that the main thread has not stored yet. */
export const MAX_BATCHES_IN_FLIGHT = 4;

/** Files at least this large are parsed on a worker thread when the choice is "auto". */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** An exception inside the worker, sent as plain data. */
export interface WorkerFailure {
  readonly kind: 'failed';
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
  readonly stack: string | null;
}

/** The messages of one input, in order. */
export interface ParseStream {
  /** The next message, or null after the last. Rejects when parsing failed unexpectedly. */
  next(): Promise<ParseMessage | null>;
  /** Whether {@link next} would answer without waiting for the parser. */
  hasMessage(): boolean;
  /** Tell the parser a batch has been stored, so it may read further ahead. */
  stored(): void;
  /** Stop parsing (the rest of the input is not needed). */
  close(): Promise<void>;
}

function inThread(request: ParseRequest): ParseStream {
  const messages = parseInput(request);
  return {
    async next() {
      const next = await messages.next();
      return next.done ? null : next.value;
    },
    // The parser runs on this thread: the caller never waits for it.
    hasMessage: () => true,
    stored() {},
    async close() {
      await messages.return();
    },
  };
}

function errorOf(failure: WorkerFailure): Error {
  const rebuilt =
    failure.name === 'InputError'
      ? new InputError(failure.code ?? 'INPUT_ERROR', failure.message)
      : failure.name === 'StoreError'
        ? new StoreError(failure.code ?? 'STORE_ERROR', failure.message)
        : new InternalError('PARSE_WORKER_FAILED', `parsing failed on the worker thread: ${failure.message}`);
  if (failure.stack !== null) rebuilt.stack = failure.stack;
  return rebuilt;
}

/** The worker script beside this module (compiled .js; the .ts source under tsx in development). */
function workerScript(): { file: string; execArgv: string[] } {
  const compiled = join(__dirname, 'parse-worker.js');
  if (existsSync(compiled)) return { file: compiled, execArgv: [] };
  return { file: join(__dirname, 'parse-worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
}

function onWorker(request: ParseRequest): ParseStream {
  const script = workerScript();
  // A small young generation: the parser makes short-lived strings at a high rate, and the
  // default semi-spaces kept ~30 MiB more resident for no measurable speed.
  const worker = new Worker(script.file, { workerData: request, execArgv: script.execArgv, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const queue: (ParseMessage | WorkerFailure)[] = [];
  let finished = false;
  /** Set once the last message arrived or the caller stopped: the worker is then ended on purpose. */
  let stopping = false;
  let crash: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  worker.on('message', (message: ParseMessage | WorkerFailure) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    crash ??= new InternalError('PARSE_WORKER_FAILED', `the parsing worker thread stopped: ${error.message}`, { cause: error });
    notify();
  });
  worker.on('exit', (code) => {
    finished = true;
    if (code !== 0 && !stopping && crash === null) crash = new InternalError('PARSE_WORKER_FAILED', `the parsing worker thread exited with code ${code}`);
    notify();
  });
  return {
    async next() {
      for (;;) {
        const message = queue.shift();
        if (message !== undefined) {
          if (message.kind === 'failed') throw errorOf(message);
          if (message.kind === 'end') {
            stopping = true;
            await worker.terminate();
          }
          return message;
        }
        if (crash !== null) throw crash;
        if (finished) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    hasMessage: () => queue.length > 0 || crash !== null || finished,
    stored() {
      worker.postMessage('stored');
    },
    async close() {
      stopping = true;
      await worker.terminate();
    },
  };
}

/** Start parsing an input on a worker thread or on this one. */
export function startParse(request: ParseRequest, useWorker: boolean): ParseStream {
  return useWorker && request.path !== '-' ? onWorker(request) : inThread(request);
}
