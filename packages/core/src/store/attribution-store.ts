/**
 * Stored attributions (migration 2): which databases attributed the case, and the attribution
 * of each client address per period. The geo/ module decides what to store; this module only
 * reads and writes rows.
 */
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors';
import type { Attribution, GeoDatabaseInfo } from '../model';
import type { CaseStore } from './case-store';

/** A database or networks file recorded in the case (one that stored attributions were made with). */
export interface StoredGeoDatabase extends GeoDatabaseInfo {
  readonly id: number;
  readonly kind: 'mmdb' | 'networks';
}

/** A client address that needs an attribution. */
export interface UnattributedIp {
  readonly ipId: number;
  readonly ip: string;
}

/** An attribution to store for one address and period. */
export interface AttributionRow {
  readonly ipId: number;
  readonly periodFromMs: number;
  readonly periodToMs: number | null;
  readonly attribution: Attribution;
  readonly networksFileId: number | null;
  /** geo_databases id of each provenance entry's database, in the same order. */
  readonly provenanceIds: readonly number[];
}

/** A stored attribution read back. */
export interface StoredAttribution {
  readonly attribution: Attribution;
  readonly periodFromMs: number;
  readonly periodToMs: number | null;
  readonly attributedAtMs: number;
}

interface RawRow {
  ip: string;
  period_from_ms: number;
  period_to_ms: number | null;
  reserved: string | null;
  country_code: string | null;
  country_name: string | null;
  subdivision: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracy_radius_km: number | null;
  asn: number | null;
  as_org: string | null;
  isp: string | null;
  organization: string | null;
  connection_type: string | null;
  is_anonymous: number | null;
  is_anonymous_vpn: number | null;
  is_hosting_provider: number | null;
  is_public_proxy: number | null;
  is_tor_exit_node: number | null;
  network: string | null;
  network_cidr: string | null;
  network_source: string | null;
  provenance: string;
  attributed_at_ms: number;
}

/** The columns of attributions, in the order {@link AttributionStore.insertMany} binds them. */
const ATTRIBUTION_COLUMNS = [
  'ip_id', 'period_from_ms', 'period_to_ms', 'reserved', 'country_code', 'country_name', 'subdivision', 'city', 'latitude', 'longitude',
  'accuracy_radius_km', 'asn', 'as_org', 'isp', 'organization', 'connection_type', 'is_anonymous', 'is_anonymous_vpn',
  'is_hosting_provider', 'is_public_proxy', 'is_tor_exit_node', 'network', 'network_cidr', 'network_source', 'networks_file_id',
  'provenance', 'attributed_at_ms',
] as const;
/** Rows per INSERT statement (27 parameters each). */
const ROWS_PER_INSERT = 32;

const flag = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);
const unflag = (value: number | null): boolean | null => (value === null ? null : value !== 0);

export class AttributionStore {
  private readonly store: CaseStore;
  /** Multi-row inserts by their number of rows. */
  private readonly insertRows = new Map<number, Statement>();
  private readonly selectForIp: Statement<[string], RawRow>;
  private databasesById: Map<number, StoredGeoDatabase> | null = null;

  constructor(store: CaseStore) {
    this.store = store;
    const db = store.db;
    this.selectForIp = db.prepare(
      `SELECT i.ip, a.* FROM attributions a JOIN ips i ON i.id = a.ip_id WHERE i.ip = ? ORDER BY a.period_from_ms`,
    );
  }

  private requireWritable(): void {
    if (this.store.readonly) throw new StoreError('CASE_READONLY', `case file ${this.store.path} is open read-only`);
  }

  /** Run fn in one write transaction. */
  transaction<T>(fn: () => T): T {
    this.requireWritable();
    return this.store.db.transaction(fn).immediate();
  }

  /** Record a database (or networks file) as used; returns its id. */
  recordDatabase(kind: 'mmdb' | 'networks', info: GeoDatabaseInfo | { file: string; sha256: string }): number {
    this.requireWritable();
    const databaseType = 'databaseType' in info ? info.databaseType : null;
    const buildEpochMs = 'buildEpochMs' in info ? info.buildEpochMs : null;
    this.store.db
      .prepare(
        `INSERT OR IGNORE INTO geo_databases (kind, path, sha256, database_type, build_epoch_ms, first_used_at_ms)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(kind, info.file, info.sha256, databaseType, buildEpochMs, Date.now());
    this.databasesById = null;
    const row = this.store.db
      .prepare('SELECT id FROM geo_databases WHERE kind = ? AND sha256 = ? AND path = ?')
      .get(kind, info.sha256, info.file) as { id: number };
    return row.id;
  }

  /** Every database and networks file recorded in the case. */
  listDatabases(): StoredGeoDatabase[] {
    const rows = this.store.db
      .prepare(
        `SELECT id, kind, path AS file, sha256, database_type AS databaseType, build_epoch_ms AS buildEpochMs
         FROM geo_databases ORDER BY id`,
      )
      .all() as StoredGeoDatabase[];
    return rows;
  }

  /** True when the case holds at least one stored attribution. */
  hasAttributions(): boolean {
    return this.store.db.prepare('SELECT 1 FROM attributions LIMIT 1').get() !== undefined;
  }

  /**
   * Client addresses with requests in [fromMs, toMs) (toMs null = no end) and no stored
   * attribution for the period starting at fromMs, by ascending id from `afterIpId`, at most
   * `limit` of them (callers page through, so memory stays flat on cases with millions).
   */
  unattributedClients(fromMs: number, toMs: number | null, afterIpId = 0, limit = -1): UnattributedIp[] {
    const whole = fromMs <= 0 && toMs === null;
    const clients = whole
      ? 'EXISTS (SELECT 1 FROM requests r WHERE r.client_ip_id = i.id)'
      : 'EXISTS (SELECT 1 FROM requests r WHERE r.client_ip_id = i.id AND r.time_ms >= @fromMs AND r.time_ms < @toMs)';
    return this.store.db
      .prepare(
        `SELECT i.id AS ipId, i.ip FROM ips i
         WHERE i.id > @afterIpId AND ${clients}
           AND NOT EXISTS (SELECT 1 FROM attributions a WHERE a.ip_id = i.id AND a.period_from_ms = @fromMs)
         ORDER BY i.id LIMIT @limit`,
      )
      .all({ fromMs, toMs: toMs ?? Number.MAX_SAFE_INTEGER, afterIpId, limit }) as UnattributedIp[];
  }

  /** Store (or replace) attributions, several per statement (binding is most of a row's cost). */
  insertMany(rows: readonly AttributionRow[], attributedAtMs: number): void {
    this.requireWritable();
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const row of chunk) {
        const a = row.attribution;
        const provenance = JSON.stringify(a.provenance.map((source, i) => ({ databaseId: row.provenanceIds[i], fields: source.fields })));
        params.push(
          row.ipId, row.periodFromMs, row.periodToMs, a.reserved, a.countryCode, a.countryName, a.subdivision, a.city,
          a.latitude, a.longitude, a.accuracyRadiusKm, a.asn, a.asOrg, a.isp, a.organization, a.connectionType,
          flag(a.isAnonymous), flag(a.isAnonymousVpn), flag(a.isHostingProvider), flag(a.isPublicProxy), flag(a.isTorExitNode),
          a.network, a.networkCidr, a.networkSource, row.networksFileId, provenance, attributedAtMs,
        );
      }
      this.insertStatement(chunk.length).run(params);
    }
  }

  private insertStatement(rows: number): Statement {
    let statement = this.insertRows.get(rows);
    if (statement === undefined) {
      const row = `(${Array(ATTRIBUTION_COLUMNS.length).fill('?').join(', ')})`;
      statement = this.store.db.prepare(`INSERT OR REPLACE INTO attributions (${ATTRIBUTION_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`);
      this.insertRows.set(rows, statement);
    }
    return statement;
  }

  /**
   * Delete every stored attribution and the record of the databases that made them (before
   * re-attributing the whole case), so that geo_databases always lists what the stored
   * attributions were made with.
   */
  clear(): number {
    this.requireWritable();
    const changes = this.store.db.prepare('DELETE FROM attributions').run().changes;
    this.store.db.prepare('DELETE FROM geo_databases').run();
    this.databasesById = null;
    return changes;
  }

  countAttributions(): number {
    return (this.store.db.prepare('SELECT count(*) AS n FROM attributions').get() as { n: number }).n;
  }

  /** Every stored attribution of an address, by period (oldest first); empty when none. */
  listFor(ip: string): StoredAttribution[] {
    return this.selectForIp.all(ip).map((row) => this.toStored(row));
  }

  /** First and last request times of the case (from the sources table), or nulls when empty. */
  eventTimeRange(): { firstMs: number | null; lastMs: number | null } {
    const row = this.store.db.prepare('SELECT min(first_time_ms) AS firstMs, max(last_time_ms) AS lastMs FROM sources').get() as {
      firstMs: number | null;
      lastMs: number | null;
    };
    return row;
  }

  private toStored(row: RawRow): StoredAttribution {
    this.databasesById ??= new Map(this.listDatabases().map((database) => [database.id, database]));
    const provenance = (JSON.parse(row.provenance) as { databaseId: number; fields: string[] }[]).map((entry) => {
      const database = this.databasesById!.get(entry.databaseId);
      if (database === undefined) {
        throw new StoreError('CASE_INCONSISTENT', `case file ${this.store.path}: an attribution of ${row.ip} names geo database id ${entry.databaseId}, which is not recorded`);
      }
      return { database: { file: database.file, sha256: database.sha256, databaseType: database.databaseType, buildEpochMs: database.buildEpochMs }, fields: entry.fields };
    });
    return {
      periodFromMs: row.period_from_ms,
      periodToMs: row.period_to_ms,
      attributedAtMs: row.attributed_at_ms,
      attribution: {
        ip: row.ip, reserved: row.reserved, countryCode: row.country_code, countryName: row.country_name,
        subdivision: row.subdivision, city: row.city, latitude: row.latitude, longitude: row.longitude,
        accuracyRadiusKm: row.accuracy_radius_km, asn: row.asn, asOrg: row.as_org, isp: row.isp,
        organization: row.organization, connectionType: row.connection_type, isAnonymous: unflag(row.is_anonymous),
        isAnonymousVpn: unflag(row.is_anonymous_vpn), isHostingProvider: unflag(row.is_hosting_provider),
        isPublicProxy: unflag(row.is_public_proxy), isTorExitNode: unflag(row.is_tor_exit_node), network: row.network,
        networkCidr: row.network_cidr, networkSource: row.network_source, provenance,
      },
    };
  }
}
