/**
 * Worker-thread entry point: runs {@link parseInput} for one file and posts its messages to
 * the main thread, which stores them. The worker reads ahead at most
 * {@link MAX_BATCHES_IN_FLIGHT} batches that the main thread has not yet stored, so memory
 * stays bounded when parsing outruns the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LogwitnessError } from '../errors';
import { parseInput, type ParseRequest } from './parse-input';
import { MAX_BATCHES_IN_FLIGHT, type WorkerFailure } from './parse-transport';

const port = parentPort!;
let inFlight = 0;
let wake: (() => void) | null = null;
function onMessage(message: unknown): void {
  if (message === 'stored') {
    inFlight--;
    const resolve = wake;
    wake = null;
    resolve?.();
  }
}
port.on('message', onMessage);

async function run(request: ParseRequest): Promise<void> {
  try {
    for await (const message of parseInput(request)) {
      if (message.kind === 'batch') {
        // The numbers move to the main thread without a copy.
        port.postMessage(message, [message.batch.numbers.buffer as ArrayBuffer]);
        inFlight++;
        while (inFlight >= MAX_BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
      } else {
        port.postMessage(message);
      }
    }
  } catch (error) {
    const failure: WorkerFailure = {
      kind: 'failed',
      name: error instanceof Error ? error.name : 'Error',
      code: error instanceof LogwitnessError ? error.code : ((error as { code?: string } | null)?.code ?? null),
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? (error.stack ?? null) : null,
    };
    port.postMessage(failure);
  }
  // Nothing left to wait for: let the worker exit once its messages are out.
  port.off('message', onMessage);
}

void run(workerData as ParseRequest);
