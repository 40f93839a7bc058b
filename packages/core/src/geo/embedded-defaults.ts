/**
 * The offline default databases shipped in @logwitness/geo-data (country and ASN, openly
 * licensed; see geo-data/README.md). Used when no --geo-db is given. Nothing is downloaded.
 */
import { existsSync } from 'node:fs';

/** One embedded database, as listed by geo-data's manifest. */
export interface EmbeddedDatabase {
  readonly path: string;
  /** sha256 of the MMDB content (after gunzip), pinned when it was built. */
  readonly sha256: string;
  /** npm package and version the data came from. */
  readonly source: string;
  readonly licence: string;
  /** Attribution text the licence asks for, to show wherever results are shown. */
  readonly attribution: string;
}

/** The embedded database with this sha256, or null (to name licence and attribution in output). */
export function embeddedDatabaseBySha256(sha256: string): EmbeddedDatabase | null {
  return embeddedDatabases().find((database) => database.sha256 === sha256) ?? null;
}

interface GeoDataPackage {
  readonly databases: readonly EmbeddedDatabase[];
}

/** The embedded default databases that are present. */
export function embeddedDatabases(): readonly EmbeddedDatabase[] {
  let pkg: GeoDataPackage;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pkg = require('@logwitness/geo-data') as GeoDataPackage;
  } catch {
    return [];
  }
  return (pkg.databases ?? []).filter((database) => typeof database === 'object' && existsSync(database.path));
}
