/**
 * Attributions stored in the case. Ingest runs a {@link CaseAttributionRun} (each new client
 * address is looked up once, whatever its number of requests, mostly while the load runs);
 * {@link attributeNewClients} does the same for a case after the fact;
 * `logwitness enrich` calls {@link enrichCase} to redo every attribution with the databases
 * given now. Reports read them back through {@link openCaseAttributor}, so a report shows the
 * attribution that was stored and the databases that made it, not whatever is installed today.
 */
import type { Attribution, GeoDatabaseInfo } from '../model';
import { AttributionStore, type StoredAttribution, type UnattributedIp } from '../store/attribution-store';
import type { CaseStore } from '../store/case-store';
import { driftWarnings, openAttributor, type Attributor, type DatabaseAttributor, type GeoOptions, type SeriesInfo } from './attributor';
import { mmdbKindOf } from './mmdb-kind';

/** What an attribution run did. */
export interface AttributeClientsResult {
  /** Attributions written (one per client address and period). */
  readonly attributed: number;
  /** Periods the case's time span was split into (1 unless several snapshots or dated networks are in use). */
  readonly periods: number;
  readonly databases: readonly GeoDatabaseInfo[];
  readonly networksFile: { readonly path: string; readonly sha256: string } | null;
  /** Database-age warnings for the case's events, and a note when the case mixes database sets. */
  readonly warnings: readonly string[];
  readonly durationMs: number;
}

/** Client addresses read and attributed at a time: bounds memory on cases with millions of them. */
const CLIENTS_PER_PAGE = 5000;

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}

/**
 * One attribution run over a case. Ingest starts one before it loads and hands it the client
 * addresses it adds, to attribute while the main thread would otherwise wait for the parser
 * ({@link attributeNewAddresses}); {@link finish} then attributes whatever is left, page by
 * page from the case, so the end result is the same whether or not anything came early.
 */
export class CaseAttributionRun {
  private readonly attributions: AttributionStore;
  private readonly databaseIds = new Map<string, number>();
  private readonly networksFileId: number | null;
  private readonly warnings: string[] = [];
  private readonly attributedAtMs = Date.now();
  private written = 0;
  private spentMs = 0;

  /** `clearFirst`: drop every stored attribution first (enrich); call inside a transaction then. */
  constructor(
    store: CaseStore,
    private readonly attributor: DatabaseAttributor,
    clearFirst = false,
  ) {
    const startedMs = Date.now();
    const attributions = (this.attributions = new AttributionStore(store));
    if (clearFirst) attributions.clear();
    const before = attributions.hasAttributions() ? attributions.listDatabases().map((database) => database.sha256) : [];
    for (const info of attributor.databases()) this.databaseIds.set(info.sha256, attributions.recordDatabase('mmdb', info));
    const networks = attributor.networksFile();
    this.networksFileId = networks === null ? null : attributions.recordDatabase('networks', { file: networks.path, sha256: networks.sha256 });
    const now = [...this.databaseIds.keys(), ...(networks === null ? [] : [networks.sha256])];
    if (!clearFirst && before.length > 0 && !sameSet(before, now)) {
      this.warnings.push('this case was attributed with other databases before: new addresses use the ones given now (each attribution names its databases); run "logwitness enrich" to re-attribute every address with one set');
    }
    this.spentMs += Date.now() - startedMs;
  }

  /**
   * Whether addresses may be attributed as soon as they are stored: only when one attribution
   * holds for the whole time span (one database set, no dated networks). Otherwise each
   * address needs the periods its requests fall in, known once the load is done.
   */
  get attributesWithoutTimes(): boolean {
    return this.attributor.periodBoundariesMs().length === 0;
  }

  /** Attribute addresses just added to the case (call only when {@link attributesWithoutTimes}). */
  attributeNewAddresses(clients: readonly UnattributedIp[]): void {
    const startedMs = Date.now();
    this.store(clients, 0, null);
    this.spentMs += Date.now() - startedMs;
  }

  /** Attribute every client address still without an attribution, and report the whole run. */
  finish(): AttributeClientsResult {
    const startedMs = Date.now();
    const attributions = this.attributions;
    const boundaries = [0, ...this.attributor.periodBoundariesMs()];
    attributions.transaction(() => {
      boundaries.forEach((fromMs, i) => {
        const toMs = boundaries[i + 1] ?? null;
        for (let page = attributions.unattributedClients(fromMs, toMs, 0, CLIENTS_PER_PAGE); page.length > 0;
          page = attributions.unattributedClients(fromMs, toMs, page[page.length - 1]!.ipId, CLIENTS_PER_PAGE)) {
          this.store(page, fromMs, toMs);
        }
      });
    });
    const range = attributions.eventTimeRange();
    this.spentMs += Date.now() - startedMs;
    return {
      attributed: this.written,
      periods: boundaries.length,
      databases: this.attributor.databases(),
      networksFile: this.attributor.networksFile(),
      warnings: [...this.attributor.warningsFor(range.firstMs, range.lastMs), ...this.warnings],
      durationMs: this.spentMs,
    };
  }

  private store(clients: readonly UnattributedIp[], fromMs: number, toMs: number | null): void {
    const atTimeMs = fromMs === 0 ? (toMs === null ? null : toMs - 1) : fromMs;
    const rows = clients.map((client) => {
      const attribution = this.attributor.attributeOnce(client.ip, atTimeMs);
      return {
        ipId: client.ipId,
        periodFromMs: fromMs,
        periodToMs: toMs,
        attribution,
        networksFileId: attribution.network === null ? null : this.networksFileId,
        provenanceIds: attribution.provenance.map((source) => this.databaseIds.get(source.database.sha256)!),
      };
    });
    this.attributions.insertMany(rows, this.attributedAtMs);
    this.written += rows.length;
  }
}

function run(store: CaseStore, attributor: DatabaseAttributor, clearFirst: boolean): AttributeClientsResult {
  // One transaction: enrich's clear and the new attributions land together or not at all.
  return new AttributionStore(store).transaction(() => new CaseAttributionRun(store, attributor, clearFirst).finish());
}

/**
 * Attribute every client address of the case that has no stored attribution yet (for
 * instance after an ingest), with the databases of `options` (embedded defaults when none).
 * Pass an already opened attributor to avoid opening the databases again.
 */
export function attributeNewClients(store: CaseStore, options: GeoOptions, attributor?: DatabaseAttributor): AttributeClientsResult {
  const opened = attributor ?? openAttributor(options);
  try {
    return run(store, opened, false);
  } finally {
    if (attributor === undefined) opened.close();
  }
}

/** Re-attribute every client address of the case with the databases of `options` (`logwitness enrich`). */
export function enrichCase(store: CaseStore, options: GeoOptions): AttributeClientsResult {
  const attributor = openAttributor(options);
  try {
    return run(store, attributor, true);
  } finally {
    attributor.close();
  }
}

/** Answers from the attributions stored in the case; addresses not stored are attributed live. */
class StoredAttributor implements Attributor {
  private readonly cache = new Map<string, StoredAttribution[]>();
  private live: Attributor | null = null;

  constructor(
    private readonly attributions: AttributionStore,
    private readonly openLive: () => Attributor,
  ) {}

  attribute(ip: string, atTimeMs: number | null = null): Attribution {
    let stored = this.cache.get(ip);
    if (stored === undefined) {
      stored = this.attributions.listFor(ip);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(ip, stored);
    }
    const time = atTimeMs ?? null;
    const match = time === null
      ? stored[stored.length - 1]
      : stored.find((row) => row.periodFromMs <= time && (row.periodToMs === null || time < row.periodToMs));
    if (match !== undefined) return match.attribution;
    this.live ??= this.openLive();
    return this.live.attribute(ip, time);
  }

  databases(): readonly GeoDatabaseInfo[] {
    const stored = this.attributions.listDatabases().filter((database) => database.kind === 'mmdb');
    const seen = new Set(stored.map((database) => database.sha256));
    const live = (this.live?.databases() ?? []).filter((database) => !seen.has(database.sha256));
    return [
      ...stored.map(({ file, sha256, databaseType, buildEpochMs }) => ({ file, sha256, databaseType, buildEpochMs })),
      ...live,
    ];
  }

  networksFile(): { path: string; sha256: string } | null {
    const stored = this.attributions.listDatabases().find((database) => database.kind === 'networks');
    return stored === undefined ? (this.live?.networksFile() ?? null) : { path: stored.file, sha256: stored.sha256 };
  }

  warningsFor(firstEventMs: number | null, lastEventMs: number | null): readonly string[] {
    const byType = new Map<string, GeoDatabaseInfo[]>();
    for (const database of this.databases()) byType.set(database.databaseType, [...(byType.get(database.databaseType) ?? []), database]);
    const series: SeriesInfo[] = [...byType.entries()].map(([databaseType, snapshots]) => ({
      databaseType,
      kind: mmdbKindOf(databaseType),
      snapshots: snapshots.sort((a, b) => a.buildEpochMs - b.buildEpochMs),
    }));
    return driftWarnings(series, firstEventMs, lastEventMs);
  }

  close(): void {
    this.live?.close();
    this.cache.clear();
  }
}

/**
 * The attributor reports should use. With --geo-db or --networks given, the investigator
 * asked for those databases now: attribute live with them. Otherwise answer from the
 * attributions stored in the case (what ingest or `enrich` recorded), attributing live with
 * the embedded defaults only addresses the case has no attribution for.
 */
export function openCaseAttributor(store: CaseStore, options: GeoOptions): Attributor {
  const explicit = (options.geoDbPaths?.length ?? 0) > 0 || Boolean(options.networksPath);
  if (explicit) return openAttributor(options);
  return new StoredAttributor(new AttributionStore(store), () => openAttributor({}));
}
