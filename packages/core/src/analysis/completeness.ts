/**
 * Whether one download obtained the whole file, and which rule decided (DESIGN §4), in
 * order: byte ranges when the log records them (their union covers the file); a 200 whose
 * bytes reach the file size; 206 bytes adding up to at least the size.
 */
import type { CompletenessRule, RequestEvent } from '../model';
import { formatCount } from './plain-text';
import { coveredBytes, formatRanges, hasRangeInfo, servedRanges, unionRanges, type ByteRange } from './byte-ranges';

export interface Completeness {
  readonly complete: boolean;
  readonly rule: CompletenessRule;
  /** The rule's evidence in one plain sentence. */
  readonly detail: string;
}

function percent(part: number, whole: number): string {
  return `${Math.floor((part / whole) * 1000) / 10}%`;
}

/**
 * Byte ranges decide when the log says which bytes every 206 carried (a 200 always carries
 * the file from byte 0). When only some 206s have range fields the union is unknowable, so
 * the byte-count rules decide instead.
 */
function rangesDecide(requests: readonly RequestEvent[]): boolean {
  return requests.some(hasRangeInfo) && requests.every((request) => request.status !== 206 || hasRangeInfo(request));
}

/** Decide completeness of one download's successful requests against the file size. */
export function decideCompleteness(requests: readonly RequestEvent[], sizeBytes: number | null): Completeness {
  if (sizeBytes === null) {
    return { complete: false, rule: 'incomplete', detail: 'the file size is unknown (no 200 response and no logged object size): give --size to decide completeness' };
  }
  const size = formatCount(sizeBytes);
  if (rangesDecide(requests)) {
    const ranges: ByteRange[] = [];
    for (const request of requests) ranges.push(...(servedRanges(request, sizeBytes) ?? []));
    const union = unionRanges(ranges);
    const covered = coveredBytes(union);
    if (covered >= sizeBytes) {
      return { complete: true, rule: 'ranges-cover-file', detail: `the byte ranges sent (${formatRanges(union)}) cover all ${size} bytes` };
    }
    return {
      complete: false,
      rule: 'incomplete',
      detail: `the byte ranges sent (${formatRanges(union) || 'none'}) cover ${formatCount(covered)} of ${size} bytes (${percent(covered, sizeBytes)})`,
    };
  }
  const full = requests.find((request) => request.status === 200 && (request.bytes ?? 0) >= sizeBytes);
  if (full !== undefined) {
    return { complete: true, rule: 'full-200', detail: `a 200 response sent ${formatCount(full.bytes!)} bytes, reaching the file size of ${size} bytes` };
  }
  const partial = requests.filter((request) => request.status === 206);
  const partialBytes = partial.reduce((total, request) => total + (request.bytes ?? 0), 0);
  if (partial.length > 0 && partialBytes >= sizeBytes) {
    return {
      complete: true,
      rule: 'partial-bytes-sum',
      detail: `${partial.length} partial (206) responses sent ${formatCount(partialBytes)} bytes in total, at least the file size of ${size} bytes (ranges not logged)`,
    };
  }
  const largest200 = Math.max(0, ...requests.filter((request) => request.status === 200).map((request) => request.bytes ?? 0));
  const parts: string[] = [];
  if (largest200 > 0) parts.push(`the largest 200 response sent ${formatCount(largest200)} of ${size} bytes (${percent(largest200, sizeBytes)}; aborted)`);
  if (partial.length > 0) parts.push(`${partial.length} partial (206) response${partial.length === 1 ? '' : 's'} sent ${formatCount(partialBytes)} bytes in total`);
  return { complete: false, rule: 'incomplete', detail: `${parts.join('; ')}: less than the file size of ${size} bytes` };
}
