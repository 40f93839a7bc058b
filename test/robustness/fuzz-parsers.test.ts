/**
 * Property-based tests (fast-check, fixed seed, bounded runs) over every registered log
 * format's parser: random lines and mutated sample lines never make a parser throw, and what
 * it returns is a well-formed result; a record rendered as a common / combined /
 * vhost_combined line, with Apache's escaping, parses back to the same record.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FORMATS, findFormat, scoreFormats, type AccessRecord, type LineParser, type LineResult, type LogFormat } from '@logwitness/core';
import { clfTime } from './robustness-helpers';

const SEED = 20261122;
const RUNS = Number(process.env.LOGWITNESS_FUZZ_RUNS ?? 300);

function parserFor(format: LogFormat): LineParser {
  return format.createParser({ assumeTz: 'UTC' });
}

/** Fields every record must have, with their allowed types. */
function checkResult(result: LineResult, where: string): void {
  assert.ok(result !== null && typeof result === 'object', `${where}: a result object`);
  if (result.kind === 'skip') return;
  if (result.kind === 'reject') {
    assert.equal(typeof result.reason, 'string', `${where}: reject reason`);
    assert.ok(result.reason.length > 0, `${where}: reject reason is not empty`);
    return;
  }
  assert.equal(result.kind, 'record', `${where}: kind`);
  for (const record of [result.record, ...(result.more ?? [])]) {
    assert.ok(Number.isFinite(record.timeMs), `${where}: timeMs is a finite number (${record.timeMs})`);
    assert.ok(Number.isInteger(record.utcOffsetMin) && Math.abs(record.utcOffsetMin) <= 24 * 60, `${where}: utcOffsetMin ${record.utcOffsetMin}`);
    assert.equal(typeof record.remoteIp, 'string', `${where}: remoteIp`);
    for (const key of ['status', 'bytes', 'serverPort', 'durationUs', 'rangeStart', 'rangeEnd', 'objectSize'] as const) {
      const value = record[key];
      assert.ok(value === null || (typeof value === 'number' && Number.isFinite(value)), `${where}: ${key} is null or a finite number (${String(value)})`);
    }
    for (const key of ['method', 'target', 'protocol', 'referrer', 'userAgent', 'user', 'ident', 'vhost', 'forwardedFor'] as const) {
      const value = record[key];
      assert.ok(value === null || typeof value === 'string', `${where}: ${key} is null or a string`);
    }
  }
}

/** Characters that break parsers: quotes, brackets, escapes, separators, controls, non-BMP. */
const NASTY = fc.constantFrom(
  '"', '\\', '[', ']', ' ', '\t', '-', ':', '/', '+', ',', '=', '{', '}', '#', '%', '\u0000', '\u001b', '\r', '\ufffd', '\u202e', '😀', '\\x', '\\"', '""', '- -', ' 200 ', ' [', '] "', '" 200 ', '#Fields: ', 'null', '9'.repeat(20), '1e400', 'NaN',
);

/** A random line: printable text, nasty fragments and arbitrary code points. */
const RANDOM_LINE = fc.array(fc.oneof(fc.string({ maxLength: 12 }), NASTY, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join(''));

/** A mutation of a real sample line. */
function mutated(samples: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({ kind: fc.integer({ min: 0, max: 5 }), at: fc.nat(), length: fc.nat({ max: 20 }), insert: fc.oneof(NASTY, fc.string({ maxLength: 6 })) });
  return fc.tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([sample, edits]) => {
    let line = sample;
    for (const e of edits) {
      const at = line.length === 0 ? 0 : e.at % (line.length + 1);
      if (e.kind === 0) line = line.slice(0, at) + e.insert + line.slice(at); // insert
      else if (e.kind === 1) line = line.slice(0, at) + line.slice(at + e.length); // delete
      else if (e.kind === 2) line = line.slice(0, at); // truncate
      else if (e.kind === 3) line = line.slice(0, at) + e.insert + line.slice(at + e.length); // replace
      else if (e.kind === 4) line = line + line.slice(at); // duplicate a tail
      else line = line.slice(at) + line.slice(0, at); // rotate
    }
    return line;
  });
}

describe('robustness: fuzzing the line parsers', function () {
  this.timeout(120_000);

  it('finds the registered formats', function () {
    assert.ok(FORMATS.length >= 3);
    for (const format of FORMATS) assert.ok(format.samples.length > 0, `${format.name} has sample lines`);
  });

  for (const format of FORMATS) {
    describe(`format ${format.name}`, function () {
      it('never throws on random lines, and returns well-formed results', function () {
        fc.assert(
          fc.property(fc.array(RANDOM_LINE, { minLength: 1, maxLength: 5 }), (lines) => {
            const parser = parserFor(format);
            for (const line of lines) checkResult(parser.parseLine(line), `${format.name} on ${JSON.stringify(line)}`);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });

      it('never throws on mutated sample lines (after its samples, for formats with headers)', function () {
        fc.assert(
          fc.property(fc.array(mutated(format.samples), { minLength: 1, maxLength: 5 }), (lines) => {
            const parser = parserFor(format);
            for (const sample of format.samples) parser.parseLine(sample);
            for (const line of lines) checkResult(parser.parseLine(line), `${format.name} on ${JSON.stringify(line)}`);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });

      it('never throws while scoring random and mutated lines for detection', () => {
        fc.assert(
          fc.property(fc.array(fc.oneof(RANDOM_LINE, mutated(format.samples)), { maxLength: 10 }), (lines) => {
            // Through scoreFormats: the format's own detect(), or the default share-of-parsed-lines.
            const score = scoreFormats(lines, { assumeTz: null }, [format])[0]!.score;
            // 0 to 1, plus the small tie-breaks some formats add (0.001 per exact shape).
            assert.ok(Number.isFinite(score) && score >= 0 && score < 1.1, `detect() score ${score}`);
          }),
          { seed: SEED, numRuns: Math.ceil(RUNS / 3) },
        );
      });
    });
  }

  it('a byte count too long for a number is rejected, not a stack overflow (found by this fuzz test)', function () {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 999999999999999999992326';
    for (const format of FORMATS) checkResult(parserFor(format).parseLine(line), format.name);
    for (const name of ['common', 'combined', 'vhost_combined']) assert.equal(parserFor(findFormat(name)!).parseLine(line).kind, 'reject', name);
    assert.equal(parserFor(findFormat('combined')!).parseLine(`${line.slice(0, -4)}99999999999999999999www.example.org - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1`).kind, 'reject');
  });

  it('a line of thousands of requests run together is rejected quickly, not a stack overflow', function () {
    const request = (i: number): string => `10.0.0.${i % 250} - - [10/Oct/2000:13:55:36 -0700] "GET /x${i} HTTP/1.0" 200 ${i}`;
    const bomb = Array.from({ length: 5000 }, (_, i) => request(i + 1)).join('');
    for (const format of FORMATS) {
      const started = Date.now();
      checkResult(parserFor(format).parseLine(bomb), `${format.name} on 5000 joined requests`);
      assert.ok(Date.now() - started < 2000, `${format.name} took ${Date.now() - started} ms`);
    }
    const two = parserFor(findFormat('common')!).parseLine(request(1) + request(2));
    assert.equal(two.kind === 'record' ? 1 + (two.more?.length ?? 0) : 0, 2, 'two joined requests are still both read');
  });

  it('adversarial lines just under the 1 MiB line limit: no parser throws or takes more than 3 s', function () {
    const size = 1_000_000;
    for (const format of FORMATS) {
      const sample = format.samples[0]!;
      const lines: readonly (readonly [string, string])[] = [
        ['the sample repeated', sample.repeat(Math.floor(size / sample.length))],
        ['deeply nested JSON', '{"a":'.repeat(size / 10) + '1' + '}'.repeat(size / 10)],
        ['one huge JSON string', `{"request":{"remote_ip":"${'x'.repeat(size)}"}}`],
        ['quotes', '"'.repeat(size)],
        ['backslashes', '\\'.repeat(size)],
        ['quote after escaped quotes', `${sample.slice(0, 60)}"${'\\"'.repeat(size / 3)}`],
        ['a #Fields header of 80,000 fields, then a line', '#Fields: ' + 'cs-uri-stem '.repeat(80_000)],
        ['spaces between the fields', sample.split(' ').join(' '.repeat(2000))],
      ];
      const parser = parserFor(format);
      for (const known of format.samples) parser.parseLine(known);
      for (const [name, line] of lines) {
        const started = Date.now();
        checkResult(parser.parseLine(line), `${format.name} on ${name}`);
        if (name.startsWith('a #Fields')) checkResult(parser.parseLine(sample), `${format.name} on its sample after ${name}`);
        assert.ok(Date.now() - started < 3000, `${format.name} on ${name}: ${Date.now() - started} ms`);
      }
    }
  });

  describe('round trip: a record written as a CLF-family line parses back to the same record', function () {
    /** Apache mod_log_config escaping: \" and \\, and \xhh for control and non-ASCII bytes. */
    function apacheEscape(text: string): string {
      let out = '';
      for (const byte of Buffer.from(text, 'utf8')) {
        if (byte === 0x22) out += '\\"';
        else if (byte === 0x5c) out += '\\\\';
        else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
        else out += String.fromCharCode(byte);
      }
      return out;
    }

    const ipv4 = fc.ipV4();
    const ipv6 = fc.ipV6().filter((ip) => !ip.includes('.'));
    const token = fc.stringMatching(/^[A-Za-z0-9._@=+~!$*]{1,12}$/).filter((t) => t !== '-');
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((t) => t !== '-' && !/^\s*$/.test(t));
    const segment = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,10}$/);
    const target = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._-]{0,12}$/), { nil: null }))
      .map(([segments, query]) => '/' + segments.join('/') + (query === null ? '' : `?${query}`));
    const record = fc.record({
      remoteIp: fc.oneof(ipv4, ipv6),
      user: fc.option(token, { nil: null }),
      // Whole seconds between 1995 and 2037, with a real-world offset (multiples of 15 minutes).
      timeMs: fc.integer({ min: Date.UTC(1995, 0, 2) / 1000, max: Date.UTC(2037, 11, 30) / 1000 }).map((s) => s * 1000),
      utcOffsetMin: fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND'),
      target,
      protocol: fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'),
      status: fc.integer({ min: 100, max: 599 }),
      bytes: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null }),
      referrer: fc.option(text, { nil: null }),
      userAgent: fc.option(text, { nil: null }),
      vhost: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){1,3}$/),
      serverPort: fc.integer({ min: 1, max: 65535 }),
    });

    function localTime(r: { timeMs: number; utcOffsetMin: number }): string {
      const text = clfTime(r.timeMs + r.utcOffsetMin * 60_000).slice(0, -6);
      const sign = r.utcOffsetMin < 0 ? '-' : '+';
      const abs = Math.abs(r.utcOffsetMin);
      return `${text} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
    }

    type Generated = typeof record extends fc.Arbitrary<infer T> ? T : never;
    const common = (r: Generated): string =>
      `${r.remoteIp} - ${r.user === null ? '-' : r.user} [${localTime(r)}] "${r.method} ${apacheEscape(r.target)} ${r.protocol}" ${r.status} ${r.bytes === null ? '-' : r.bytes}`;
    const combined = (r: Generated): string => `${common(r)} "${r.referrer === null ? '-' : apacheEscape(r.referrer)}" "${r.userAgent === null ? '-' : apacheEscape(r.userAgent)}"`;

    function expectSame(parsed: AccessRecord, r: Generated, withAgent: boolean, line: string): void {
      const where = `line ${JSON.stringify(line)}`;
      assert.equal(parsed.remoteIp, r.remoteIp, where);
      assert.equal(parsed.user, r.user, where);
      assert.equal(parsed.timeMs, r.timeMs, where);
      assert.equal(parsed.utcOffsetMin, r.utcOffsetMin, where);
      assert.equal(parsed.method, r.method, where);
      assert.equal(parsed.target, r.target, where);
      assert.equal(parsed.protocol, r.protocol, where);
      assert.equal(parsed.status, r.status, where);
      assert.equal(parsed.bytes, r.bytes, where);
      if (withAgent) {
        assert.equal(parsed.referrer, r.referrer, where);
        assert.equal(parsed.userAgent, r.userAgent, where);
      }
    }

    const shapes: readonly (readonly [string, (r: Generated) => string, boolean])[] = [
      ['common', common, false],
      ['combined', combined, true],
      ['vhost_combined', (r) => `${r.vhost}:${r.serverPort} ${combined(r)}`, true],
    ];
    for (const [name, render, withAgent] of shapes) {
      it(name, function () {
        const format = findFormat(name);
        assert.ok(format, `format ${name} is registered`);
        fc.assert(
          fc.property(record, (r) => {
            const line = render(r);
            const result = parserFor(format).parseLine(line);
            assert.equal(result.kind, 'record', `${JSON.stringify(line)}: ${result.kind === 'reject' ? result.reason : result.kind}`);
            if (result.kind !== 'record') return;
            expectSame(result.record, r, withAgent, line);
            if (name === 'vhost_combined') {
              assert.equal(result.record.vhost, r.vhost);
              assert.equal(result.record.serverPort, r.serverPort);
            }
          }),
          { seed: SEED, numRuns: RUNS },
        );
      });
    }
  });
});
