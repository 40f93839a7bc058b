/**
 * --assume-tz: local wall times to UTC, across DST changes, with the decisions for ambiguous
 * and skipped times recorded. The property compares with the runtime's own Intl rendering of
 * random instants.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseAssumedZone } from '../../packages/core/src/formats/assumed-zone';

/** The wall time of an instant in a zone, as Date.UTC(...) of its parts (via Intl, independent of the code under test). */
function wallTimeMs(instantMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) + (instantMs % 1000);
}

describe('formats: --assume-tz conversion', () => {
  it('fixed offsets and UTC', () => {
    assert.equal(parseAssumedZone('+01:00').toUtc(Date.UTC(2026, 0, 1, 10)).timeMs, Date.UTC(2026, 0, 1, 9));
    assert.equal(parseAssumedZone('-0530').toUtc(Date.UTC(2026, 0, 1, 10)).utcOffsetMin, -330);
    assert.equal(parseAssumedZone('UTC').toUtc(Date.UTC(2026, 0, 1, 10)).timeMs, Date.UTC(2026, 0, 1, 10));
  });
  it('IANA zones follow DST', () => {
    const london = parseAssumedZone('Europe/London');
    assert.equal(london.toUtc(Date.UTC(2026, 0, 15, 12)).timeMs, Date.UTC(2026, 0, 15, 12));
    assert.equal(london.toUtc(Date.UTC(2026, 6, 15, 12)).timeMs, Date.UTC(2026, 6, 15, 11));
    const newYork = parseAssumedZone('America/New_York');
    assert.equal(newYork.toUtc(Date.UTC(2026, 6, 4, 9)).utcOffsetMin, -240);
  });
  it('an ambiguous time (clocks back) is the earlier instant, and says so', () => {
    const instant = parseAssumedZone('Europe/London').toUtc(Date.UTC(2026, 9, 25, 1, 30));
    assert.equal(instant.timeMs, Date.UTC(2026, 9, 25, 0, 30));
    assert.match(instant.note ?? '', /ambiguous/);
  });
  it('a skipped time (clocks forward) uses the offset before the change, and says so', () => {
    const instant = parseAssumedZone('America/New_York').toUtc(Date.UTC(2026, 2, 8, 2, 30));
    assert.equal(instant.timeMs, Date.UTC(2026, 2, 8, 7, 30));
    assert.match(instant.note ?? '', /does not exist/);
  });
  it('refuses unknown zones and out-of-range offsets, saying what is expected', () => {
    assert.throws(() => parseAssumedZone('Mars/Olympus'), /unknown time zone; expected an IANA name/);
    assert.throws(() => parseAssumedZone('+25:00'), /out of range/);
  });
  it('property: the wall time of any instant converts back to that instant (or to the earlier one of a repeated hour)', () => {
    const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham', 'Europe/Dublin'];
    const converters = new Map(zones.map((zone) => [zone, parseAssumedZone(zone)]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2037, 0, 1) }), (zone, instantMs) => {
        const local = wallTimeMs(instantMs, zone);
        const result = converters.get(zone)!.toUtc(local);
        assert.equal(wallTimeMs(result.timeMs, zone), local, 'same wall time');
        if (result.note === null) assert.equal(result.timeMs, instantMs);
        else assert.ok(result.timeMs <= instantMs && /ambiguous/.test(result.note), 'ambiguous: the earlier instant');
      }),
      { numRuns: 800, seed: 20260302 },
    );
  });
});
