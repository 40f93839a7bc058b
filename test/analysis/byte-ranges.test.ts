import { strict as assert } from 'node:assert';
import type { RequestEvent } from '@logwitness/core';
import { decideCompleteness } from '../../packages/core/src/analysis/completeness';
import { decideFileSize } from '../../packages/core/src/analysis/file-size';
import { parseRangeHeader, servedRanges, unionRanges } from '../../packages/core/src/analysis/byte-ranges';

let nextId = 1;
/** A successful request as the store would return it, with only the range fields varied. */
function request(fields: Partial<RequestEvent>): RequestEvent {
  return {
    requestId: nextId++, timeMs: Date.UTC(2026, 8, 20, 10), utcOffsetMin: 0, clientIp: '203.0.113.1', remoteIp: null, method: 'GET',
    path: '/f.bin', target: '/f.bin', status: 206, bytes: 0, referrer: null, userAgent: 'UA', rangeHeader: null, contentRange: null,
    rangeStart: null, rangeEnd: null, objectSize: null, source: { file: 'cloudfront.log', sha256: '0'.repeat(64), line: nextId }, ...fields,
  };
}

describe('analysis: byte ranges and completeness', () => {
  it('resolves Range headers against the size (RFC 9110 §14.1.2)', () => {
    assert.deepEqual(parseRangeHeader('bytes=0-499', 1000), [{ start: 0, end: 499 }]);
    assert.deepEqual(parseRangeHeader('bytes=500-', 1000), [{ start: 500, end: 999 }]);
    assert.deepEqual(parseRangeHeader('bytes=-200', 1000), [{ start: 800, end: 999 }]);
    assert.deepEqual(parseRangeHeader('bytes=0-99, 900-5000', 1000), [{ start: 0, end: 99 }, { start: 900, end: 999 }]);
    assert.deepEqual(parseRangeHeader('items=0-1', 1000), []);
    assert.deepEqual(unionRanges([{ start: 500, end: 999 }, { start: 0, end: 499 }, { start: 100, end: 200 }]), [{ start: 0, end: 999 }]);
  });

  it('limits a range to the bytes actually sent (an aborted 206)', () => {
    assert.deepEqual(servedRanges(request({ contentRange: 'bytes 0-499/1000', bytes: 120 }), 1000), [{ start: 0, end: 119 }]);
    assert.deepEqual(servedRanges(request({ status: 200, bytes: 300 }), 1000), [{ start: 0, end: 299 }]);
    assert.equal(servedRanges(request({ bytes: 300 }), 1000), null, 'a 206 without range fields says nothing of which bytes');
  });

  it('ranges covering the file decide first; overlapping ranges that leave a gap do not complete it', () => {
    const parts = [
      request({ contentRange: 'bytes 0-599/1000', bytes: 600 }),
      request({ contentRange: 'bytes 600-999/1000', bytes: 400 }),
    ];
    assert.deepEqual(decideCompleteness(parts, 1000), {
      complete: true, rule: 'ranges-cover-file', detail: 'the byte ranges sent (0-999) cover all 1,000 bytes',
    });
    // CloudFront sc-range-start/end: overlapping ranges whose byte sum reaches the size but leave a gap.
    const gap = [request({ rangeStart: 0, rangeEnd: 599, bytes: 600 }), request({ rangeStart: 0, rangeEnd: 499, bytes: 500 })];
    const decided = decideCompleteness(gap, 1000);
    assert.equal(decided.complete, false, 'bytes add up to 1,100 but bytes 600-999 were never sent');
    assert.equal(decided.rule, 'incomplete');
    assert.match(decided.detail, /cover 600 of 1,000 bytes \(60%\)/);
  });

  it('Range request headers with an aborted 200 then a resume complete the file', () => {
    const resumed = [request({ status: 200, bytes: 400 }), request({ rangeHeader: 'bytes=400-', bytes: 600 })];
    assert.equal(decideCompleteness(resumed, 1000).rule, 'ranges-cover-file');
    const short = [request({ status: 200, bytes: 400 }), request({ rangeHeader: 'bytes=500-', bytes: 500 })];
    assert.equal(decideCompleteness(short, 1000).complete, false, 'bytes 400-499 missing');
  });

  it('falls back to byte counts when only some 206s carry ranges', () => {
    const mixed = [request({ contentRange: 'bytes 0-499/1000', bytes: 500 }), request({ bytes: 500 })];
    assert.equal(decideCompleteness(mixed, 1000).rule, 'partial-bytes-sum');
  });

  it('takes the size from --size, then a logged object size, then the largest 200', () => {
    const s3 = [request({ status: 200, bytes: 300, objectSize: 1000 }), request({ status: 200, bytes: 900 })];
    assert.deepEqual(decideFileSize(s3, null), { sizeBytes: 1000, sizeRule: 'object-size' });
    assert.deepEqual(decideFileSize([request({ contentRange: 'bytes 0-9/2048', bytes: 10 })], null), { sizeBytes: 2048, sizeRule: 'object-size' });
    assert.deepEqual(decideFileSize(s3, 5), { sizeBytes: 5, sizeRule: 'given' });
    assert.deepEqual(decideFileSize([request({ status: 200, bytes: 900 }), request({ status: 200, method: 'HEAD', bytes: 5000 })], null), { sizeBytes: 900, sizeRule: 'largest-200' });
  });
});
