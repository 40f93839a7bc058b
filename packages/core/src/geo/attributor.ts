/**
 * Attribution of client addresses: reserved-range labels, known-network labels and the
 * answers of every GeoIP/ASN database in use, each field naming the database that gave it.
 * Several dated snapshots of one database type may be given (historical attribution): each
 * lookup uses the snapshot built nearest before the event.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GeoDataError } from '../errors';
import type { Attribution, AttributionSource, GeoDatabaseInfo } from '../model';
import { embeddedDatabases } from './embedded-defaults';
import { parseIp } from './ip-address';
import { loadKnownNetworks, type KnownNetwork, type KnownNetworks } from './known-networks';
import { openMmdbFile, type MmdbDatabase } from './mmdb-database';
import { KIND_PRECEDENCE, type MmdbKind } from './mmdb-kind';
import { ATTRIBUTION_FIELD_NAMES, normaliseRecord, type AttributionFields } from './record-normaliser';
import { reservedRangeOf } from './reserved-ranges';

export interface GeoOptions {
  /** --geo-db values: MMDB files or folders of dated snapshots; null/empty = embedded defaults. */
  readonly geoDbPaths?: readonly string[] | null;
  /** --networks CSV (cidr,label[,...]). */
  readonly networksPath?: string | null;
}

export interface Attributor {
  /** Attribution of one address at one time (snapshot nearest before atTimeMs when several are given). Never throws for bad input: reserved/not-an-IP are labelled. */
  attribute(ip: string, atTimeMs?: number | null): Attribution;
  /** Every database and networks file in use, for provenance. */
  databases(): readonly GeoDatabaseInfo[];
  networksFile(): { path: string; sha256: string } | null;
  /** Warnings such as "ASN data built 2026-06-17; events from 2011: ownership of these networks may have changed". */
  warningsFor(firstEventMs: number | null, lastEventMs: number | null): readonly string[];
  close(): void;
}

/** A database further than this from the events it attributes earns a warning. */
export const SNAPSHOT_DRIFT_WARNING_MS = 180 * 86_400_000;
/** Bound on cached lookups, so memory stays flat on cases with millions of addresses. */
const MAX_CACHED_LOOKUPS = 200_000;

/** Label of an address that is not an IP address (e.g. a host name logged by old servers). */
export const NOT_AN_IP = 'not an IP address';

/** Every dated snapshot of one database type, oldest first. */
interface Series {
  readonly databaseType: string;
  readonly precedence: number;
  readonly snapshots: readonly MmdbDatabase[];
}

const NO_FIELDS: AttributionFields = {};

/** One Attribution, every field spelled out (one object shape: cheaper than spreads, and nothing is forgotten). */
function buildAttribution(
  ip: string,
  reserved: string | null,
  f: AttributionFields,
  known: KnownNetwork | null,
  networkSource: string | null,
  provenance: readonly AttributionSource[],
): Attribution {
  return {
    ip,
    reserved,
    countryCode: f.countryCode ?? null,
    countryName: f.countryName ?? null,
    subdivision: f.subdivision ?? null,
    city: f.city ?? null,
    latitude: f.latitude ?? null,
    longitude: f.longitude ?? null,
    accuracyRadiusKm: f.accuracyRadiusKm ?? null,
    asn: f.asn ?? null,
    asOrg: f.asOrg ?? null,
    isp: f.isp ?? null,
    organization: f.organization ?? null,
    connectionType: f.connectionType ?? null,
    isAnonymous: f.isAnonymous ?? null,
    isAnonymousVpn: f.isAnonymousVpn ?? null,
    isHostingProvider: f.isHostingProvider ?? null,
    isPublicProxy: f.isPublicProxy ?? null,
    isTorExitNode: f.isTorExitNode ?? null,
    network: known?.label ?? null,
    networkCidr: known?.cidr ?? null,
    networkSource,
    provenance,
  };
}

/** MMDB files named by --geo-db: files as given, folders searched recursively for *.mmdb and *.mmdb.gz. */
export function expandDatabasePaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    let stats;
    try {
      stats = statSync(given);
    } catch {
      throw new GeoDataError('GEO_DB_UNREADABLE', `cannot read GeoIP database ${given}: file not found`, { details: { file: given } });
    }
    if (!stats.isDirectory()) {
      files.push(given);
      continue;
    }
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.mmdb(\.gz)?$/i.test(entry.name)) found.push(path);
      }
    };
    walk(given);
    if (found.length === 0) throw new GeoDataError('GEO_DB_FOLDER_EMPTY', `--geo-db folder ${given} holds no .mmdb or .mmdb.gz files`, { details: { file: given } });
    files.push(...found);
  }
  return files;
}

function groupIntoSeries(databases: readonly MmdbDatabase[]): Series[] {
  const byType = new Map<string, MmdbDatabase[]>();
  const bySha = new Set<string>();
  for (const database of databases) {
    if (bySha.has(database.info.sha256)) continue; // the same file named twice
    bySha.add(database.info.sha256);
    const list = byType.get(database.info.databaseType) ?? [];
    const twin = list.find((other) => other.info.buildEpochMs === database.info.buildEpochMs);
    if (twin !== undefined) {
      throw new GeoDataError(
        'GEO_DB_AMBIGUOUS',
        `${twin.info.file} and ${database.info.file} are both ${database.info.databaseType} built ${new Date(database.info.buildEpochMs).toISOString()} but their contents differ: keep only one`,
        { details: { files: [twin.info.file, database.info.file] } },
      );
    }
    list.push(database);
    byType.set(database.info.databaseType, list);
  }
  const series = [...byType.entries()].map(([databaseType, snapshots]) => ({
    databaseType,
    precedence: KIND_PRECEDENCE[snapshots[0]!.kind],
    snapshots: snapshots.sort((a, b) => a.info.buildEpochMs - b.info.buildEpochMs),
  }));
  // Stable: same kind keeps the order the databases were given in.
  return series.sort((a, b) => a.precedence - b.precedence);
}

/** Index of the snapshot built nearest before atTimeMs (the oldest when all are newer; the newest when no time). */
function snapshotIndex(series: Series, atTimeMs: number | null): number {
  const snapshots = series.snapshots;
  if (atTimeMs === null) return snapshots.length - 1;
  let chosen = 0;
  for (let i = 0; i < snapshots.length; i++) if (snapshots[i]!.info.buildEpochMs <= atTimeMs) chosen = i;
  return chosen;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function consequenceOf(kind: MmdbKind): string {
  if (kind === 'asn' || kind === 'isp') return 'ownership of these networks may have changed';
  if (kind === 'anonymous-ip') return 'VPN, proxy and hosting flags may have changed';
  return 'the locations and owners of these networks may have changed';
}

/** The dated snapshots of one database type, oldest first. */
export interface SeriesInfo {
  readonly databaseType: string;
  readonly kind: MmdbKind;
  readonly snapshots: readonly GeoDatabaseInfo[];
}

function nearestBefore(snapshots: readonly GeoDatabaseInfo[], atTimeMs: number): GeoDatabaseInfo {
  let chosen = snapshots[0]!;
  for (const snapshot of snapshots) if (snapshot.buildEpochMs <= atTimeMs) chosen = snapshot;
  return chosen;
}

/** Warnings for databases built far (over {@link SNAPSHOT_DRIFT_WARNING_MS}) from the events they attribute. */
export function driftWarnings(series: readonly SeriesInfo[], firstEventMs: number | null, lastEventMs: number | null): string[] {
  if (series.length === 0) return ['no GeoIP/ASN database is in use: only reserved ranges and known networks are labelled'];
  if (firstEventMs === null || lastEventMs === null) return [];
  const warnings: string[] = [];
  for (const one of series) {
    const first = nearestBefore(one.snapshots, firstEventMs);
    const last = nearestBefore(one.snapshots, lastEventMs);
    if (first.buildEpochMs - firstEventMs > SNAPSHOT_DRIFT_WARNING_MS) {
      warnings.push(`${one.databaseType} data built ${day(first.buildEpochMs)} (${first.file}); events from ${day(firstEventMs)}: ${consequenceOf(one.kind)}`);
    } else if (lastEventMs - last.buildEpochMs > SNAPSHOT_DRIFT_WARNING_MS) {
      warnings.push(`${one.databaseType} data built ${day(last.buildEpochMs)} (${last.file}); events until ${day(lastEventMs)}: ${consequenceOf(one.kind)}`);
    }
  }
  return warnings;
}

/** The attributor as opened by {@link openAttributor}, with what storing attributions needs. */
export class DatabaseAttributor implements Attributor {
  /** Attributions by period index, then by address as given. */
  private readonly results = new Map<number, Map<string, Attribution>>();
  private boundaries: number[] | null = null;

  constructor(
    private readonly series: readonly Series[],
    private readonly networks: KnownNetworks | null,
  ) {}

  attribute(ip: string, atTimeMs: number | null = null): Attribution {
    const time = atTimeMs ?? null;
    // Within one period every answer is the same: cache whole attributions per period.
    const period = this.periodOf(time);
    let results = this.results.get(period);
    if (results === undefined) {
      results = new Map();
      this.results.set(period, results);
    }
    const cached = results.get(ip);
    if (cached !== undefined) return cached;
    const attribution = this.attributeUncached(ip, time);
    if (results.size >= MAX_CACHED_LOOKUPS) results.clear();
    results.set(ip, attribution);
    return attribution;
  }

  /** Index of the period (between {@link periodBoundariesMs}) holding the time; -1 for no time. */
  private periodOf(timeMs: number | null): number {
    if (timeMs === null) return -1;
    const boundaries = (this.boundaries ??= this.periodBoundariesMs());
    let low = 0;
    let high = boundaries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (boundaries[middle]! <= timeMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * {@link attribute} without the cache, for callers that ask once per address (storing a
   * case's attributions): caching those would only hold every address in memory.
   */
  attributeOnce(ip: string, atTimeMs: number | null = null): Attribution {
    return this.attributeUncached(ip, atTimeMs);
  }

  private attributeUncached(ip: string, time: number | null): Attribution {
    const address = parseIp(ip);
    if (address === null) return buildAttribution(ip, NOT_AN_IP, NO_FIELDS, null, null, []);
    const known = this.networks?.match(address, time) ?? null;
    const networkSource = known === null ? null : `${this.networks!.path}:${known.line}${known.source === null ? '' : ` (${known.source})`}`;
    const reserved = reservedRangeOf(address);
    if (reserved !== null) return buildAttribution(ip, reserved, NO_FIELDS, known, networkSource, []);
    const fields: AttributionFields = {};
    const provenance: AttributionSource[] = [];
    for (const series of this.series) {
      const database = series.snapshots[snapshotIndex(series, time)]!;
      const answered = normaliseRecord(database.lookup(address.canonical), database.kind);
      const supplied: string[] = [];
      for (const name of ATTRIBUTION_FIELD_NAMES) {
        const value = answered[name];
        if (value === undefined || fields[name] !== undefined) continue;
        (fields as Record<string, unknown>)[name] = value;
        supplied.push(name);
      }
      if (supplied.length > 0) provenance.push({ database: database.info, fields: supplied });
    }
    return buildAttribution(ip, null, fields, known, networkSource, provenance);
  }

  databases(): readonly GeoDatabaseInfo[] {
    return this.series.flatMap((series) => series.snapshots.map((snapshot) => snapshot.info));
  }

  /** The known-networks file in use, or null. */
  networksFile(): { path: string; sha256: string } | null {
    return this.networks === null ? null : { path: this.networks.path, sha256: this.networks.sha256 };
  }

  warningsFor(firstEventMs: number | null, lastEventMs: number | null): readonly string[] {
    return driftWarnings(this.seriesInfo(), firstEventMs, lastEventMs);
  }

  /** The snapshots in use, grouped by database type (for warnings and stored provenance). */
  seriesInfo(): SeriesInfo[] {
    return this.series.map((series) => ({ databaseType: series.databaseType, kind: series.snapshots[0]!.kind, snapshots: series.snapshots.map((s) => s.info) }));
  }

  /**
   * Times at which the answer for an address may change: the build time of every snapshot
   * but the oldest of each type, and the validity bounds of known-network rows.
   */
  periodBoundariesMs(): number[] {
    const boundaries = new Set<number>(this.networks?.boundariesMs ?? []);
    for (const series of this.series) for (const snapshot of series.snapshots.slice(1)) boundaries.add(snapshot.info.buildEpochMs);
    return [...boundaries].filter((ms) => ms > 0).sort((a, b) => a - b);
  }

  close(): void {
    this.results.clear();
  }
}

/** Open the databases and known networks to attribute with. Throws GeoDataError naming the file for bad or corrupt databases. */
export function openAttributor(options: GeoOptions): DatabaseAttributor {
  const given = options.geoDbPaths ?? [];
  const databases = given.length > 0
    ? expandDatabasePaths(given).map((file) => openMmdbFile(resolve(file)))
    : embeddedDatabases().map((database) => openMmdbFile(database.path, { expectedSha256: database.sha256 }));
  const networks = options.networksPath ? loadKnownNetworks(resolve(options.networksPath)) : null;
  return new DatabaseAttributor(groupIntoSeries(databases), networks);
}
