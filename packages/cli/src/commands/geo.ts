import { embeddedDatabaseBySha256, InputError, isoUtc, openAttributor, type Attribution, type GeoDatabaseInfo } from '@logwitness/core';
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../render/global-options';
import { writeErr, writeJson, writeOut, writeRows } from '../render/output';

interface GeoArgs extends GlobalArgs {
  readonly ips: string[];
  readonly at: string | undefined;
}

export const command = 'geo <ips..>';
export const describe = 'Attribute IP addresses (country, city, AS, known network) and name the databases that answered';

export function builder(yargs: Argv<GlobalArgs>): Argv<GeoArgs> {
  return yargs
    .positional('ips', { type: 'string', array: true, demandOption: true, describe: 'IPv4 or IPv6 addresses' })
    .option('at', { type: 'string', describe: 'event time (ISO-8601, e.g. 2011-03-02T10:00:00Z): use the database snapshot built nearest before it' })
    .example('$0 geo 8.8.8.8', 'with the embedded country and ASN defaults')
    .example('$0 geo 81.2.69.160 --geo-db GeoLite2-City.mmdb --geo-db GeoLite2-ASN.mmdb --json', 'with your own databases, as JSON with provenance')
    .example('$0 geo 198.51.100.7 --geo-db snapshots/ --at 2019-05-01T00:00:00Z', 'historical: the snapshot nearest before that time') as unknown as Argv<GeoArgs>;
}

function parseAt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) : NaN;
  if (Number.isNaN(ms)) throw new InputError('BAD_AT', `--at ${text}: expected an ISO-8601 date or time with offset, e.g. 2011-03-02 or 2011-03-02T10:00:00Z`);
  return ms;
}

function databaseJson(database: GeoDatabaseInfo): Record<string, unknown> {
  return { file: database.file, databaseType: database.databaseType, buildEpoch: isoUtc(database.buildEpochMs), sha256: database.sha256 };
}

/** Licence and attribution text of the embedded databases in use (their licences ask for it). */
function embeddedNotices(databases: readonly GeoDatabaseInfo[]): { file: string; source: string; licence: string; attribution: string }[] {
  return databases.flatMap((database) => {
    const embedded = embeddedDatabaseBySha256(database.sha256);
    return embedded === null ? [] : [{ file: database.file, source: embedded.source, licence: embedded.licence, attribution: embedded.attribution }];
  });
}

/** The attribution as JSON: ECS-like field names are left to exporters; provenance names each database. */
function attributionJson(a: Attribution): Record<string, unknown> {
  const { provenance, ...fields } = a;
  return { ...fields, provenance: provenance.map((source) => ({ ...databaseJson(source.database), fields: source.fields })) };
}

function place(a: Attribution): string | null {
  const parts = [a.city, a.subdivision, a.countryName ?? a.countryCode].filter((part) => part !== null);
  return parts.length === 0 ? null : `${parts.join(', ')}${a.countryCode !== null && a.countryName !== null ? ` (${a.countryCode})` : ''}`;
}

function flags(a: Attribution): string | null {
  const set = [
    a.isAnonymousVpn ? 'VPN' : null, a.isTorExitNode ? 'Tor exit' : null, a.isPublicProxy ? 'public proxy' : null,
    a.isHostingProvider ? 'hosting' : null, a.isAnonymous && !a.isAnonymousVpn && !a.isTorExitNode && !a.isPublicProxy ? 'anonymous' : null,
  ].filter((flag) => flag !== null);
  return set.length === 0 ? null : set.join(', ');
}

export function handler(args: GeoArgs): number {
  const atMs = parseAt(args.at);
  const attributor = openAttributor({ geoDbPaths: args.geoDb ?? null, networksPath: args.networks ?? null });
  try {
    const attributions = args.ips.map((ip) => attributor.attribute(ip, atMs));
    const databases = attributor.databases();
    const networks = attributor.networksFile();
    const warnings = atMs === null ? (databases.length === 0 ? attributor.warningsFor(null, null) : []) : attributor.warningsFor(atMs, atMs);
    if (args.json) {
      writeJson({
        at: atMs === null ? null : isoUtc(atMs),
        addresses: attributions.map(attributionJson),
        databases: databases.map(databaseJson),
        networksFile: networks,
        warnings,
        dataNotices: embeddedNotices(databases),
      });
      return 0;
    }
    writeRows(
      ['ip', 'reserved', 'location', 'asn', 'as organisation', 'isp / organisation', 'flags', 'network', 'answered by'],
      attributions.map((a) => [
        a.ip, a.reserved, place(a), a.asn === null ? null : `AS${a.asn}`, a.asOrg,
        [a.isp, a.organization].filter((x) => x !== null).join(' / ') || null, flags(a),
        a.network === null ? null : `${a.network} (${a.networkCidr})`,
        a.provenance.map((source) => `${basename(source.database.file)}: ${source.fields.join(' ')}`).join('; ') || null,
      ]),
      args.csv,
    );
    if (!args.csv) {
      writeOut('');
      writeRows(
        ['database', 'type', 'built', 'sha256'],
        [
          ...databases.map((d) => [d.file, d.databaseType, isoUtc(d.buildEpochMs), d.sha256]),
          ...(networks === null ? [] : [[networks.path, 'known networks', null, networks.sha256]]),
        ],
        false,
      );
      for (const notice of embeddedNotices(databases)) writeOut(`${notice.attribution} (${notice.licence}; ${notice.source})`);
    }
    for (const warning of warnings) writeErr(`warning: ${warning}`);
    return 0;
  } finally {
    attributor.close();
  }
}
