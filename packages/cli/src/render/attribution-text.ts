/** Short text for an attribution in a table cell: known network, AS, country and city. */
import type { Attribution } from '@logwitness/core';

export function attributionText(attribution: Attribution | null): string | null {
  if (attribution === null) return null;
  const parts: string[] = [];
  if (attribution.network) parts.push(attribution.network);
  if (attribution.asn !== null) parts.push(`AS${attribution.asn}${attribution.asOrg ? ` ${attribution.asOrg}` : ''}`);
  const place = [attribution.city, attribution.countryCode].filter((part) => part).join(', ');
  if (place) parts.push(place);
  if (attribution.reserved && parts.length === 0) parts.push(`(${attribution.reserved})`);
  return parts.length === 0 ? null : parts.join('; ');
}
