/**
 * Parsing speed per format: generates a file of lines for every registered format (and two
 * custom format strings) from its samples, with varied addresses, times and paths, then
 * times the format's LineParser over it. Prints lines/s, the median of 5 runs.
 *
 * Run: npm run build && npx tsx bench/parse-formats.ts [lines per format, default 200000] [only formats whose name contains this]
 * Measures parsing only (no reading, hashing or SQLite); see the ingest benchmark for end to end.
 */
// The compiled library (run `npm run build` first), so the figures are those of the shipped code.
import { FORMATS, resolveFormat, type LogFormat } from '@logwitness/core';

const LINES = Number(process.argv[2] ?? 200_000);
const RUNS = 5;
const ONLY = process.argv[3] ?? '';

/** Vary a sample line: the last octet of IPv4 addresses and the digits of one path segment. */
function vary(line: string, i: number): string {
  return line
    .replace(/(\b198\.51\.100\.)\d+/g, `$1${i % 250}`)
    .replace(/(\b203\.0\.113\.)\d+/g, `$1${(i * 7) % 250}`)
    .replace(/members\.xlsx/g, `members-${i % 997}.xlsx`);
}

function generate(format: LogFormat, samples: readonly string[]): string[] {
  const headers = samples.filter((line) => line.startsWith('#'));
  const data = samples.filter((line) => !line.startsWith('#'));
  const lines = [...headers];
  for (let i = 0; lines.length < LINES; i++) lines.push(vary(data[i % data.length]!, i));
  return lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const CUSTOM: readonly [string, string, readonly string[]][] = [
  [
    'custom Apache',
    '%v %h %l %u %t "%r" %>s %b %D "%{Range}i" "%{Content-Range}o" "%{Referer}i" "%{User-Agent}i"',
    ['www.example.org 198.51.100.23 - - [02/Mar/2026:10:04:11 +0000] "GET /exports/members.xlsx HTTP/1.1" 206 1048576 412345 "bytes=0-1048575" "bytes 0-1048575/5242880" "-" "Mozilla/5.0 (X11; Linux x86_64)"'],
  ],
  [
    'custom nginx',
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time',
    ['198.51.100.23 - - [02/Mar/2026:10:04:11 +0100] "GET /exports/members.xlsx HTTP/1.1" 200 1048576 "-" "Mozilla/5.0 (X11; Linux x86_64)" 0.412'],
  ],
];

const rows: [string, number, number][] = [];
const targets: [string, LogFormat, readonly string[]][] = [
  ...FORMATS.map((format) => [format.name, format, format.samples] as [string, LogFormat, readonly string[]]),
  ...CUSTOM.map(([label, spec, samples]) => [label, resolveFormat(spec), samples] as [string, LogFormat, readonly string[]]),
];
for (const [label, format, samples] of targets.filter(([label]) => label.includes(ONLY))) {
  const lines = generate(format, samples);
  const rates: number[] = [];
  let records = 0;
  for (let run = 0; run < RUNS; run++) {
    const parser = format.createParser({ assumeTz: format.needsTimeZone ? 'Europe/London' : null });
    records = 0;
    const start = process.hrtime.bigint();
    for (const line of lines) if (parser.parseLine(line).kind === 'record') records++;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(lines.length / seconds);
  }
  rows.push([label, Math.round(median(rates)), records]);
}
console.log(`Parsing speed per format (${LINES} generated lines each, median of ${RUNS} runs, node ${process.version})`);
console.log('| format | lines/s | requests parsed |');
console.log('|---|---:|---:|');
for (const [label, rate, records] of rows) console.log(`| ${label} | ${rate.toLocaleString('en-GB')} | ${records.toLocaleString('en-GB')} |`);
