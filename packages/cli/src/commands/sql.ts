import { runReadOnlySql } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeJson, writeRows, type Cell } from '../render/output';

interface SqlArgs extends GlobalArgs {
  readonly query: string;
}

export const command = 'sql <query>';
export const describe = 'Run one read-only SQL query over the case file (tables: sources, requests, rejects; view: request_view)';

export function builder(yargs: Argv<GlobalArgs>): Argv<SqlArgs> {
  return yargs
    .positional('query', { type: 'string', demandOption: true })
    .example('$0 sql "SELECT client_ip, count(*) FROM request_view GROUP BY 1 ORDER BY 2 DESC LIMIT 10"', 'top clients') as unknown as Argv<SqlArgs>;
}

function plain(value: unknown): Cell {
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  return value as Cell;
}

export function handler(args: SqlArgs): number {
  const result = runReadOnlySql(args.case, args.query);
  if (args.json) {
    writeJson(result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, plain(row[i])]))));
  } else {
    writeRows(result.columns, result.rows.map((row) => row.map(plain)), args.csv);
  }
  return 0;
}
