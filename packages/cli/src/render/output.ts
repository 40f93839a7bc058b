/**
 * Writing results: tables for people (cli-table3, every cell made terminal-safe), JSON and
 * CSV for machines. Commands call these instead of touching process.stdout directly.
 */
import { escapeForTerminal, toCsv } from '@logwitness/core';
import Table from 'cli-table3';

/**
 * Control characters (C0 but tab and newline, DEL, C1) and bidi controls: what can move the
 * cursor, recolour or retitle a terminal, or reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The last line of defence for text going to a terminal: escapes what is unsafe and leaves
 * everything else (backslashes included) alone, so text already made safe by
 * escapeForTerminal (every table cell) passes unchanged, and log text a command forgot to
 * escape still cannot act on the terminal.
 */
function guardTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE, escapeForTerminal);
}

/** Characters JSON.stringify leaves raw that a terminal or viewer would act on: C1, bidi, line/paragraph separators. */
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g;

/** Text for people on stdout (one line or more); control characters are escaped. */
export function writeOut(text: string): void {
  const safe = guardTerminal(text);
  process.stdout.write(safe.endsWith('\n') ? safe : safe + '\n');
}

/** A message on stderr; control characters are escaped (messages quote file names, SQL, log text). */
export function writeErr(text: string): void {
  const safe = guardTerminal(text);
  process.stderr.write(safe.endsWith('\n') ? safe : safe + '\n');
}

/**
 * One JSON document on stdout. JSON.stringify already writes C0 controls as \u escapes; C1
 * and bidi controls are escaped too, so the document is the same data and safe to print.
 */
export function writeJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(text + '\n');
}

export type Cell = string | number | boolean | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined) return '';
  return escapeForTerminal(String(value));
}

/** A table for the terminal. Every cell is escaped: log text never reaches the terminal raw. */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const table = new Table({ head: header.map(escapeForTerminal), style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push(row.map(cellText));
  return table.toString();
}

/**
 * Write rows as a table or, with --csv, as CSV (formula cells neutralised). CSV keeps the
 * logged bytes as they are when it goes to a file or a pipe; on a terminal its control
 * characters are escaped like everything else.
 */
export function writeRows(header: readonly string[], rows: readonly (readonly Cell[])[], asCsv: boolean): void {
  if (!asCsv) writeOut(renderTable(header, rows));
  else if (process.stdout.isTTY) process.stdout.write(toCsv(header, rows).split('\r\n').map(guardTerminal).join('\r\n'));
  else process.stdout.write(toCsv(header, rows));
}
