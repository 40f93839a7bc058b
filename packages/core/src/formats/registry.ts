/**
 * Every log format logwitness knows, in detection order: when two formats fit a file equally
 * well, the earlier one wins. A new format is one file in this folder and one line here.
 */
import { combinedFormat, commonFormat, vhostCombinedFormat } from './clf-formats';
import type { LogFormat } from './log-format';

export const FORMATS: readonly LogFormat[] = [combinedFormat, vhostCombinedFormat, commonFormat];

export function findFormat(name: string): LogFormat | undefined {
  return FORMATS.find((format) => format.name === name);
}
