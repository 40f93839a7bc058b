import { CaseStore, escapeForTerminal, writeEvidencePack } from '@logwitness/core';
import type { Argv } from 'yargs';
import { analysisOptionsFrom, openAttributorFrom, withTargetOptions, type TargetArgs } from '../render/analysis-options';
import type { GlobalArgs } from '../render/global-options';
import { writeErr, writeJson, writeOut } from '../render/output';

interface PackArgs extends TargetArgs {
  readonly out: string;
  readonly zip: boolean | undefined;
  readonly examiner: string | undefined;
  readonly caseRef: string | undefined;
  readonly signKey: string | undefined;
  /** The command line as typed, passed in by bin.ts for provenance.json. */
  readonly commandLine: readonly string[] | undefined;
}

export const command = 'pack <target>';
export const describe = 'Write an evidence pack for TARGET: HTML report, CSV/JSONL findings, cited log lines, provenance, signed manifest';

export function builder(yargs: Argv<GlobalArgs>): Argv<PackArgs> {
  return withTargetOptions(yargs)
    .option('out', { type: 'string', demandOption: true, describe: 'folder to create (or, with --zip, the .zip file); never overwritten' })
    .option('zip', { type: 'boolean', describe: 'write one .zip file instead of a folder' })
    .option('examiner', { type: 'string', describe: 'name of the examiner, recorded in the pack' })
    .option('case-ref', { type: 'string', describe: 'case or reference number, recorded in the pack' })
    .option('sign-key', { type: 'string', describe: 'PEM Ed25519 private key: sign the manifest (openssl genpkey -algorithm ed25519 -out key.pem)' })
    .example('$0 pack /admin/export/donors.csv --out pack-2026-03 --examiner "A. Analyst" --case-ref INC-1234 --sign-key key.pem', 'a signed pack folder')
    .example('$0 pack /admin/export/donors.csv --out pack.zip --zip', 'one zip file to hand over') as unknown as Argv<PackArgs>;
}

export async function handler(args: PackArgs): Promise<number> {
  const store = CaseStore.open(args.case, { readonly: true });
  const attributor = openAttributorFrom(args, store);
  try {
    const options = analysisOptionsFrom(args, attributor);
    const result = await writeEvidencePack(store, args.target, {
      out: args.out,
      zip: args.zip === true,
      analysis: { match: options.match ?? null, caseInsensitive: options.caseInsensitive ?? null, windowMs: options.windowMs ?? null, sizeBytes: options.sizeBytes ?? null },
      attributor,
      displayZone: args.tz,
      examiner: args.examiner ?? null,
      caseRef: args.caseRef ?? null,
      signKeyPath: args.signKey ?? null,
      commandLine: args.commandLine ?? null,
    });
    if (result.events === 0) writeErr(`warning: the case holds no request for ${escapeForTerminal(args.target)}; the pack records that nothing was found (check the path, or try --match prefix)`);
    if (args.json) {
      writeJson({ path: result.path, manifestSha256: result.manifestSha256, signerFingerprint: result.signerFingerprint, downloads: result.downloads, events: result.events, citedLines: result.citedLines, files: result.files });
      return 0;
    }
    writeOut(`Evidence pack written: ${escapeForTerminal(result.path)}`);
    writeOut(`  ${result.downloads} download(s), ${result.events} request(s) for the target, ${result.citedLines} cited log line(s); ${result.files.length + 1} files`);
    writeOut(`  manifest.json sha256 ${result.manifestSha256}`);
    writeOut(result.signerFingerprint === null ? '  not signed (add --sign-key to sign)' : `  signed; signer key fingerprint (sha256) ${result.signerFingerprint}`);
    writeOut(`Check it with: logwitness verify ${escapeForTerminal(result.path)}`);
    return 0;
  } finally {
    attributor.close();
    store.close();
  }
}
