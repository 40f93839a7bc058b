/**
 * Turns the user's --format value into a LogFormat: a registered name, or an Apache
 * LogFormat / nginx log_format string compiled once (see logformat-string.ts).
 */
import { InputError } from '../errors';
import type { LogFormat } from './log-format';
import { compileFormatString, looksLikeFormatString } from './logformat-string';
import { FORMATS, findFormat } from './registry';

export function resolveFormat(spec: string): LogFormat {
  const named = findFormat(spec.trim());
  if (named !== undefined) return named;
  if (looksLikeFormatString(spec)) return compileFormatString(spec);
  throw new InputError(
    'UNKNOWN_FORMAT',
    `unknown format "${spec}": expected one of ${FORMATS.map((format) => format.name).join(', ')} ("logwitness formats" lists them with examples), ` +
      `or an Apache LogFormat string such as '%h %l %u %t "%r" %>s %b' or an nginx log_format string such as '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent'`,
    { details: { format: spec } },
  );
}
