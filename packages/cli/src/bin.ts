/**
 * The logwitness command line. This is the only module that reads argv and sets the exit
 * code: 0 success, 1 user error (one clear line on stderr), 2 internal error.
 */
import { InputError, isUserError, storeFailureOf, TOOL_VERSION, checkTimeZone } from '@logwitness/core';
import yargs, { type Argv, type CommandModule } from 'yargs';
import * as actor from './commands/actor';
import * as downloads from './commands/downloads';
import * as enrich from './commands/enrich';
import * as formats from './commands/formats';
import * as geo from './commands/geo';
import * as ingest from './commands/ingest';
import * as pack from './commands/pack';
import * as sources from './commands/sources';
import * as sql from './commands/sql';
import * as timeline from './commands/timeline';
import * as verify from './commands/verify';
import type { GlobalArgs } from './render/global-options';
import { writeErr } from './render/output';
import { toStdinSentinel } from './render/stdin-argument';

interface CommandFile {
  readonly command: string;
  readonly describe: string;
  builder(yargs: Argv<GlobalArgs>): Argv<any>;
  handler(args: any): number | Promise<number>;
}

const COMMANDS: readonly CommandFile[] = [ingest, sources, downloads, timeline, actor, pack, verify, sql, formats, geo, enrich];

function buildParser(argv: readonly string[], setExitCode: (code: number) => void): Argv<GlobalArgs> {
  const parser = yargs(toStdinSentinel(argv))
    .scriptName('logwitness')
    .usage('$0 <command> [options]\n\nAccess-log forensics: who downloaded the exposed file, when, how much, and from where.')
    .option('case', { type: 'string', default: process.env.LOGWITNESS_CASE ?? './case.sqlite', describe: 'the SQLite case file (env LOGWITNESS_CASE)', global: true })
    .option('geo-db', { type: 'string', array: true, describe: 'MMDB file or folder of snapshots (repeatable); replaces the embedded defaults', global: true })
    .option('networks', { type: 'string', describe: 'known networks CSV with header cidr,label', global: true })
    .option('json', { type: 'boolean', describe: 'machine output on stdout; times in ISO-8601 UTC', global: true })
    .option('csv', { type: 'boolean', describe: 'CSV instead of a table', global: true })
    .option('tz', { type: 'string', default: 'UTC', describe: 'display time zone (IANA name or +HH:MM)', global: true })
    .conflicts('json', 'csv')
    .check((args) => {
      checkTimeZone(String(args.tz));
      return true;
    })
    .demandCommand(1, 'name a command: logwitness --help lists them')
    .strict()
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      throw new InputError('BAD_USAGE', message);
    }) as unknown as Argv<GlobalArgs>;
  for (const file of COMMANDS) {
    const module: CommandModule<GlobalArgs, any> = {
      command: file.command,
      describe: file.describe,
      builder: (y) => file.builder(y),
      handler: async (args) => setExitCode(await file.handler({ ...args, commandLine: [...argv], json: args.json === true, csv: args.csv === true, tz: checkTimeZone(String(args.tz)) })),
    };
    parser.command(module);
  }
  return parser;
}

/** Run the CLI with these arguments; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  try {
    await buildParser(argv, (code) => {
      exitCode = code;
    }).parseAsync();
    return exitCode;
  } catch (error) {
    const userError = isUserError(error) ? error : storeFailureOf(error);
    if (userError !== null) {
      writeErr(`logwitness: ${userError.message}`);
      return 1;
    }
    writeErr(`logwitness: internal error: ${(error as Error)?.message ?? String(error)}`);
    if (process.env.LOGWITNESS_DEBUG) writeErr(String((error as Error)?.stack));
    else writeErr('(set LOGWITNESS_DEBUG=1 to see the stack trace, and please report it)');
    return 2;
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv);
}
