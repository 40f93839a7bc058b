/**
 * ISO-8601 style times as AWS, W3C/IIS, Caddy, Traefik and nginx ($time_iso8601) write
 * them: "2018-07-02T22:23:00.186641Z", "2026-03-02T10:00:00+01:00", "2018-01-01 08:09:10".
 * Fractions below a millisecond are truncated (times are stored in ms; the raw line keeps
 * the full text).
 */

/** A parsed time: the wall time read as if it were UTC, and the offset when one was written. */
export interface IsoTime {
  /** Date.UTC(...) of the written wall time. */
  readonly localMs: number;
  /** Minutes east of UTC when the text carried "Z" or ±hh:mm, else null. */
  readonly offsetMin: number | null;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function fractionMs(digits: string | undefined): number {
  if (digits === undefined) return 0;
  return Number((digits + '00').slice(0, 3));
}

function validDate(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return null;
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day ? ms : null;
}

/** Parse "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]" (a space may replace the T). Null when not of that shape. */
export function parseIsoTime(text: string): IsoTime | null {
  const m = ISO.exec(text);
  if (m === null) return null;
  const base = validDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (base === null) return null;
  const zone = m[8];
  let offsetMin: number | null = null;
  if (zone === 'Z') offsetMin = 0;
  else if (zone !== undefined) {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = digits.length >= 5 ? Number(digits.slice(3, 5)) : 0;
    if (hours > 23 || minutes > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return { localMs: base + fractionMs(m[7]), offsetMin };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** Date.UTC of a W3C "YYYY-MM-DD" date, or null. */
export function parseIsoDate(text: string): number | null {
  const m = DATE.exec(text);
  if (m === null) return null;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0);
}

/** Milliseconds since midnight of a W3C "HH:MM:SS[.fff]" time, or null. */
export function parseTimeOfDay(text: string): number | null {
  const m = TIME.exec(text);
  if (m === null) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  if (hours > 23 || minutes > 59 || seconds > 60) return null;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fractionMs(m[4]);
}

/** Seconds with a fraction ("0.001", "12", "1405.5") to whole microseconds; null for "-", -1 and junk. */
export function secondsToUs(text: string | null | undefined): number | null {
  if (text === null || text === undefined || !/^\d+(\.\d+)?$/.test(text)) return null;
  return Math.round(Number(text) * 1e6);
}
