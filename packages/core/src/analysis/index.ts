/** Download reconstruction, exposure window, actors, timeline, narrative. */
export type { ActorReport, ActorUserAgent, CrawlerCheck, MatchedPath } from '../model';
export {
  type AnalysisOptions,
  type AttributionLookup,
  type MatchMode,
  DEFAULT_WINDOW_MS,
  parseWindowOption,
  parseSizeOption,
  parseMatchOption,
} from './options';
/** Who downloaded TARGET. */
export { findDownloads } from './downloads';
/** Every request for TARGET as events, the exposure window, discovery and the narrative. */
export { buildTimeline } from './timeline';
/** Everything one client address did. */
export { describeActor, type ActorOptions } from './actor';
export { normalizeTarget, globToRegExp } from './target-match';
export { checkCrawler } from './crawlers';
export { narrativeTime } from './narrative';
/** The --json documents of downloads, timeline and actor (DESIGN §4 shapes). */
export { downloadsReportJson, timelineReportJson, actorReportJson, attributionJson, requestJson } from './report-json';
