/**
 * Which bytes of the file a response carried, from whatever the log recorded: CloudFront
 * style first/last byte fields, the response Content-Range (RFC 9110 §14.4), or the request
 * Range header (RFC 9110 §14.2) resolved against the file size. Ranges are inclusive byte
 * offsets, as in HTTP.
 */
import type { RequestEvent } from '../model';

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** True when the log recorded which bytes this response carried. */
export function hasRangeInfo(request: RequestEvent): boolean {
  return (
    (request.rangeStart !== null && request.rangeEnd !== null) ||
    request.contentRange !== null ||
    (request.rangeHeader !== null && request.rangeHeader.trim() !== '')
  );
}

const CONTENT_RANGE = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i;

/** The complete length in a Content-Range ("bytes 0-99/1234" -> 1234), or null. */
export function contentRangeTotal(contentRange: string | null): number | null {
  if (contentRange === null) return null;
  const match = CONTENT_RANGE.exec(contentRange);
  return match === null || match[3] === '*' ? null : Number(match[3]);
}

/** The ranges a Range request header asks for, resolved against the file size (RFC 9110 §14.1.2). */
export function parseRangeHeader(header: string, sizeBytes: number): ByteRange[] {
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (match === null) return [];
  const ranges: ByteRange[] = [];
  for (const spec of match[1]!.split(',')) {
    const part = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
    if (part === null || (part[1] === '' && part[2] === '')) continue;
    if (part[1] === '') {
      const suffixBytes = Number(part[2]);
      if (suffixBytes > 0) ranges.push({ start: Math.max(0, sizeBytes - suffixBytes), end: sizeBytes - 1 });
      continue;
    }
    const start = Number(part[1]);
    const end = part[2] === '' ? sizeBytes - 1 : Math.min(Number(part[2]), sizeBytes - 1);
    if (start <= end) ranges.push({ start, end });
  }
  return ranges;
}

/** Cut ranges down to the bytes actually sent, in order: an aborted response carried only its first bytes. */
function limitToBytesSent(ranges: readonly ByteRange[], bytesSent: number | null): ByteRange[] {
  if (bytesSent === null) return [...ranges];
  let remaining = bytesSent;
  const sent: ByteRange[] = [];
  for (const range of ranges) {
    if (remaining <= 0) break;
    const length = Math.min(range.end - range.start + 1, remaining);
    sent.push({ start: range.start, end: range.start + length - 1 });
    remaining -= length;
  }
  return sent;
}

/**
 * The bytes of the file one successful response carried, or null when the log does not say
 * (a 206 without range fields). A 200 carries the file from its first byte.
 */
export function servedRanges(request: RequestEvent, sizeBytes: number): ByteRange[] | null {
  const bytes = request.bytes;
  if (request.status === 200) return limitToBytesSent([{ start: 0, end: sizeBytes - 1 }], bytes);
  if (request.rangeStart !== null && request.rangeEnd !== null) {
    return limitToBytesSent([{ start: request.rangeStart, end: Math.min(request.rangeEnd, sizeBytes - 1) }], bytes);
  }
  const contentRange = request.contentRange === null ? null : CONTENT_RANGE.exec(request.contentRange);
  if (contentRange) {
    return limitToBytesSent([{ start: Number(contentRange[1]), end: Math.min(Number(contentRange[2]), sizeBytes - 1) }], bytes);
  }
  if (request.rangeHeader !== null && request.rangeHeader.trim() !== '') {
    return limitToBytesSent(parseRangeHeader(request.rangeHeader, sizeBytes), bytes);
  }
  return null;
}

/** Merge overlapping and adjacent ranges; the result is sorted and disjoint. */
export function unionRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end + 1) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** Total bytes in disjoint ranges. */
export function coveredBytes(ranges: readonly ByteRange[]): number {
  return ranges.reduce((total, range) => total + (range.end - range.start + 1), 0);
}

/** "0-99, 200-299" */
export function formatRanges(ranges: readonly ByteRange[]): string {
  return ranges.map((range) => `${range.start}-${range.end}`).join(', ');
}
