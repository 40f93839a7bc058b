/**
 * Display of UTC instants in the investigator's chosen zone (`--tz`): an IANA name such as
 * "Europe/London", "UTC", or a fixed offset "+05:30". Stored times are always UTC; only
 * display changes.
 */
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { InputError } from '../errors';

const FIXED_OFFSET = /^[+-](\d{2}):?(\d{2})$/;

/** Check a zone name and return it in the form date-fns accepts. Throws InputError when invalid. */
export function checkTimeZone(zone: string): string {
  const trimmed = zone.trim();
  const fixed = FIXED_OFFSET.exec(trimmed);
  if (fixed !== null) {
    if (Number(fixed[1]) > 23 || Number(fixed[2]) > 59) throw new InputError('BAD_TIME_ZONE', `time zone offset "${zone}" is out of range`);
    return `${trimmed.slice(0, 3)}:${fixed[2]}`;
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: trimmed });
  } catch {
    throw new InputError('BAD_TIME_ZONE', `unknown time zone "${zone}": give an IANA name such as Europe/London or UTC, or an offset such as +01:00`);
  }
  return trimmed;
}

/** ISO-8601 UTC ending in Z, as in every --json output. */
export function isoUtc(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/** "2011-09-20 03:14:07 UTC" or "2011-09-20 04:14:07 +01:00" in the display zone. */
export function formatDisplayTime(timeMs: number, zone: string = 'UTC'): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${isoUtc(timeMs).slice(0, 19).replace('T', ' ')} UTC`;
  return format(new Date(timeMs), 'yyyy-MM-dd HH:mm:ss xxx', { in: tz(zone) });
}
