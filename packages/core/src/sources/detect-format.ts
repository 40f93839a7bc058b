/**
 * Chooses the format of a file from its first lines: every registered format scores the
 * lines, the best score wins, earlier formats win ties. A file no format fits well is
 * refused, naming the closest formats and how to choose one with --format.
 */
import { InputError } from '../errors';
import { shareOfParsedLines, type LogFormat, type ParserOptions } from '../formats/log-format';
import { FORMATS } from '../formats/registry';

/** How many lines detection looks at. */
export const DETECTION_LINES = 200;
/** The smallest score that counts as recognised. */
export const DETECTION_THRESHOLD = 0.5;

export interface FormatScore {
  readonly format: string;
  readonly score: number;
}


export function scoreFormats(lines: readonly string[], options: ParserOptions, formats: readonly LogFormat[] = FORMATS): FormatScore[] {
  const content = lines.filter((line) => line.trim() !== '');
  return formats.map((format) => ({
    format: format.name,
    score: format.detect ? format.detect(content) : shareOfParsedLines(format.createParser(options), content),
  }));
}

/** Why the closest format refused the first line it refused ("combined: line 1: time ... is not ..."), or null. */
function firstRejectReason(name: string | null, lines: readonly string[], options: ParserOptions, formats: readonly LogFormat[]): string | null {
  const format = formats.find((f) => f.name === name);
  if (format === undefined) return null;
  // Detection does not know the zone yet: read local times as UTC so the reason is about the shape.
  const parser = format.createParser({ assumeTz: options.assumeTz ?? (format.needsTimeZone ? 'UTC' : null) });
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const result = parser.parseLine(lines[i]!);
    if (result.kind === 'reject') return `${format.name} on line ${i + 1}: ${result.reason}`;
  }
  return null;
}

/** The format that best fits these lines. Throws InputError when none fits well enough. */
export function detectFormat(
  lines: readonly string[],
  options: ParserOptions,
  fileLabel: string,
  formats: readonly LogFormat[] = FORMATS,
): { format: LogFormat; scores: FormatScore[] } {
  const scores = scoreFormats(lines, options, formats);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]!.score > scores[best]!.score) best = i;
  if (scores[best]!.score >= DETECTION_THRESHOLD) return { format: formats[best]!, scores };
  const top = [...scores].sort((a, b) => b.score - a.score).slice(0, 3);
  const closest = top.map((s) => `${s.format} (${Math.round(s.score * 100)}% of lines)`).join(', ');
  const nonBlank = lines.filter((line) => line.trim() !== '').length;
  const why = firstRejectReason(top[0]?.format ?? null, lines, options, formats);
  throw new InputError(
    'FORMAT_NOT_RECOGNISED',
    nonBlank === 0
      ? `${fileLabel}: no log lines to recognise (the file is empty or blank)`
      : `${fileLabel}: not a log format logwitness recognises; closest: ${closest}${why === null ? '' : ` (${why})`}. ` +
          `Choose one with --format NAME ("logwitness formats" lists them) or give the server's LogFormat string, e.g. --format '%h %l %u %t "%r" %>s %b'`,
    { details: { path: fileLabel, scores } },
  );
}
