/**
 * The size of the target file, which completeness is measured against (DESIGN §4): the
 * investigator's `--size`; else the object size the server logged (S3 object-size, or the
 * complete length of a Content-Range); else the largest 200 body sent; else unknown.
 */
import type { DownloadsReport, RequestEvent } from '../model';
import { contentRangeTotal } from './byte-ranges';

export interface FileSize {
  readonly sizeBytes: number | null;
  readonly sizeRule: DownloadsReport['sizeRule'];
}

/** Decide the file size from the requests of one path. */
export function decideFileSize(requests: readonly RequestEvent[], givenBytes: number | null | undefined): FileSize {
  if (givenBytes !== null && givenBytes !== undefined) return { sizeBytes: givenBytes, sizeRule: 'given' };
  let logged: number | null = null;
  let largest200: number | null = null;
  for (const request of requests) {
    const objectSize = request.objectSize ?? contentRangeTotal(request.contentRange);
    if (objectSize !== null && objectSize > 0 && (request.status === 200 || request.status === 206)) {
      logged = Math.max(logged ?? 0, objectSize);
    }
    if (request.status === 200 && request.method !== 'HEAD' && (request.bytes ?? 0) > 0) {
      largest200 = Math.max(largest200 ?? 0, request.bytes!);
    }
  }
  if (logged !== null) return { sizeBytes: logged, sizeRule: 'object-size' };
  if (largest200 !== null) return { sizeBytes: largest200, sizeRule: 'largest-200' };
  return { sizeBytes: null, sizeRule: 'unknown' };
}
