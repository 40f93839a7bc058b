/** GeoIP/ASN attribution, known networks and client-address choice. */
export { openAttributor, expandDatabasePaths, NOT_AN_IP, SNAPSHOT_DRIFT_WARNING_MS, type Attributor, type GeoOptions } from './attributor';
export { chooseClientIp, parseTrustedProxies, type TrustedProxies } from './client-ip';
export { parseIp, parseCidr, type ParsedIp, type ParsedCidr } from './ip-address';
export { loadKnownNetworks, type KnownNetwork, type KnownNetworks } from './known-networks';
export { openMmdbFile, openMmdbBuffer, type MmdbDatabase } from './mmdb-database';
export { mmdbKindOf, type MmdbKind } from './mmdb-kind';
export { normaliseRecord, ATTRIBUTION_FIELD_NAMES, type AttributionFields, type AttributionFieldName } from './record-normaliser';
export { reservedRangeOf, RESERVED_RANGES } from './reserved-ranges';
export { attributeNewClients, enrichCase, openCaseAttributor, type AttributeClientsResult } from './case-attribution';
export { DatabaseAttributor, driftWarnings, type SeriesInfo } from './attributor';
export { MmdbWriter, encodeValue, rangeToCidrs, type MmdbValue, type MmdbWriterOptions } from './mmdb-writer';
export { embeddedDatabases, embeddedDatabaseBySha256, type EmbeddedDatabase } from './embedded-defaults';
