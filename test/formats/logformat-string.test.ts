/**
 * Custom format strings: property test that lines written the way Apache and nginx write
 * them (with their escaping) parse back to the values written, for any values.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { resolveFormat } from '../../packages/core/src/formats/resolve-format';
import { compileFormatString, isNginxFormatString } from '../../packages/core/src/formats/logformat-string';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Apache %t for an instant at an offset. */
function clfTime(instantMs: number, offsetMin: number): string {
  const d = new Date(instantMs + offsetMin * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Apache's escaping of logged strings (mod_log_config ap_escape_logitem): quote, backslash, control bytes. */
function apacheEscape(text: string): string {
  return text.replace(/[\\"\x00-\x1f\x7f]/g, (c) => (c === '"' ? '\\"' : c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

const token = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== '-');
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== '-' && s.trim() === s && s.length > 0);
const record = fc.record({
  ip: fc.ipV4(),
  user: fc.option(token, { nil: null }),
  instantMs: fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2037, 0, 1) }).map((ms) => ms - (ms % 1000)),
  offsetMin: fc.constantFrom(0, 60, -300, 330, 765, -210),
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PROPFIND'),
  path: fc.array(token, { minLength: 1, maxLength: 4 }).map((parts) => '/' + parts.join('/')),
  status: fc.integer({ min: 100, max: 599 }),
  bytes: fc.option(fc.nat({ max: 2 ** 40 }), { nil: null }),
  referrer: fc.option(text, { nil: null }),
  agent: fc.option(text, { nil: null }),
  durationUs: fc.nat({ max: 10 ** 9 }),
  range: fc.option(fc.nat({ max: 10 ** 6 }).map((n) => `bytes=${n}-`), { nil: null }),
});

describe('formats: custom format strings (property)', () => {
  it('Apache: lines written with Apache escaping parse back to the values written', () => {
    const format = resolveFormat('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D "%{Range}i"');
    const parser = format.createParser({ assumeTz: null });
    fc.assert(
      fc.property(record, (r) => {
        const line = `${r.ip} - ${r.user ?? '-'} [${clfTime(r.instantMs, r.offsetMin)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${r.bytes ?? '-'} ` +
          `"${r.referrer === null ? '-' : apacheEscape(r.referrer)}" "${r.agent === null ? '-' : apacheEscape(r.agent)}" ${r.durationUs} "${r.range ?? '-'}"`;
        const result = parser.parseLine(line);
        assert.equal(result.kind, 'record', result.kind === 'reject' ? `${result.reason}: ${line}` : line);
        if (result.kind !== 'record') return;
        const p = result.record;
        assert.equal(p.remoteIp, r.ip);
        assert.equal(p.user, r.user);
        assert.equal(p.timeMs, r.instantMs);
        assert.equal(p.utcOffsetMin, r.offsetMin);
        assert.equal(p.method, r.method);
        assert.equal(p.target, r.path);
        assert.equal(p.status, r.status);
        assert.equal(p.bytes, r.bytes);
        assert.equal(p.referrer, r.referrer);
        assert.equal(p.userAgent, r.agent);
        assert.equal(p.durationUs, r.durationUs);
        assert.equal(p.rangeHeader, r.range);
      }),
      { numRuns: 500, seed: 6 },
    );
  });
  it('nginx: $time_iso8601 and $msec times, $request_time seconds', () => {
    const format = compileFormatString('$remote_addr [$time_iso8601] $msec "$request" $status $body_bytes_sent $request_time');
    assert.ok(isNginxFormatString('$remote_addr [$time_iso8601]'));
    const parser = format.createParser({ assumeTz: null });
    fc.assert(
      fc.property(record, (r) => {
        const isoText = new Date(r.instantMs).toISOString().replace('.000Z', '+00:00');
        const line = `${r.ip} [${isoText}] ${(r.instantMs / 1000).toFixed(3)} "${r.method} ${r.path} HTTP/2.0" ${r.status} ${r.bytes ?? 0} ${(r.durationUs / 1e6).toFixed(3)}`;
        const result = parser.parseLine(line);
        assert.equal(result.kind, 'record', line);
        if (result.kind !== 'record') return;
        assert.equal(result.record.timeMs, r.instantMs);
        assert.equal(result.record.extra?.['msec'], (r.instantMs / 1000).toFixed(3), 'a second time field is kept in extra');
        assert.equal(result.record.durationUs, Math.round(Number((r.durationUs / 1e6).toFixed(3)) * 1e6));
        assert.equal(result.record.protocol, 'HTTP/2.0');
      }),
      { numRuns: 300, seed: 7 },
    );
  });
  it('hostile lines cannot make the compiled format backtrack: 30 KB lines are refused in milliseconds', () => {
    const parser = resolveFormat('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i" %D').createParser({ assumeTz: null });
    const head = '203.0.113.9 - - [02/Mar/2026:10:00:00 +0000] ';
    const hostile = [head + '"GET / HTTP/1.1" 200 12 "' + '" "'.repeat(10_000) + 'x', head + '"' + '" 200 1 "'.repeat(3_000), head + '"a" 200 1 "' + ' '.repeat(30_000) + '"'];
    for (const line of hostile) {
      const start = process.hrtime.bigint();
      const result = parser.parseLine(line);
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      assert.equal(result.kind, 'reject');
      assert.ok(elapsedMs < 200, `${line.length}-character line took ${elapsedMs.toFixed(0)} ms`);
    }
  });
});
