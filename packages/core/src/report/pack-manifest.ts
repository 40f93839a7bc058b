/**
 * manifest.json: the sha256 of every other file in an evidence pack, and the optional
 * Ed25519 signature over the manifest's exact bytes (manifest.sig, base64) with the signer's
 * public key beside it (manifest.pub.pem). Anyone can recompute the hashes with standard
 * tools (`sha256sum`), and check the signature with OpenSSL or logwitness verify.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors';
import { TOOL_NAME, TOOL_VERSION } from '../version';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE = 'manifest.pub.pem';
/** Files that the manifest cannot list because they are made from it. */
export const MANIFEST_FILES: readonly string[] = [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE];
export const PACK_FORMAT = 'logwitness-evidence-pack';
export const PACK_FORMAT_VERSION = 1;

export interface ManifestEntry {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly format: typeof PACK_FORMAT;
  readonly formatVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  /** ISO-8601 UTC. */
  readonly generatedAt: string;
  readonly hashAlgorithm: 'sha256';
  readonly files: readonly ManifestEntry[];
}

/** A file of the pack, in memory. */
export interface PackFile {
  readonly path: string;
  readonly data: Buffer;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The manifest over these files (sorted by name, so the same pack gives the same bytes). */
export function buildManifest(files: readonly PackFile[], generatedAtMs: number): Manifest {
  return {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: new Date(generatedAtMs).toISOString(),
    hashAlgorithm: 'sha256',
    files: [...files]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((file) => ({ path: file.path, bytes: file.data.length, sha256: sha256Hex(file.data) })),
  };
}

export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}

/** Parse manifest.json, checking its shape. Throws InputError saying what is wrong. */
export function parseManifest(data: Buffer, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new InputError('BAD_MANIFEST', `${where}: manifest.json is not valid JSON (${(error as Error).message})`);
  }
  const manifest = value as Manifest;
  if (typeof value !== 'object' || value === null || manifest.format !== PACK_FORMAT) {
    throw new InputError('BAD_MANIFEST', `${where}: manifest.json is not a logwitness evidence pack manifest (expected "format": "${PACK_FORMAT}")`);
  }
  if (manifest.formatVersion !== PACK_FORMAT_VERSION) {
    throw new InputError('BAD_MANIFEST', `${where}: manifest format version ${String(manifest.formatVersion)} is not supported (expected ${PACK_FORMAT_VERSION}); use the logwitness version named in it`);
  }
  const valid =
    Array.isArray(manifest.files) &&
    manifest.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && Number.isSafeInteger(f.bytes));
  if (!valid) throw new InputError('BAD_MANIFEST', `${where}: manifest.json "files" must be a list of {path, bytes, sha256}`);
  return manifest;
}

/** Read a key file, failing with an InputError that names it. */
export function readKeyFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError('KEY_NOT_READABLE', `${option} ${path}: cannot read the key file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Read a PEM Ed25519 private key. Throws InputError when it is not one. */
export function readSigningKey(pem: Buffer | string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new InputError('BAD_SIGNING_KEY', `${where} is not a PEM private key (${(error as Error).message}); make one with: openssl genpkey -algorithm ed25519 -out signing-key.pem`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InputError('BAD_SIGNING_KEY', `${where} is a ${key.asymmetricKeyType ?? 'unknown'} key; evidence packs are signed with Ed25519 (openssl genpkey -algorithm ed25519)`);
  }
  return key;
}

/** Read a PEM Ed25519 public key (or derive it from a private key). Throws InputError. */
export function readPublicKey(pem: Buffer | string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new InputError('BAD_PUBLIC_KEY', `${where} is not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InputError('BAD_PUBLIC_KEY', `${where} is a ${key.asymmetricKeyType ?? 'unknown'} key, expected an Ed25519 public key`);
  }
  return key;
}

/** Signature file and public key file for these manifest bytes. */
export function signManifest(manifestBytes: Buffer, privateKey: KeyObject): { signature: Buffer; publicKeyPem: Buffer } {
  const signature = sign(null, manifestBytes, privateKey);
  const publicKeyPem = Buffer.from(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string, 'utf8');
  return { signature: Buffer.from(signature.toString('base64') + '\n', 'utf8'), publicKeyPem };
}

/** True when the base64 signature file is a valid signature of the manifest bytes by this key. */
export function checkManifestSignature(manifestBytes: Buffer, signatureFile: Buffer, publicKey: KeyObject): boolean {
  const text = signatureFile.toString('utf8').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
  return verify(null, manifestBytes, publicKey, Buffer.from(text, 'base64'));
}

/** sha256 of the public key (DER SPKI; a private key gives its public half), for comparing signers out of band. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const key = publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  return sha256Hex(key.export({ type: 'spki', format: 'der' }));
}
