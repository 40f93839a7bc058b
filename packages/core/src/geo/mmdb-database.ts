/**
 * Opening one MMDB (MaxMind DB format) file. This module and its siblings in geo/ are the only
 * importers of `maxmind`. Files are read whole into memory (`.mmdb.gz` is gunzipped in memory),
 * hashed, checked, and only then used: a corrupt or hostile database gives a GeoDataError
 * naming the file, never a crash or a wrong answer read from garbage.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Reader } from 'maxmind';
import { GeoDataError } from '../errors';
import type { GeoDatabaseInfo } from '../model';
import { mmdbKindOf, type MmdbKind } from './mmdb-kind';
import { verifyMmdb } from './mmdb-verifier';

/** An opened, verified database. */
export interface MmdbDatabase {
  readonly info: GeoDatabaseInfo;
  readonly kind: MmdbKind;
  readonly description: string | null;
  readonly ipVersion: 4 | 6;
  /** The raw record for an address (canonical text), or null when the address is not in the database. */
  lookup(canonicalIp: string): unknown;
}

/**
 * Decoded records by data-section offset: many addresses share one record (a country, an
 * AS), so decoding each once is most of the lookup cost saved. Bounded, cleared when full.
 */
class DecodedRecordCache {
  private readonly entries = new Map<string | number, unknown>();

  get(key: string | number): unknown {
    return this.entries.get(key);
  }

  set(key: string | number, value: unknown): void {
    if (this.entries.size >= 100_000) this.entries.clear();
    this.entries.set(key, value);
  }
}

function fail(file: string, problem: string, cause?: unknown): GeoDataError {
  return new GeoDataError('GEO_DB_INVALID', `${file} is not a usable MaxMind DB (MMDB) file: ${problem}`, {
    details: { file },
    cause,
  });
}

/** Read, hash and open an MMDB file (plain or gzipped). */
export interface OpenMmdbOptions {
  /** Walk the whole tree and data section before use (default: true unless expectedSha256 is given). */
  readonly verify?: boolean;
  /** Refuse the file unless its MMDB content has this sha256 (embedded databases). */
  readonly expectedSha256?: string;
}

export function openMmdbFile(file: string, options: OpenMmdbOptions = {}): MmdbDatabase {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new GeoDataError('GEO_DB_UNREADABLE', `cannot read GeoIP database ${file}: ${reason}`, { details: { file }, cause: error });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw fail(file, `gzip data is damaged (${(error as Error).message})`, error);
    }
  }
  // The hash is of the MMDB itself (after gunzip), so it matches the database as published.
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
    throw fail(file, `its sha256 is ${sha256}, not the ${options.expectedSha256} recorded for it: the file was changed or damaged`);
  }
  // A database whose hash was pinned when it was built and verified need not be walked again.
  return openMmdbBuffer(bytes, file, sha256, { verify: options.verify ?? options.expectedSha256 === undefined });
}

/** Open an MMDB held in memory; `file` and `sha256` are what provenance will name. */
export function openMmdbBuffer(bytes: Buffer, file: string, sha256: string, options: { verify?: boolean } = {}): MmdbDatabase {
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new Reader(bytes, { cache: new DecodedRecordCache() });
  } catch (error) {
    throw fail(file, `cannot read its metadata (${(error as Error).message})`, error);
  }
  const metadata = reader.metadata;
  if (metadata.binaryFormatMajorVersion !== 2) throw fail(file, `binary format version ${String(metadata.binaryFormatMajorVersion)} (expected 2)`);
  if (typeof metadata.databaseType !== 'string' || metadata.databaseType === '') throw fail(file, 'metadata has no database_type');
  if (metadata.ipVersion !== 4 && metadata.ipVersion !== 6) throw fail(file, `metadata ip_version is ${String(metadata.ipVersion)} (expected 4 or 6)`);
  if (!Number.isSafeInteger(metadata.nodeCount) || metadata.nodeCount <= 0) throw fail(file, `metadata node_count is ${String(metadata.nodeCount)}`);
  const buildEpochMs = metadata.buildEpoch.getTime();
  if (!Number.isFinite(buildEpochMs) || buildEpochMs < 0 || buildEpochMs > Date.UTC(2200, 0, 1)) {
    throw fail(file, 'metadata build_epoch is not a plausible date');
  }
  if (options.verify ?? true) {
    const problem = verifyMmdb(bytes, metadata.nodeCount, metadata.recordSize, metadata.ipVersion);
    if (problem !== null) throw fail(file, problem);
  }
  const description = typeof metadata.description === 'object' && metadata.description !== null
    ? ((metadata.description as unknown as Record<string, string>).en ?? null)
    : null;
  const info: GeoDatabaseInfo = { file, sha256, databaseType: metadata.databaseType, buildEpochMs };
  const ipVersion = metadata.ipVersion;
  return {
    info,
    kind: mmdbKindOf(metadata.databaseType),
    description,
    ipVersion,
    lookup(canonicalIp: string): unknown {
      // An IPv4-only tree cannot hold IPv6 addresses: not found rather than an exception.
      if (ipVersion === 4 && canonicalIp.includes(':')) return null;
      try {
        return reader.get(canonicalIp);
      } catch (error) {
        throw new GeoDataError('GEO_DB_CORRUPT', `GeoIP database ${file} is damaged: looking up ${canonicalIp} failed (${(error as Error).message})`, {
          details: { file, ip: canonicalIp },
          cause: error,
        });
      }
    },
  };
}
