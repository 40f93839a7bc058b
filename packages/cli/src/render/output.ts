/**
 * Writing results: tables for people (cli-table3, every cell made terminal-safe), JSON and
 * CSV for machines. Commands call these instead of touching process.stdout directly.
 */
import { escapeForTerminal, toCsv } from '@logwitness/core';
import Table from 'cli-table3';

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

/** One JSON document on stdout. */
export function writeJson(value: unknown): void {
  writeOut(JSON.stringify(value, null, 2));
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

/** Write rows as a table or, with --csv, as CSV (formula cells neutralised). */
export function writeRows(header: readonly string[], rows: readonly (readonly Cell[])[], asCsv: boolean): void {
  if (asCsv) process.stdout.write(toCsv(header, rows));
  else writeOut(renderTable(header, rows));
}
