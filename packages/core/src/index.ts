/**
 * logwitness core: the public API. Everything the CLI does goes through these exports.
 */
export { LogwitnessError, InputError, StoreError, GeoDataError, InternalError, isUserError } from './errors';
export type {
  AccessRecord,
  Reject,
  SourceRef,
  GeoDatabaseInfo,
  AttributionSource,
  Attribution,
  RequestEvent,
  CompletenessRule,
  Download,
  TimelineEventKind,
  TimelineEvent,
  DownloadSummary,
  NearMiss,
  DownloadsReport,
  ExposureWindow,
  Discovery,
  TimelineReport,
} from './model';
export { TOOL_NAME, TOOL_VERSION } from './version';

export type { LogFormat, LineParser, LineResult, ParserOptions } from './formats/log-format';
/** Every registered log format, in detection order. */
export { FORMATS, findFormat } from './formats/registry';
/** Resolve a --format value (a name or a format string) to a format. */
export { resolveFormat } from './formats/resolve-format';
/** Normalise a request target to the path used for target matching. */
export { normalizeTargetPath } from './url-path';

/** Open or create a case file. */
export { CaseStore, type OpenCaseOptions, type SourceRow } from './store/case-store';
/** Run read-only SQL over a case file. */
export { runReadOnlySql, type SqlResult } from './store/read-only-sql';
/** Turn a SQLite failure caused by the environment (disk full, read-only, I/O, lock) into a StoreError. */
export { storeFailureOf } from './store/store-failure';

/** Ingest files, directories and stdin into a case. */
export { ingestPaths, type IngestOptions, type IngestProgress, type IngestResult, type FileIngestResult } from './sources/ingest';
export { detectFormat, scoreFormats, type FormatScore } from './sources/detect-format';

/** Attribution (geo/), analysis (analysis/) and reports (report/): each area keeps its own exports. */
export * from './geo';
export * from './analysis';
export * from './report';
