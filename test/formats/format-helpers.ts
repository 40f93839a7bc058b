/**
 * Helpers for the format tests: run a format's parser over a file or lines, one parser per
 * file as ingest does, and keep the line number of every result.
 */
import { readFileSync } from 'node:fs';
import type { LineResult, LogFormat } from '../../packages/core/src/formats/log-format';
import type { AccessRecord } from '../../packages/core/src/model';

export interface ParsedLine {
  readonly line: number;
  readonly text: string;
  readonly result: LineResult;
}

export function parseLines(format: LogFormat, lines: readonly string[], assumeTz: string | null = null): ParsedLine[] {
  const parser = format.createParser({ assumeTz });
  return lines.map((text, index) => ({ line: index + 1, text, result: parser.parseLine(text) }));
}

/** Non-blank lines of a file, split as the line reader does (LF or CRLF). */
export function fileLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

export function parseFile(format: LogFormat, path: string, assumeTz: string | null = null): ParsedLine[] {
  return parseLines(format, fileLines(path), assumeTz);
}

export function recordsOf(parsed: readonly ParsedLine[]): AccessRecord[] {
  return parsed.flatMap((p) => (p.result.kind === 'record' ? [p.result.record, ...(p.result.more ?? [])] : []));
}

export function rejectsOf(parsed: readonly ParsedLine[]): { line: number; reason: string }[] {
  return parsed.flatMap((p) => (p.result.kind === 'reject' ? [{ line: p.line, reason: p.result.reason }] : []));
}

export function skipsOf(parsed: readonly ParsedLine[]): number {
  return parsed.filter((p) => p.result.kind === 'skip').length;
}

export function iso(record: AccessRecord): string {
  return new Date(record.timeMs).toISOString();
}
