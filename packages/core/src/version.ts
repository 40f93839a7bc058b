/** The tool's name and version, recorded in every case file and evidence pack. */
export const TOOL_NAME = 'logwitness';
// Kept in step with packages/core/package.json by test/version.test.ts.
export const TOOL_VERSION = '0.1.0';
