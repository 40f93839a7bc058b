/**
 * Decoding of the escaping web servers apply to logged strings. Apache (mod_log_config)
 * writes `\"`, `\\`, `\n`, `\t`... and `\xhh` for other non-printable bytes; nginx writes
 * `\xhh` for `"`, `\` and non-printable bytes. `\xhh` sequences are bytes, so a UTF-8 user
 * agent logged as `\xc3\xa9` decodes back to "é"; bytes that are not valid UTF-8 decode to
 * U+FFFD (the exact bytes remain in the stored raw line).
 */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, v: 11, b: 8, f: 12, '"': 34, '\\': 92 };

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** The byte an escape sequence starting at `at` (a backslash) stands for, and its length. */
function escapeAt(text: string, at: number): { byte: number; length: number } | null {
  const next = text[at + 1];
  if (next === 'x' && at + 3 < text.length) {
    const hi = hexDigit(text.charCodeAt(at + 2));
    const lo = hexDigit(text.charCodeAt(at + 3));
    if (hi >= 0 && lo >= 0) return { byte: hi * 16 + lo, length: 4 };
  }
  const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
  return simple === undefined ? null : { byte: simple, length: 2 };
}

export function decodeLogEscapes(text: string): string {
  if (text.indexOf('\\') === -1) return text;
  const parts: Buffer[] = [];
  let plainStart = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text.charCodeAt(i) !== 92) continue;
    const escape = escapeAt(text, i);
    if (escape === null) continue;
    parts.push(Buffer.from(text.slice(plainStart, i), 'utf8'), Buffer.of(escape.byte));
    i += escape.length - 1;
    plainStart = i + 1;
  }
  parts.push(Buffer.from(text.slice(plainStart), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}
