/**
 * Text from logs is written by whoever sent the request. Before it reaches a terminal, a CSV
 * file or an HTML page it is made inert here.
 */

/**
 * Escape C0/C1 control characters (ESC, BEL, CR, backspace...), DEL, and Unicode
 * bidirectional overrides, so a logged value cannot move the cursor, recolour the terminal,
 * rewrite the title, or reorder what the investigator sees. Backslashes are doubled so the
 * escaped form is unambiguous.
 */
export function escapeForTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    if (char === '\\') return '\\\\';
    const code = char.charCodeAt(0);
    if (code === 9) return '\\t';
    if (code === 10) return '\\n';
    if (code === 13) return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Neutralise a CSV cell that a spreadsheet would run as a formula (OWASP "CSV injection"):
 * a leading = + - @, tab or carriage return gets a leading apostrophe. Numbers are left alone.
 */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

/** Quote a value for CSV (RFC 4180) after neutralising formulas. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? neutraliseCsvCell(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text with a header line. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content and quoted attribute values. Control characters and
 * bidi controls are shown as visible escapes (\x1b, \u202e), as on the terminal: a browser
 * honours a logged right-to-left override too ("invoice<RLO>fdp.exe" would read
 * "invoiceexe.pdf"), and a carriage return is shown rather than folded into white space.
 * Tab and newline are left to HTML.
 */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"'\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => HTML_ESCAPES[char] ?? escapeForTerminal(char));
}

/**
 * Escape text for Markdown (summary.md, methodology.md, limitations.md): control characters as
 * for the terminal, and every character Markdown or inline HTML could act on backslash-escaped,
 * so a logged value cannot become a link, an image, emphasis, a table cell or markup. Values are
 * always placed inline (never at the start of a line), so list and heading markers need no escape.
 */
export function escapeMarkdown(text: string): string {
  return escapeForTerminal(text).replace(/[\\`*_{}\[\]<>|~&]/g, (char) => (char === '\\' ? char : `\\${char}`));
}
