/**
 * What one request for the target was, by the DESIGN §4 definitions: successful content
 * (a download or part of one), or an event that is not a download.
 */
import type { RequestEvent } from '../model';

/** Successful content: a non-HEAD 200 or 206 that sent a body (bytes > 0). */
export function isSuccessfulContent(request: RequestEvent): boolean {
  return (request.status === 200 || request.status === 206) && (request.bytes ?? 0) > 0 && request.method !== 'HEAD';
}

/** A refusal that closes the exposure (DESIGN §4: 403, 404 or 410). */
export function isClosingRefusal(request: RequestEvent): boolean {
  return request.status === 403 || request.status === 404 || request.status === 410;
}

/** Kinds of request that are not successful content. */
export type NonContentKind = 'probe' | 'revalidation' | 'denied' | 'server-error' | 'other';

/** Classify a request that is not successful content. */
export function classifyNonContent(request: RequestEvent): NonContentKind {
  if (request.method === 'HEAD') return 'probe';
  const status = request.status ?? 0;
  if (status === 304) return 'revalidation';
  if (status >= 400 && status < 500) return 'denied';
  if (status >= 500) return 'server-error';
  return 'other';
}

/** Client identity for downloads: IP and user agent (DESIGN §4). */
export function clientKey(request: RequestEvent): string {
  return `${request.clientIp}\u0000${request.userAgent ?? ''}`;
}
