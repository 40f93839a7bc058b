/**
 * Helpers for JSON-lines access logs (Caddy, Traefik): parse one object per line and read
 * typed values out of it without trusting their shape.
 */

export type JsonObject = { readonly [key: string]: unknown };

/** The line as a JSON object, or null when it is not one. */
export function parseJsonObject(text: string): JsonObject | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

export function objectAt(value: unknown, key: string): JsonObject | null {
  if (value === null || typeof value !== 'object') return null;
  const child = (value as JsonObject)[key];
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as JsonObject) : null;
}

/** A string (or a number written as text) at key; null for absent, "" and "-". */
export function stringAt(value: JsonObject | null, key: string): string | null {
  const child = value?.[key];
  if (typeof child === 'string') return child === '' || child === '-' ? null : child;
  if (typeof child === 'number' && Number.isFinite(child)) return String(child);
  return null;
}

export function numberAt(value: JsonObject | null, key: string): number | null {
  const child = value?.[key];
  if (typeof child === 'number' && Number.isFinite(child)) return child;
  if (typeof child === 'string' && /^-?\d+(\.\d+)?$/.test(child)) return Number(child);
  return null;
}

/** A header value from a {Name: [values]} or {Name: value} map, matched case-insensitively; several values joined with ", ". */
export function headerAt(headers: JsonObject | null, name: string): string | null {
  if (headers === null) return null;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== lower) continue;
    const value = headers[key];
    if (Array.isArray(value)) {
      const parts = value.filter((v): v is string => typeof v === 'string');
      return parts.length === 0 ? null : parts.join(', ');
    }
    return typeof value === 'string' && value !== '' ? value : null;
  }
  return null;
}
