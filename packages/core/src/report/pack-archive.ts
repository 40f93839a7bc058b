/**
 * Writing an evidence pack to a folder or a zip file, and reading one back for verify.
 * Reading never extracts anything to disk: zip entries are read into memory, so a hostile
 * archive cannot write outside a folder (yauzl also refuses absolute and ".." names).
 */
import { createWriteStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { InputError } from '../errors';
import type { PackFile } from './pack-manifest';

/** Refuse to read zip entries larger than this (an evidence pack is reports, not logs). */
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
/** ... and more than this in total (a zip bomb must not exhaust memory). */
const MAX_TOTAL_BYTES = 2 * MAX_ENTRY_BYTES;

/** A pack read back: its files by path ("/"-separated), and entries that are not plain files. */
export interface ReadPack {
  readonly where: string;
  readonly files: ReadonlyMap<string, Buffer>;
  /** Symbolic links, devices and the like: never trusted, always reported. */
  readonly oddEntries: readonly { readonly path: string; readonly what: string }[];
}

/** Refuse an output location that already holds something: a pack is never written over. */
export function checkPackDestination(path: string): void {
  if (existsSync(path) && (!lstatSync(path).isDirectory() || readdirSync(path).length > 0)) {
    throw new InputError('PACK_EXISTS', `${path} already exists${lstatSync(path).isDirectory() ? ' and is not empty' : ''}: evidence packs are never overwritten; choose a new --out`);
  }
}

/** Write the files into a new folder. */
export function writePackFolder(folder: string, files: readonly PackFile[]): void {
  checkPackDestination(folder);
  mkdirSync(folder, { recursive: true });
  for (const file of files) writeFileSync(join(folder, file.path), file.data, { flag: 'wx' });
}

/**
 * Write the files into a new zip, under one top folder named after the zip, with fixed
 * timestamps so that the same pack gives the same archive. Written to a temporary name and
 * renamed, so a failure leaves no half-written zip.
 */
export async function writePackZip(zipPath: string, files: readonly PackFile[], mtimeMs: number): Promise<void> {
  checkPackDestination(zipPath);
  const top = basename(zipPath).replace(/\.zip$/i, '');
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(file.data, `${top}/${file.path}`, { mtime: new Date(mtimeMs), mode: 0o100644 });
  const partial = join(dirname(zipPath), `.${basename(zipPath)}.partial-${process.pid}`);
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(partial, { flags: 'wx' });
      out.on('error', reject);
      out.on('close', resolve);
      zip.outputStream.on('error', reject);
      zip.outputStream.pipe(out);
      zip.end();
    });
    renameSync(partial, zipPath);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function readFolder(folder: string): ReadPack {
  const files = new Map<string, Buffer>();
  const oddEntries: { path: string; what: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = relative(folder, full).split(sep).join('/');
      const stats = lstatSync(full);
      if (stats.isDirectory()) walk(full);
      else if (stats.isFile()) files.set(path, readFileSync(full));
      else oddEntries.push({ path, what: stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file' });
    }
  };
  walk(folder);
  return { where: folder, files, oddEntries };
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (error, zip) => {
      if (error) reject(new InputError('BAD_ZIP', `${path} is not a readable zip archive: ${error.message}`));
      else resolve(zip);
    });
  });
}

async function readZip(path: string): Promise<ReadPack> {
  const zip = await openZip(path);
  const entries = new Map<string, Buffer>();
  const oddEntries: { path: string; what: string }[] = [];
  let totalBytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => reject(new InputError('BAD_ZIP', `${path}: ${error.message}`));
      zip.on('error', fail);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        const unixMode = entry.externalFileAttributes >>> 16;
        if ((unixMode & 0o170000) === 0o120000) {
          oddEntries.push({ path: entry.fileName, what: 'a symbolic link' });
          return zip.readEntry();
        }
        if (entry.uncompressedSize > MAX_ENTRY_BYTES) return fail(new Error(`entry ${entry.fileName} is ${entry.uncompressedSize} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`));
        if (entries.has(entry.fileName)) return fail(new Error(`entry ${entry.fileName} appears twice`));
        totalBytes += entry.uncompressedSize;
        if (totalBytes > MAX_TOTAL_BYTES) return fail(new Error(`the entries add up to more than ${MAX_TOTAL_BYTES} bytes: not an evidence pack`));
        zip.openReadStream(entry, (error, stream) => {
          if (error) return fail(error);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', fail);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  // Packs written by logwitness keep their files under one top folder; strip it.
  const names = [...entries.keys(), ...oddEntries.map((e) => e.path)];
  const top = names.length > 0 && names.every((n) => n.includes('/')) ? names[0]!.slice(0, names[0]!.indexOf('/') + 1) : '';
  const strip = top !== '' && names.every((n) => n.startsWith(top)) ? top.length : 0;
  return {
    where: path,
    files: new Map([...entries].map(([name, data]) => [name.slice(strip), data])),
    oddEntries: oddEntries.map((e) => ({ path: e.path.slice(strip), what: e.what })),
  };
}

/** Read a pack from a folder or a .zip file. */
export async function readPack(path: string): Promise<ReadPack> {
  if (!existsSync(path)) throw new InputError('PACK_NOT_FOUND', `${path} does not exist: give the pack folder or its .zip file`);
  if (lstatSync(path).isDirectory()) return readFolder(path);
  return readZip(path);
}
