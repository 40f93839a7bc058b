/**
 * Conversion of local wall-clock times to UTC for logs whose times carry no offset
 * (HAProxy, IIS `date-local`/`time-local`, Python's http.server...), in the zone the
 * investigator gives with `--assume-tz`: an IANA name ("Europe/London") or a fixed offset
 * ("+01:00", "-0530", "UTC").
 *
 * Zone rules come from the runtime's ICU data through @date-fns/tz (`tzOffset`), so the
 * conversion is right across DST changes. Two wall times need a decision, and the decision
 * is recorded on the record (`extra.time_note`) so it can be explained in court:
 * - an ambiguous time (the repeated hour when clocks go back) is read as the EARLIER instant;
 * - a skipped time (the missing hour when clocks go forward) cannot have been written by a
 *   correct clock; it is read with the offset in force before the change (so 02:30 on a
 *   spring-forward night in Europe/London becomes 01:30 UTC), as Temporal's "compatible"
 *   disambiguation does.
 */
import { tzOffset } from '@date-fns/tz';
import { InputError } from '../errors';

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const HOUR_MS = 3_600_000;

/** A local wall time converted to UTC. */
export interface ZonedInstant {
  readonly timeMs: number;
  /** Offset in force at that instant, minutes east of UTC. */
  readonly utcOffsetMin: number;
  /** Set when the wall time was ambiguous or skipped (see the module comment); else null. */
  readonly note: string | null;
}

/** A checked `--assume-tz` value that converts local wall times to UTC. */
export interface AssumedZone {
  /** The zone as given (trimmed). */
  readonly name: string;
  /**
   * Convert a wall time, given as the epoch milliseconds it would have if it were UTC
   * (Date.UTC(y, m, d, h, mi, s, ms)), to the instant it denotes in this zone.
   */
  toUtc(localAsUtcMs: number): ZonedInstant;
}

function fixedZone(name: string, offsetMin: number): AssumedZone {
  return { name, toUtc: (localMs) => ({ timeMs: localMs - offsetMin * 60_000, utcOffsetMin: offsetMin, note: null }) };
}

function ianaZone(name: string): AssumedZone {
  // Offsets are constant over almost every local hour: cache them by local hour.
  const constantHours = new Map<number, number>();
  const offsetAt = (utcMs: number): number => tzOffset(name, new Date(utcMs));
  return {
    name,
    toUtc(localMs: number): ZonedInstant {
      const hour = Math.floor(localMs / HOUR_MS);
      const cached = constantHours.get(hour);
      if (cached !== undefined) return { timeMs: localMs - cached * 60_000, utcOffsetMin: cached, note: null };
      // Offsets in force a day either side bound every offset this wall time can have.
      const before = offsetAt(localMs - 24 * HOUR_MS);
      const after = offsetAt(localMs + 24 * HOUR_MS);
      const candidates = before === after ? [before] : [before, after];
      const valid = candidates.filter((offset) => offsetAt(localMs - offset * 60_000) === offset);
      if (before === after && valid.length === 1) {
        if (constantHours.size > 100_000) constantHours.clear();
        constantHours.set(hour, before);
        return { timeMs: localMs - before * 60_000, utcOffsetMin: before, note: null };
      }
      if (valid.length === 1) return { timeMs: localMs - valid[0]! * 60_000, utcOffsetMin: valid[0]!, note: null };
      if (valid.length === 2) {
        // The earlier instant is the one with the larger offset (east of UTC).
        const offset = Math.max(valid[0]!, valid[1]!);
        return {
          timeMs: localMs - offset * 60_000,
          utcOffsetMin: offset,
          note: `ambiguous local time in ${name} (clocks went back): the earlier of the two instants was used`,
        };
      }
      return {
        timeMs: localMs - before * 60_000,
        utcOffsetMin: before,
        note: `local time does not exist in ${name} (clocks went forward): read with the offset in force before the change`,
      };
    },
  };
}

/**
 * Check an `--assume-tz` value and return the converter. Throws InputError naming what was
 * expected when the zone is neither a known IANA name nor an offset.
 */
export function parseAssumedZone(text: string): AssumedZone {
  const name = text.trim();
  if (name === 'UTC' || name === 'Z' || name === 'GMT') return fixedZone(name, 0);
  const fixed = FIXED_OFFSET.exec(name);
  if (fixed !== null) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3]);
    if (hours > 23 || minutes > 59) {
      throw new InputError('BAD_TIME_ZONE', `--assume-tz "${text}": offset out of range (expected -23:59 to +23:59)`);
    }
    return fixedZone(name, (fixed[1] === '-' ? -1 : 1) * (hours * 60 + minutes));
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    throw new InputError(
      'BAD_TIME_ZONE',
      `--assume-tz "${text}": unknown time zone; expected an IANA name such as Europe/London or America/New_York, or an offset such as +01:00`,
    );
  }
  return ianaZone(name);
}

/** The zone for a parser, or null when the user gave none (lines needing one are then rejected). */
export function assumedZoneOf(assumeTz: string | null): AssumedZone | null {
  return assumeTz === null ? null : parseAssumedZone(assumeTz);
}

const MISSING_ZONE_SUFFIX = 'has no UTC offset and no zone was given: pass --assume-tz (an IANA name such as Europe/London, or +01:00)';

/** The reject reason for a line whose time has no offset when no zone was given. */
export function missingZoneReason(what: string): string {
  return `${what} ${MISSING_ZONE_SUFFIX}`;
}

/** True for a reject reason made by {@link missingZoneReason}. */
export function isMissingZoneReason(reason: string): boolean {
  return reason.endsWith(MISSING_ZONE_SUFFIX);
}
