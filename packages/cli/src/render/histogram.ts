/** A text bar chart for small histograms (requests per hour of day). */
export function histogramBars(counts: readonly number[], widthChars = 40): string[] {
  const max = Math.max(0, ...counts);
  return counts.map((n) => (max === 0 || n === 0 ? '' : '#'.repeat(Math.max(1, Math.round((n / max) * widthChars)))));
}
