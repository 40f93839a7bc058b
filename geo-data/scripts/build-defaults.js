#!/usr/bin/env node
/**
 * Build the embedded default databases of @logwitness/geo-data from pinned npm packages.
 * Run at release time only (never at install or run time):
 *
 *   npm pack @ip-location-db/asn@2.3.2026061719 @ip-location-db/geo-whois-asn-country-mmdb@2.3.2026061719
 *   mkdir asn country && tar xzf ip-location-db-asn-*.tgz -C asn && tar xzf ip-location-db-geo-whois-*.tgz -C country
 *   npm run build && node geo-data/scripts/build-defaults.js asn/package country/package
 *
 * It checks the ASN CSV (order, overlaps, reserved AS numbers), writes it as an MMDB with
 * logwitness's own writer, spot-checks well-known allocations, gzips both databases and
 * writes data/manifest.json with the sha256 of each MMDB. The output is deterministic: the
 * build epoch is the data's own date (from the package version), not the time of the build.
 */
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { gzipSync } = require('node:zlib');
const { parse } = require('csv-parse/sync');
const { openMmdbBuffer, parseIp } = require('@logwitness/core/dist/geo/index.js');
const { MmdbWriter: Writer } = require('@logwitness/core/dist/geo/mmdb-writer.js');

const [asnDir, countryDir] = process.argv.slice(2).map((dir) => resolve(dir));
if (!asnDir || !countryDir) {
  console.error('usage: build-defaults.js <extracted @ip-location-db/asn package> <extracted @ip-location-db/geo-whois-asn-country-mmdb package>');
  process.exit(1);
}
const OUT = join(__dirname, '..', 'data');
mkdirSync(OUT, { recursive: true });

const asnPackage = JSON.parse(readFileSync(join(asnDir, 'package.json'), 'utf8'));
const countryPackage = JSON.parse(readFileSync(join(countryDir, 'package.json'), 'utf8'));
/** "2.3.2026061719" -> 2026-06-17T19:00:00Z */
function versionDate(version) {
  const match = /(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!match) throw new Error(`cannot read a date from package version ${version}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]));
}

/** Known allocations, checked against both databases. */
const SPOT_CHECKS = [
  { ip: '8.8.8.8', asn: 15169, org: /google/i, country: 'US' },
  { ip: '1.1.1.1', asn: 13335, org: /cloudflare/i },
  { ip: '9.9.9.9', asn: 19281, org: /quad9/i },
  { ip: '208.67.222.222', asn: 36692, org: /opendns/i, country: 'US' },
  { ip: '17.0.0.1', asn: 714, org: /apple/i, country: 'US' },
  { ip: '31.13.64.1', asn: 32934, org: /facebook|meta/i },
  { ip: '151.101.1.140', asn: 54113, org: /fastly/i },
  { ip: '193.0.6.139', asn: 3333, org: /ripe/i, country: 'NL' },
  { ip: '2001:4860:4860::8888', asn: 15169, org: /google/i },
  { ip: '2606:4700:4700::1111', asn: 13335, org: /cloudflare/i },
  { ip: '2001:67c:2e8::1', asn: 3333, org: /ripe/i },
];

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

// --- ASN: CSV -> MMDB ---------------------------------------------------------------
const buildEpochMs = versionDate(asnPackage.version);
const writer = new Writer({
  databaseType: 'ip-location-db-asn',
  buildEpochMs,
  languages: ['en'],
  description: { en: `AS numbers and organisations from ${asnPackage.name}@${asnPackage.version} (RouteViews, NRO/RIR delegations, DB-IP ASN Lite; CC BY 4.0), built by logwitness` },
});
const report = { rows: 0, overlaps: [], reservedAsns: [], backwards: [] };
const RESERVED_ASN = (asn) => asn === 0 || asn === 23456 || (asn >= 64496 && asn <= 65551) || (asn >= 4200000000);
for (const file of ['asn-ipv4.csv', 'asn-ipv6.csv']) {
  const rows = parse(readFileSync(join(asnDir, file)), { relax_column_count: false });
  let previousEnd = null;
  for (const [first, last, asnText, org] of rows) {
    report.rows++;
    const start = parseIp(first);
    const end = parseIp(last);
    const asn = Number(asnText);
    if (start === null || end === null || !Number.isSafeInteger(asn)) throw new Error(`${file}: bad row ${first},${last},${asnText}`);
    const startKey = Buffer.from(start.bytes).toString('hex');
    const endKey = Buffer.from(end.bytes).toString('hex');
    if (startKey > endKey) report.backwards.push(`${file}: ${first} > ${last}`);
    if (previousEnd !== null && startKey <= previousEnd) report.overlaps.push(`${file}: ${first}-${last} AS${asn} overlaps the previous row (ending ${previousEnd})`);
    if (RESERVED_ASN(asn)) report.reservedAsns.push(`${file}: ${first}-${last} AS${asn}`);
    // Rows are sorted by start: a later overlapping row is the smaller, more specific one and wins.
    const record = { autonomous_system_number: asn };
    if (org) record.autonomous_system_organization = org;
    writer.insertRange(first, last, record);
    if (previousEnd === null || endKey > previousEnd) previousEnd = endKey;
  }
}
const asnMmdb = writer.toBuffer();
const asnDb = openMmdbBuffer(asnMmdb, 'ip-location-db-asn.mmdb', sha256(asnMmdb), { verify: true });

// --- Country: the published MMDB as is -------------------------------------------------
const countryMmdb = readFileSync(join(countryDir, 'geo-whois-asn-country.mmdb'));
const countryDb = openMmdbBuffer(countryMmdb, 'geo-whois-asn-country.mmdb', sha256(countryMmdb), { verify: true });

// --- Spot checks ---------------------------------------------------------------------
const failures = [];
for (const check of SPOT_CHECKS) {
  const asnRecord = asnDb.lookup(parseIp(check.ip).canonical);
  if (!asnRecord || asnRecord.autonomous_system_number !== check.asn || !check.org.test(asnRecord.autonomous_system_organization ?? '')) {
    failures.push(`${check.ip}: expected AS${check.asn}, got ${JSON.stringify(asnRecord)}`);
  }
  if (check.country) {
    const countryRecord = countryDb.lookup(parseIp(check.ip).canonical);
    if (!countryRecord || countryRecord.country_code !== check.country) failures.push(`${check.ip}: expected country ${check.country}, got ${JSON.stringify(countryRecord)}`);
  }
}
if (failures.length > 0) {
  console.error(`spot checks failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

// --- Output --------------------------------------------------------------------------
const outputs = [
  { name: 'ip-location-db-asn.mmdb.gz', mmdb: asnMmdb, db: asnDb, source: asnPackage, licence: 'CC-BY-4.0', attribution: 'ASN data: RouteViews (routeviews.org), NRO (nro.net) and DB-IP (db-ip.com, IP to ASN Lite), CC BY 4.0, compiled by ip-location-db (sapics); converted to MMDB by logwitness.' },
  { name: 'geo-whois-asn-country.mmdb.gz', mmdb: countryMmdb, db: countryDb, source: countryPackage, licence: 'CC0-1.0 (package); underlying NRO statistics CC BY 4.0', attribution: 'Country data: ip-location-db geo-whois-asn-country (sapics), from GeoFeeds, RIR whois and NRO (nro.net) data, CC BY 4.0 / CC0.' },
];
const manifest = { note: 'Built by scripts/build-defaults.js; sha256 is of the MMDB content (after gunzip).', databases: [] };
for (const output of outputs) {
  writeFileSync(join(OUT, output.name), gzipSync(output.mmdb, { level: 9 }));
  manifest.databases.push({
    file: `data/${output.name}`,
    sha256: output.db.info.sha256,
    databaseType: output.db.info.databaseType,
    buildEpoch: new Date(output.db.info.buildEpochMs).toISOString(),
    mmdbBytes: output.mmdb.length,
    source: `${output.source.name}@${output.source.version}`,
    licence: output.licence,
    attribution: output.attribution,
  });
}
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(JSON.stringify({ asnRows: report.rows, overlaps: report.overlaps, reservedAsns: report.reservedAsns.length, reservedAsnExamples: report.reservedAsns.slice(0, 20), backwards: report.backwards, spotChecks: SPOT_CHECKS.length, manifest }, null, 2));
