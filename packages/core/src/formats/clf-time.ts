/**
 * Common Log Format time: "10/Oct/2000:13:55:36 -0700" (Apache %t, nginx $time_local).
 * Parsed by hand because it is on the hot path; the day part is cached because consecutive
 * lines nearly always share it.
 */
const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export interface ParsedTime {
  readonly timeMs: number;
  readonly utcOffsetMin: number;
}

let cachedDayText = '';
let cachedDayMs = 0;

function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Parse "dd/Mon/yyyy:HH:MM:SS[.fff] ±hhmm". Returns null when the text is not of that shape. */
export function parseClfTime(text: string): ParsedTime | null {
  // dd/Mon/yyyy:HH:MM:SS +zzzz  -> 26 characters; optional fractional seconds before the zone.
  if (text.length < 26 || text[2] !== '/' || text[6] !== '/' || text[11] !== ':') return null;
  const dayText = text.slice(0, 11);
  let dayMs: number;
  if (dayText === cachedDayText) {
    dayMs = cachedDayMs;
  } else {
    const day = twoDigits(text, 0);
    const month = MONTHS[text.slice(3, 6)];
    const year = Number(text.slice(7, 11));
    if (day < 1 || day > 31 || month === undefined || !Number.isInteger(year)) return null;
    dayMs = Date.UTC(year, month, day);
    if (new Date(dayMs).getUTCDate() !== day) return null; // 31/Feb and friends
    cachedDayText = dayText;
    cachedDayMs = dayMs;
  }
  const hours = twoDigits(text, 12);
  const minutes = twoDigits(text, 15);
  const seconds = twoDigits(text, 18);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 60 || text[14] !== ':' || text[17] !== ':') {
    return null;
  }
  let at = 20;
  let fractionMs = 0;
  if (text[at] === '.') {
    let end = at + 1;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    fractionMs = Math.floor(Number('0' + text.slice(at, end)) * 1000);
    at = end;
  }
  if (text[at] !== ' ' || text.length !== at + 6) return null;
  const sign = text[at + 1] === '-' ? -1 : text[at + 1] === '+' ? 1 : 0;
  const offsetHours = twoDigits(text, at + 2);
  const offsetMinutes = twoDigits(text, at + 4);
  if (sign === 0 || offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return null;
  const utcOffsetMin = sign * (offsetHours * 60 + offsetMinutes);
  const localMs = dayMs + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fractionMs;
  return { timeMs: localMs - utcOffsetMin * 60_000, utcOffsetMin };
}
