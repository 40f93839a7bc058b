/** Output for people and third parties: safe text, CSV, HTML, evidence packs. */
export { escapeForTerminal, neutraliseCsvCell, csvCell, toCsv, escapeHtml } from './safe-text';
export { checkTimeZone, formatDisplayTime, isoUtc } from './display-time';
export { escapeMarkdown } from './safe-text';
/** Evidence packs: write one from a case, and verify one (hashes, signature, re-analysis from the logs). */
export { writeEvidencePack, gatherPackContent, renderPackFiles, type EvidencePackOptions, type EvidencePackResult } from './evidence-pack';
export { verifyEvidencePack, type VerifyOptions, type VerifyReport, type VerifyProblem, type VerifyProblemKind } from './verify-pack';
export type { PackContent, Provenance, RecordedAnalysisOptions, RecordedSource, ActorSection } from './pack-content';
export { MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE, type Manifest, type ManifestEntry } from './pack-manifest';
/** The HTML report and its Content-Security-Policy. */
export { renderHtmlReport, reportContentSecurityPolicy } from './html-report';
/** Gaps in the logs detected from the data. */
export { detectLogGaps, type LogGaps, type SilentPeriod, type MissingRotation } from './log-gaps';
/** Cited log lines read back verbatim from the case (the exact bytes ingest stored). */
export { readRawLines, type RawLine, type RawLineRef } from '../store/raw-lines';
export { decodeRawBlock, type RawBlockCodec } from '../store/raw-block-codec';
