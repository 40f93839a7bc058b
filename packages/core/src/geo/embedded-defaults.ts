/**
 * The offline default databases shipped in @logwitness/geo-data (country and ASN, openly
 * licensed; see geo-data/README.md). Used when no --geo-db is given. Nothing is downloaded.
 */
import { existsSync } from 'node:fs';

interface GeoDataPackage {
  readonly databases: readonly string[];
}

/** Absolute paths of the embedded default databases that are present. */
export function embeddedDatabasePaths(): readonly string[] {
  let pkg: GeoDataPackage;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pkg = require('@logwitness/geo-data') as GeoDataPackage;
  } catch {
    return [];
  }
  return (pkg.databases ?? []).filter((path) => existsSync(path));
}
