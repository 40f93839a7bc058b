import { FORMATS } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeJson, writeRows } from '../render/output';

export const command = 'formats';
export const describe = 'List the log formats logwitness reads, with an example line of each';

export function builder(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs;
}

export function handler(args: GlobalArgs): number {
  const rows = FORMATS.map((format) => ({
    name: format.name,
    description: format.description,
    needsTimeZone: format.needsTimeZone,
    spec: format.spec,
    example: format.samples[0] ?? null,
  }));
  if (args.json) writeJson({ formats: rows });
  else writeRows(['name', 'description', 'example'], rows.map((row) => [row.name, row.description, row.example]), args.csv);
  return 0;
}
