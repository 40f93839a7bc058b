/** Output for people and third parties: safe text, CSV, HTML, evidence packs. */
export { escapeForTerminal, neutraliseCsvCell, csvCell, toCsv, escapeHtml } from './safe-text';
export { checkTimeZone, formatDisplayTime, isoUtc } from './display-time';
