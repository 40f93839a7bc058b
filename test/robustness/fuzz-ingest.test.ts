/**
 * Property-based test of the whole ingest path (line reader, format detection, parsers,
 * writer): files made of real sample lines of every format, mutated lines, random bytes and
 * mixed line endings, some gzipped, never make ingest throw; a file is either refused with
 * nothing stored, or stored with its accounting intact and its bytes kept exactly.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CaseStore, FORMATS, ingestPaths } from '@logwitness/core';
import { tempDir } from '../helpers';
import { HOSTILE_LINES } from '../fixtures/hostile/hostile-lines';
import { checkCaseAccounting, storedRawBytes } from './robustness-helpers';

const SEED = 20261122;
const RUNS = Number(process.env.LOGWITNESS_FUZZ_INGEST_RUNS ?? 40);

const SAMPLE_LINES = [...FORMATS.flatMap((format) => format.samples), ...HOSTILE_LINES.map((line) => line.bytes.toString('latin1'))];

/** One line's bytes: a sample, a sample with bytes changed, or random bytes (no newline). */
const LINE = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SAMPLE_LINES).map((text) => Buffer.from(text, 'utf8')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SAMPLE_LINES), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([text, at, bytes]) => {
    const line = Buffer.from(text, 'utf8');
    const cut = at % (line.length + 1);
    return Buffer.concat([line.subarray(0, cut), Buffer.from(bytes.map((b) => (b === 10 ? 32 : b))), line.subarray(cut)]);
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes.map((b) => (b === 10 ? 0 : b)))) },
);

const FILE = fc.record({
  lines: fc.array(fc.tuple(LINE, fc.constantFrom('\n', '\r\n', '\n', '\n')), { maxLength: 30 }),
  finalNewline: fc.boolean(),
  gzip: fc.boolean(),
});

describe('robustness: fuzzing the whole ingest', function () {
  this.timeout(120_000);

  it('never throws; a file is refused with nothing stored, or stored exactly with its accounting intact', async function () {
    const dir = tempDir('logwitness-fuzz-ingest-');
    let run = 0;
    const outcomes = { stored: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(FILE, async (file) => {
        run++;
        const parts = file.lines.flatMap(([bytes, ending]) => [bytes, Buffer.from(ending)]);
        let content = Buffer.concat(parts);
        if (!file.finalNewline && file.lines.length > 0) content = content.subarray(0, content.length - file.lines[file.lines.length - 1]![1].length);
        const path = join(dir, `input-${run}.log${file.gzip ? '.gz' : ''}`);
        writeFileSync(path, file.gzip ? gzipSync(content) : content);
        const casePath = join(dir, `case-${run}.sqlite`);
        const store = CaseStore.open(casePath);
        let result;
        try {
          result = (await ingestPaths(store, [path])).files[0]!;
        } finally {
          store.close();
        }
        const sources = checkCaseAccounting(casePath);
        if (result.status === 'refused') {
          outcomes.refused++;
          assert.equal(sources.length, 0, 'a refused file stores nothing');
          assert.ok(result.error && result.error.length > 0, 'and says why');
          return;
        }
        outcomes.stored++;
        assert.equal(result.status, 'complete', result.error ?? '');
        assert.equal(sources.length, 1);
        assert.ok(storedRawBytes(casePath, sources[0]!.id).equals(content), 'the stored bytes are the input, exactly');
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`      (${outcomes.stored} files stored, ${outcomes.refused} refused)`);
    assert.ok(outcomes.stored > 0, 'some generated files were stored');
  });
});
