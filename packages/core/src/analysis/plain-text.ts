/** Numbers and plurals as the sentences of reports write them ("1,048,576 bytes", "1 download"). */

const GROUPED = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 48213 -> "48,213". */
export function formatCount(n: number): string {
  return GROUPED.format(n);
}

/** "3 downloads", "1 download". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}
