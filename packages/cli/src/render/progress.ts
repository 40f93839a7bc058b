/**
 * A progress bar on stderr for long ingests, only when stderr is a terminal (never in pipes,
 * CI logs or --json runs).
 */
import type { IngestProgress } from '@logwitness/core';
import { escapeForTerminal } from '@logwitness/core';
import { SingleBar } from 'cli-progress';
import { basename } from 'node:path';

export interface ProgressDisplay {
  update(progress: IngestProgress): void;
  stop(): void;
}

const MIN_BYTES_FOR_BAR = 8 * 1024 * 1024;

export function startProgress(): ProgressDisplay | null {
  if (!process.stderr.isTTY) return null;
  let bar: SingleBar | null = null;
  let currentFile = '';
  return {
    update(progress) {
      if (progress.sizeBytes === null || progress.sizeBytes < MIN_BYTES_FOR_BAR) return;
      if (progress.path !== currentFile) {
        bar?.stop();
        currentFile = progress.path;
        bar = new SingleBar(
          { format: `{file} [{bar}] {percentage}% | {lines} lines`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        );
        bar.start(progress.sizeBytes, 0, { file: escapeForTerminal(basename(progress.path)), lines: 0 });
      }
      bar?.update(Math.min(progress.bytesRead, progress.sizeBytes), { lines: progress.lines });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
