/**
 * Attribution of the clients in a report, looked up once per address and time: a report
 * may show the same client many times.
 */
import type { Attribution } from '../model';
import type { AttributionLookup } from './options';

export type AttributeFn = (ip: string, atTimeMs: number) => Attribution | null;

/** A memoised attribution function; always null when there is no attributor. */
export function cachedAttribution(attributor: AttributionLookup | null | undefined): AttributeFn {
  if (attributor === null || attributor === undefined) return () => null;
  const cache = new Map<string, Attribution>();
  return (ip, atTimeMs) => {
    const key = `${ip} ${atTimeMs}`;
    let attribution = cache.get(key);
    if (attribution === undefined) {
      attribution = attributor.attribute(ip, atTimeMs);
      cache.set(key, attribution);
    }
    return attribution;
  };
}
