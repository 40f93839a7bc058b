/**
 * Property-based tests of normalizeTargetPath, the target normaliser (DESIGN §4): it never
 * throws, is idempotent, and never produces "//", "/./", "/../" or a trailing "/." or "/..";
 * equivalent spellings of one path normalise alike.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { normalizeTargetPath } from '@logwitness/core';

const SEED = 20261122;
const RUNS = Number(process.env.LOGWITNESS_FUZZ_RUNS ?? 2000);

const PIECES = fc.constantFrom('/', '//', '.', '..', '%', '%%', '%2', '%3', '%4', '%6', '%7', '1', '4', 'e', 'E', '/./', '/../', '%2e', '%2E', '%2F', '%2f', '%25', '%41', '%7e', '%7E', '%', '%g1', '?', '#', 'a', 'B', '~', '-', '_', ' ', '\u0000', 'é', '%C3%A9', 'http://h', 'https://x.example:8080', '*', ';', '\\');
const TARGET = fc.oneof(
  fc.array(fc.oneof(PIECES, fc.string({ maxLength: 4 })), { maxLength: 25 }).map((parts) => parts.join('')),
  fc.array(fc.oneof(PIECES, fc.string({ maxLength: 4 })), { maxLength: 25 }).map((parts) => '/' + parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  // Percent soup: bare "%" next to hex digits and dots, where decoding can build new escapes.
  fc.array(fc.constantFrom('%', '/', '.', '2', '3', '4', '1', 'e', 'E', 'f', 'F', '5'), { maxLength: 16 }).map((parts) => '/' + parts.join('')),
);

function checkShape(path: string, from: string): void {
  const where = `${JSON.stringify(from)} -> ${JSON.stringify(path)}`;
  assert.ok(path.startsWith('/'), `${where}: starts with "/"`);
  assert.ok(!path.includes('//'), `${where}: no "//"`);
  assert.ok(!path.includes('/./'), `${where}: no "/./"`);
  assert.ok(!path.includes('/../'), `${where}: no "/../"`);
  assert.ok(!path.endsWith('/.') && !path.endsWith('/..'), `${where}: no trailing dot segment`);
  assert.ok(!path.includes('?') && !path.includes('#'), `${where}: no query or fragment`);
  assert.ok(!/%(2[eE]|4[1-9a-fA-F]|[57][0-9aA]|3[0-9]|5[fF]|6[1-9a-fA-F]|7[eE]|2[dD])/.test(path), `${where}: unreserved characters are decoded`);
  assert.ok(!/%[0-9a-f][a-f]|%[a-f][0-9A-F]/.test(path), `${where}: remaining percent-encodings are upper case`);
}

describe('robustness: fuzzing normalizeTargetPath', function () {
  this.timeout(60_000);

  it('never throws, and what it returns is a clean absolute path', function () {
    fc.assert(
      fc.property(TARGET, (target) => {
        const path = normalizeTargetPath(target);
        if (path !== null) checkShape(path, target);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('is idempotent', function () {
    fc.assert(
      fc.property(TARGET, (target) => {
        const once = normalizeTargetPath(target);
        if (once === null) return;
        assert.equal(normalizeTargetPath(once), once, `${JSON.stringify(target)} -> ${JSON.stringify(once)}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('treats equivalent spellings alike: query, dot segments, repeated slashes, encoded unreserved characters, absolute form', function () {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.string({ maxLength: 10 }), (segments, query) => {
        const plain = '/' + segments.join('/');
        const expected = normalizeTargetPath(plain);
        assert.equal(expected, plain, 'a clean path is its own normal form');
        const encoded = '/' + segments.map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')).join('/');
        const spellings = [
          `${plain}?${query}`,
          `${plain}#${query}`,
          '/' + segments.join('//'),
          '/./' + segments.join('/./'),
          `/${segments[0]}/../${segments.join('/')}`,
          `/../../${segments.join('/')}`,
          encoded,
          `http://example.org${plain}?${query}`,
        ];
        for (const spelling of spellings) assert.equal(normalizeTargetPath(spelling), expected, JSON.stringify(spelling));
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('keeps reserved characters encoded: %2F is not a slash', function () {
    assert.equal(normalizeTargetPath('/a%2fb/../c'), '/c');
    assert.equal(normalizeTargetPath('/a%2Fb'), '/a%2Fb');
    assert.notEqual(normalizeTargetPath('/a%2Fb'), normalizeTargetPath('/a/b'));
  });

  it('writes a bare "%" as %25, so decoding cannot build a new escape or a hidden dot segment (found by this fuzz test)', function () {
    assert.equal(normalizeTargetPath('/%7%41'), '/%257A');
    assert.equal(normalizeTargetPath('/%2%65%2e'), '/%252e.');
    assert.equal(normalizeTargetPath('/100%'), '/100%25');
  });
});
