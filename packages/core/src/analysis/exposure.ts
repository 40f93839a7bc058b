/**
 * The exposure window (DESIGN §4): the first and last successful content responses for the
 * target, and closedAt, the first 403/404/410 after the last success (the fix). Requests
 * from then on are who came back and was refused.
 */
import type { ExposureWindow, RequestEvent } from '../model';
import { isClosingRefusal, isSuccessfulContent } from './request-kinds';

export interface Exposure {
  readonly window: ExposureWindow;
  /** Refused (4xx) requests at or after closedAt, oldest first, the closing one included (empty when the logs do not show the fix). */
  readonly refusedAfterFix: readonly RequestEvent[];
}

/** Any 4xx answer: the client was refused the file. */
function isRefusal(request: RequestEvent): boolean {
  return request.status !== null && request.status >= 400 && request.status < 500;
}

/** Compute the exposure from every request for the target, oldest first. */
export function computeExposure(requests: readonly RequestEvent[]): Exposure {
  let first: RequestEvent | null = null;
  let lastIndex = -1;
  requests.forEach((request, index) => {
    if (!isSuccessfulContent(request)) return;
    first ??= request;
    lastIndex = index;
  });
  if (first === null) {
    return { window: { firstSuccessMs: null, lastSuccessMs: null, closedAtMs: null, closedBy: null }, refusedAfterFix: [] };
  }
  const last = requests[lastIndex]!;
  const closingIndex = requests.findIndex((request, index) => index > lastIndex && isClosingRefusal(request));
  const closedBy = closingIndex === -1 ? null : requests[closingIndex]!;
  return {
    window: {
      firstSuccessMs: (first as RequestEvent).timeMs,
      lastSuccessMs: last.timeMs,
      closedAtMs: closedBy?.timeMs ?? null,
      closedBy,
    },
    refusedAfterFix: closingIndex === -1 ? [] : requests.slice(closingIndex).filter(isRefusal),
  };
}
