/** One embedded database of @logwitness/geo-data. */
export interface EmbeddedDatabase {
  /** Path relative to the package ("data/ip-location-db-asn.mmdb.gz"). */
  readonly file: string;
  /** Absolute path. */
  readonly path: string;
  /** sha256 of the MMDB content (after gunzip). */
  readonly sha256: string;
  readonly databaseType: string;
  /** ISO-8601 build time from the MMDB metadata. */
  readonly buildEpoch: string;
  readonly mmdbBytes: number;
  /** npm package and version the data came from. */
  readonly source: string;
  readonly licence: string;
  /** Attribution text to reproduce wherever the data is shown. */
  readonly attribution: string;
}
export declare const databases: readonly EmbeddedDatabase[];
export declare const manifest: { readonly note: string; readonly databases: readonly Omit<EmbeddedDatabase, 'path'>[] };
