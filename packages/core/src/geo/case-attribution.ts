/**
 * Attributions stored in the case. Ingest calls {@link attributeNewClients} once at the end
 * (each new client address is looked up once, whatever its number of requests);
 * `logwitness enrich` calls {@link enrichCase} to redo every attribution with the databases
 * given now. Reports read them back through {@link openCaseAttributor}, so a report shows the
 * attribution that was stored and the databases that made it, not whatever is installed today.
 */
import type { Attribution, GeoDatabaseInfo } from '../model';
import { AttributionStore, type StoredAttribution } from '../store/attribution-store';
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

function run(store: CaseStore, attributor: DatabaseAttributor, clearFirst: boolean): AttributeClientsResult {
  const startedMs = Date.now();
  const attributions = new AttributionStore(store);
  const warnings: string[] = [];
  const attributed = attributions.transaction(() => {
    if (clearFirst) attributions.clear();
    const before = attributions.hasAttributions() ? attributions.listDatabases().map((database) => database.sha256) : [];
    const ids = new Map<string, number>();
    for (const info of attributor.databases()) ids.set(info.sha256, attributions.recordDatabase('mmdb', info));
    const networks = attributor.networksFile();
    const networksFileId = networks === null ? null : attributions.recordDatabase('networks', { file: networks.path, sha256: networks.sha256 });
    const now = [...ids.keys(), ...(networks === null ? [] : [networks.sha256])];
    if (!clearFirst && before.length > 0 && !sameSet(before, now)) {
      warnings.push('this case was attributed with other databases before: new addresses use the ones given now (each attribution names its databases); run "logwitness enrich" to re-attribute every address with one set');
    }
    const boundaries = [0, ...attributor.periodBoundariesMs()];
    let written = 0;
    const attributedAtMs = Date.now();
    boundaries.forEach((fromMs, i) => {
      const toMs = boundaries[i + 1] ?? null;
      const atTimeMs = fromMs === 0 ? (toMs === null ? null : toMs - 1) : fromMs;
      for (let page = attributions.unattributedClients(fromMs, toMs, 0, CLIENTS_PER_PAGE); page.length > 0;
        page = attributions.unattributedClients(fromMs, toMs, page[page.length - 1]!.ipId, CLIENTS_PER_PAGE)) {
        const rows = page.map((client) => {
          const attribution = attributor.attributeOnce(client.ip, atTimeMs);
          return {
            ipId: client.ipId,
            periodFromMs: fromMs,
            periodToMs: toMs,
            attribution,
            networksFileId: attribution.network === null ? null : networksFileId,
            provenanceIds: attribution.provenance.map((source) => ids.get(source.database.sha256)!),
          };
        });
        attributions.insertMany(rows, attributedAtMs);
        written += rows.length;
      }
    });
    return { written, periods: boundaries.length };
  });
  const range = attributions.eventTimeRange();
  warnings.unshift(...attributor.warningsFor(range.firstMs, range.lastMs));
  return {
    attributed: attributed.written,
    periods: attributed.periods,
    databases: attributor.databases(),
    networksFile: attributor.networksFile(),
    warnings,
    durationMs: Date.now() - startedMs,
  };
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
