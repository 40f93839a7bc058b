/**
 * Gaps detected from the data: silent hours against the hour-of-day pattern (quiet nights
 * are not gaps), whole silent days, holes in numbered rotation series, partly read files and
 * rejected lines.
 */
import { strict as assert } from 'node:assert';
import { detectLogGaps } from '@logwitness/core';
import type { SourceRow } from '@logwitness/core';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 2, 1);

/** Hourly counts for `days` days: busy by day (08-20 UTC), almost silent at night. */
function traffic(days: number, silent: (hourStartMs: number) => boolean) {
  const hours = [];
  for (let t = START; t < START + days * DAY; t += HOUR) {
    const hourOfDay = (t % DAY) / HOUR;
    const requests = hourOfDay >= 8 && hourOfDay < 20 ? 40 : hourOfDay % 3 === 0 ? 1 : 0;
    if (requests > 0 && !silent(t)) hours.push({ hourStartMs: t, requests });
  }
  return hours;
}

function source(path: string, extra: Partial<SourceRow> = {}): SourceRow {
  return {
    id: 1, path, sizeBytes: 10, mtimeMs: 0, sha256: 'a'.repeat(64), contentSha256: 'a'.repeat(64), compression: null, format: 'combined',
    formatDetail: null, timeBasis: 'UTC offset written in each line', lines: 100, parsed: 100, rejected: 0, skippedLines: 0,
    firstTimeMs: START, lastTimeMs: START + DAY, status: 'complete', error: null, ingestOptions: null, ingestedAtMs: 0, toolVersion: '0.1.0',
    ...extra,
  } as SourceRow;
}

describe('log gaps detected from the data', () => {
  it('finds a silent afternoon but not the quiet nights', () => {
    const gapStart = START + 2 * DAY + 13 * HOUR;
    const gaps = detectLogGaps(traffic(5, (t) => t >= gapStart && t < gapStart + 4 * HOUR), [source('/logs/access.log')]);
    assert.deepEqual(gaps.silentPeriods.map((p) => [p.startMs, p.endMs, p.hours]), [[gapStart, gapStart + 4 * HOUR, 4]]);
    assert.equal(gaps.silentPeriods[0]!.expectedRequests, 160);
    assert.deepEqual(gaps.missingDaysMs, []);
  });

  it('reports a whole missing day once as a day, and its busy hours as one silent period', () => {
    const missing = START + 3 * DAY;
    const gaps = detectLogGaps(traffic(7, (t) => t >= missing && t < missing + DAY), [source('/logs/access.log')]);
    assert.deepEqual(gaps.missingDaysMs, [missing]);
    assert.equal(gaps.silentPeriods.length, 1);
    assert.equal(gaps.silentPeriods[0]!.startMs, missing + 8 * HOUR);
  });

  it('finds nothing in steady traffic', () => {
    const gaps = detectLogGaps(traffic(5, () => false), [source('/logs/access.log')]);
    assert.deepEqual([gaps.silentPeriods, gaps.missingDaysMs, gaps.missingRotations, gaps.incompleteSources, gaps.rejectedLines], [[], [], [], [], []]);
  });

  it('names rotated files missing from a numbered series, per folder', () => {
    const gaps = detectLogGaps([], [
      source('/logs/access.log'), source('/logs/access.log.1'), source('/logs/access.log.2.gz'), source('/logs/access.log.5.gz'),
      source('/other/error.log.2'), source('/logs/access.log-20260301.gz'),
    ]);
    assert.deepEqual(gaps.missingRotations, [
      { series: 'access.log', missing: ['access.log.3.gz', 'access.log.4.gz'], present: ['access.log.1', 'access.log.2.gz', 'access.log.5.gz'] },
      { series: 'error.log', missing: ['error.log.1'], present: ['error.log.2'] },
    ]);
  });

  it('lists partly read sources and rejected lines, and the coverage', () => {
    const gaps = detectLogGaps([], [
      source('/logs/a.log.gz', { status: 'incomplete', error: 'gzip data is damaged after 100 compressed bytes' }),
      source('/logs/b.log', { rejected: 3, lines: 50, firstTimeMs: START - DAY, lastTimeMs: START + 5 * DAY }),
    ]);
    assert.deepEqual(gaps.incompleteSources.map((s) => s.path), ['/logs/a.log.gz']);
    assert.deepEqual(gaps.rejectedLines.map((s) => [s.path, s.rejected, s.lines]), [['/logs/b.log', 3, 50]]);
    assert.deepEqual(gaps.coverage, { firstMs: START - DAY, lastMs: START + 5 * DAY });
  });
});
