/**
 * Turns the user's --format value into a LogFormat: a registered name, or (later) a
 * custom LogFormat string compiled once.
 */
import { InputError } from '../errors';
import type { LogFormat } from './log-format';
import { FORMATS, findFormat } from './registry';

export function resolveFormat(spec: string): LogFormat {
  const named = findFormat(spec.trim());
  if (named !== undefined) return named;
  throw new InputError(
    'UNKNOWN_FORMAT',
    `unknown format "${spec}": expected one of ${FORMATS.map((format) => format.name).join(', ')} ("logwitness formats" lists them with examples)`,
    { details: { format: spec } },
  );
}
