import { escapeForTerminal, verifyEvidencePack, type VerifyProblemKind } from '@logwitness/core';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeJson, writeOut } from '../render/output';

interface VerifyArgs extends GlobalArgs {
  readonly pack: string;
  readonly publicKey: string | undefined;
  readonly logs: string[] | undefined;
}

export const command = 'verify <pack>';
export const describe = 'Check an evidence pack (folder or .zip): every hash, the signature, and with --logs the findings against the original logs';

export function builder(yargs: Argv<GlobalArgs>): Argv<VerifyArgs> {
  return yargs
    .positional('pack', { type: 'string', demandOption: true, describe: 'the pack folder or .zip file' })
    .option('public-key', { type: 'string', describe: "PEM public key of the expected signer (from the sender, by another channel)" })
    .option('logs', { type: 'string', array: true, describe: 'the original log files or folders: re-run the analysis and compare the findings' })
    .example('$0 verify pack.zip --public-key sender.pub.pem', 'hashes and signature')
    .example('$0 verify pack/ --logs /evidence/logs', 'also re-derive the findings from the original logs') as unknown as Argv<VerifyArgs>;
}

const LABELS: Readonly<Record<VerifyProblemKind, string>> = {
  altered: 'ALTERED',
  missing: 'MISSING',
  extra: 'EXTRA',
  manifest: 'MANIFEST',
  signature: 'SIGNATURE',
  source: 'SOURCE',
  findings: 'FINDINGS',
  'evidence-line': 'EVIDENCE',
};

export async function handler(args: VerifyArgs): Promise<number> {
  const report = await verifyEvidencePack(args.pack, { publicKeyPath: args.publicKey ?? null, logs: args.logs ?? null });
  if (args.json) {
    writeJson(report);
    return report.ok ? 0 : 1;
  }
  for (const problem of report.problems) writeOut(`${LABELS[problem.kind]}: ${escapeForTerminal(problem.message)}`);
  writeOut(`files: ${report.filesMatched} of ${report.filesListed} match manifest.json${report.manifestSha256 === null ? '' : ` (manifest sha256 ${report.manifestSha256})`}`);
  if (report.signature === null) writeOut('signature: none');
  else writeOut(`signature: ${report.signature.valid ? 'valid' : 'INVALID'}, signer key fingerprint (sha256) ${report.signature.fingerprint}${report.signature.pinned ? ' (as given with --public-key)' : ' (compare it with the sender by another channel, or pin it with --public-key)'}`);
  if (report.reanalysis !== null) {
    const r = report.reanalysis;
    if (report.madeWith !== null && report.madeWith !== report.checkedWith) writeOut(`note: the pack was made with ${escapeForTerminal(report.madeWith)} and is re-analysed with ${report.checkedWith}`);
    writeOut(`re-analysis: ${r.sourcesMatched} of ${r.sourcesExpected} original logs found; findings ${r.findingsMatch ? 'match' : 'DO NOT match'}; ${r.evidenceLinesChecked} cited lines compared`);
    for (const ignored of r.ignoredLogs) writeOut(`  ignored (not a source of this pack): ${escapeForTerminal(ignored)}`);
  }
  writeOut(report.ok ? `OK: ${escapeForTerminal(report.where)} is intact` : `FAILED: ${report.problems.length} problem(s) in ${escapeForTerminal(report.where)}`);
  return report.ok ? 0 : 1;
}
