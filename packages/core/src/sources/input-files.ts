/**
 * Expands the user's PATH arguments into the list of inputs to ingest: files as given,
 * directories walked recursively in a stable (natural) order so that rotated sets read
 * access.log, access.log.1, access.log.2.gz ... the same way every time, and "-" for stdin.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors';

export type InputFile = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdin'; readonly path: '-' };

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

function walkDirectory(directory: string, into: InputFile[]): void {
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => naturalOrder(a.name, b.name));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walkDirectory(path, into);
    else if (entry.isFile()) into.push({ kind: 'file', path });
    // Symbolic links, sockets and devices inside a directory are not followed: an evidence
    // folder should hold the files themselves. Name a link explicitly to ingest its target.
  }
}

/** Resolve PATH arguments to input files. Throws InputError naming the first path that is missing. */
export function expandInputs(paths: readonly string[]): InputFile[] {
  if (paths.length === 0) throw new InputError('NO_INPUT', 'no input given: name log files, .gz files, directories, or - for stdin');
  const inputs: InputFile[] = [];
  for (const given of paths) {
    if (given === '-') {
      inputs.push({ kind: 'stdin', path: '-' });
      continue;
    }
    const path = resolve(given);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new InputError('INPUT_NOT_FOUND', `input ${given} does not exist (looked for ${path})`, { details: { path } });
    }
    if (stats.isDirectory()) {
      const before = inputs.length;
      walkDirectory(path, inputs);
      if (inputs.length === before) throw new InputError('EMPTY_DIRECTORY', `directory ${given} holds no files`, { details: { path } });
    } else if (stats.isFile()) {
      inputs.push({ kind: 'file', path });
    } else {
      throw new InputError('INPUT_NOT_A_FILE', `input ${given} is neither a file nor a directory`, { details: { path } });
    }
  }
  return inputs;
}
