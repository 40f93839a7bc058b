/**
 * The reproducible part of a pack's findings: everything that follows from the log lines and
 * the recorded analysis options alone (no GeoIP, no file names, no clock). verify --logs
 * recomputes it from the original logs and compares it field by field.
 */
import type { RequestEvent, TimelineReport } from '../model';

/** A cited line: "<source sha256>:<line>". */
type LineRef = string;

export interface ReproducibleFindings {
  readonly target: string;
  readonly sizeBytes: number | null;
  readonly sizeRule: string;
  readonly summary: { readonly downloads: number; readonly complete: number; readonly partial: number; readonly clients: number; readonly firstMs: number | null; readonly lastMs: number | null };
  readonly exposure: { readonly firstSuccessMs: number | null; readonly lastSuccessMs: number | null; readonly closedAtMs: number | null; readonly closedBy: LineRef | null };
  readonly downloads: readonly {
    readonly clientIp: string;
    readonly userAgent: string | null;
    readonly startMs: number;
    readonly endMs: number;
    readonly bytes: number;
    readonly complete: boolean;
    readonly rule: string;
    readonly requests: readonly LineRef[];
  }[];
  readonly events: readonly { readonly timeMs: number; readonly kind: string; readonly line: LineRef }[];
}

function ref(request: RequestEvent): LineRef {
  return `${request.source.sha256}:${request.source.line}`;
}

export function reproducibleFindings(timeline: TimelineReport): ReproducibleFindings {
  const d = timeline.downloads;
  const e = timeline.exposure;
  return {
    target: timeline.target,
    sizeBytes: d.sizeBytes,
    sizeRule: d.sizeRule,
    summary: { ...d.summary },
    exposure: { firstSuccessMs: e.firstSuccessMs, lastSuccessMs: e.lastSuccessMs, closedAtMs: e.closedAtMs, closedBy: e.closedBy === null ? null : ref(e.closedBy) },
    downloads: d.downloads.map((x) => ({
      clientIp: x.clientIp, userAgent: x.userAgent, startMs: x.startMs, endMs: x.endMs, bytes: x.bytes, complete: x.complete, rule: x.rule,
      requests: x.requests.map(ref),
    })),
    events: timeline.events.map((x) => ({ timeMs: x.timeMs, kind: x.kind, line: ref(x.request) })),
  };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The differences between recorded and recomputed findings, each as one sentence naming the
 * field ("downloads[2].bytes: pack says 1000, the logs give 900"). Empty when they agree.
 */
export function compareFindings(recorded: unknown, recomputed: unknown, limit = 20): string[] {
  const differences: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (differences.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) differences.push(`${path}: the pack lists ${a.length} entries, the logs give ${b.length}`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
      return;
    }
    if (a !== b) differences.push(`${path}: the pack says ${show(a)}, the logs give ${show(b)}`);
  };
  walk(recorded, recomputed, '');
  return differences;
}
