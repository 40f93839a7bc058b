/**
 * Real and third-party test logs from ../shared/corpora (skipped with a printed reason when
 * absent): plaso's apache/ALB/IIS logs, lnav's W3C, HAProxy and access logs and its
 * format-samples.jsonl, the AWS documentation example lines, and the CLF corpora of the
 * foundation issue (Elastic's apache_logs, the NASA 1995 trace, java-grok's access_log),
 * which must give zero rejects. Counts per source are printed.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { findFormat } from '../../packages/core/src/formats/registry';
import { resolveFormat } from '../../packages/core/src/formats/resolve-format';
import type { LogFormat } from '../../packages/core/src/formats/log-format';
import { detectFormat } from '../../packages/core/src/sources/detect-format';
import { corpus } from '../helpers';
import { fileLines, iso, parseLines, recordsOf, rejectsOf, skipsOf } from '../formats/format-helpers';

function format(name: string): LogFormat {
  return findFormat(name)!;
}

/** Detect the file's format, parse every line, print the counts, and return them. */
function ingestLike(label: string, relative: string, expectedFormat: string, assumeTz: string | null = null) {
  const path = corpus(relative);
  if (path === null) return null;
  const lines = fileLines(path);
  const detected = detectFormat(lines.slice(0, 200), { assumeTz }, relative).format;
  assert.equal(detected.name, expectedFormat, `${relative} is detected as ${expectedFormat}`);
  const parsed = parseLines(detected, lines, assumeTz);
  const records = recordsOf(parsed);
  const rejects = rejectsOf(parsed);
  console.log(`    ${label}: ${lines.length} lines -> ${records.length} requests, ${rejects.length} rejects, ${skipsOf(parsed)} directives/skipped (${detected.name})`);
  return { lines, parsed, records, rejects };
}

const PLASO = 'log2timeline-plaso/test_data';
const LNAV = 'tstack-lnav/test';

describe('conformance: CLF corpora (foundation issue)', () => {
  it('plaso apache_access.log: all 15 lines are requests (plaso: 14 + 1 warning)', function () {
    const r = ingestLike('plaso apache_access.log', `${PLASO}/apache_access.log`, 'combined');
    if (r === null) return this.skip();
    assert.equal(r.lines.length, 15);
    assert.deepEqual(r.rejects, []);
    assert.ok(r.records.length >= 15);
  });
  for (const [label, relative] of [
    ['elastic-examples apache_logs', 'elastic-examples/Common Data Formats/apache_logs/apache_logs'],
    ['java-grok access_log', 'thekrakken-java-grok/src/test/resources/access_log'],
    ['lnav access_log.0', `${LNAV}/logfile_access_log.0`],
    ['lnav access_log.1', `${LNAV}/logfile_access_log.1`],
    ['lnav shop access log', `${LNAV}/logfile_shop_access_log.0`],
    ['elastic apache test log', 'elastic-integrations/packages/apache/data_stream/access/_dev/test/pipeline/test-access-basic.log'],
  ] as const) {
    it(`${label}: zero rejects`, function () {
      const path = corpus(relative);
      if (path === null) return this.skip();
      const lines = fileLines(path);
      const name = detectFormat(lines.slice(0, 200), { assumeTz: null }, relative).format.name;
      assert.ok(['combined', 'common', 'vhost_combined'].includes(name), `${relative}: CLF family, got ${name}`);
      const parsed = parseLines(format(name), lines);
      console.log(`    ${label}: ${lines.length} lines -> ${recordsOf(parsed).length} requests, ${rejectsOf(parsed).length} rejects (${name})`);
      assert.deepEqual(rejectsOf(parsed), []);
    });
  }
  it('NASA July 1995 (200,000 lines): zero rejects; joined lines give two requests with a warning', function () {
    const r = ingestLike('NASA 1995', 'thekrakken-java-grok/src/test/resources/NASA_access_log_Jul95.first200000lines.log', 'common');
    if (r === null) return this.skip();
    assert.deepEqual(r.rejects, []);
    const joined = r.parsed.filter((p) => p.result.kind === 'record' && p.result.more !== undefined);
    assert.equal(joined.length, 14);
    assert.equal(r.records.length, r.lines.length + 14);
  });
});

describe('conformance: plaso ALB/ELB and IIS logs', () => {
  it('aws_elb_access.log: ALB, Classic ELB and NLB lines, zero rejects', function () {
    const r = ingestLike('plaso aws_elb_access.log', `${PLASO}/aws_elb_access.log`, 'alb');
    if (r === null) return this.skip();
    assert.deepEqual(r.rejects, []);
    assert.equal(r.records.length, r.lines.length);
  });
  for (const file of ['iis10.log', 'iis10_cookies.log', 'iis10_edge_cases.log', 'iis6.log', 'iis7_owa.log', 'iis7_sqli.log', 'iis_without_date.log']) {
    it(`iis/${file}: zero rejects`, function () {
      const r = ingestLike(`plaso iis/${file}`, `${PLASO}/iis/${file}`, 'w3c');
      if (r === null) return this.skip();
      assert.deepEqual(r.rejects, []);
      assert.ok(r.records.length > 0);
    });
  }
  it('iis_without_date.log takes the day from #Date; iis10_edge_cases keeps the username after a double space', function () {
    const noDate = ingestLike('plaso iis_without_date', `${PLASO}/iis/iis_without_date.log`, 'w3c');
    const edge = ingestLike('plaso iis10_edge_cases', `${PLASO}/iis/iis10_edge_cases.log`, 'w3c');
    if (noDate === null || edge === null) return this.skip();
    assert.equal(iso(noDate.records[0]!), '2013-07-30T00:00:00.000Z');
    assert.equal(noDate.records[0]!.protocol, 'HTTP/1.1');
    assert.equal(edge.records[0]!.user, 'random\\ranuser1');
    assert.equal(edge.records[0]!.status, 200);
    assert.equal(edge.records[0]!.serverPort, 444);
  });
});

describe('conformance: lnav logs', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 6]) {
    it(`logfile_w3c.${n}: zero rejects`, function () {
      // logfile_w3c.3 has date-local/time-local fields: its times need a zone.
      const r = ingestLike(`lnav logfile_w3c.${n}`, `${LNAV}/logfile_w3c.${n}`, 'w3c', n === 3 ? 'UTC' : null);
      if (r === null) return this.skip();
      assert.deepEqual(r.rejects, []);
    });
  }
  it('logfile_w3c_big.0: 210 requests across repeated headers', function () {
    const r = ingestLike('lnav logfile_w3c_big.0', `${LNAV}/logfile_w3c_big.0`, 'w3c');
    if (r === null) return this.skip();
    assert.deepEqual(r.rejects, []);
    assert.equal(r.records.length, r.lines.filter((line) => !line.startsWith('#')).length);
  });
  it('logfile_haproxy.0: HTTP, TCP and error lines, no rejects', function () {
    const r = ingestLike('lnav logfile_haproxy.0', `${LNAV}/logfile_haproxy.0`, 'haproxy', 'UTC');
    if (r === null) return this.skip();
    assert.deepEqual(r.rejects, []);
  });
  it('format-samples.jsonl: all 27 sample lines parse', function () {
    const path = corpus('tstack-lnav/format-samples.jsonl');
    if (path === null) return this.skip();
    const samples = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { format: string; line: string });
    const ours: Record<string, string> = { access_log: 'combined', alb_log: 'alb', elb_log: 'elb', haproxy_log: 'haproxy', s3_log: 's3' };
    // Deliberate: three lnav access_log samples are not Apache/nginx CLF: two are a custom
    // ISO-time layout and one is Python http.server (time without offset). They parse with
    // the custom format string a user would give (--format), in the zone given with --assume-tz.
    const custom: readonly [RegExp, string][] = [
      [/^\d{4}-\d{2}-\d{2}T\S+ \S+ \S+ \S+ "/, '%{%Y-%m-%dT%H:%M:%S}t %h %u %m "%U" %D %>s %b "%{Referer}i" "%{User-Agent}i"'],
      [/^\d{4}-\d{2}-\d{2}T/, '%{%Y-%m-%dT%H:%M:%S}t %h %u %m %U %D %>s %b "%{Referer}i" "%{User-Agent}i"'],
      [/\[\d{2}\/\w{3}\/\d{4} \d{2}:\d{2}:\d{2}\]/, '%h %l %u [%{%d/%b/%Y %H:%M:%S}t] "%r" %>s %b'],
    ];
    let parsed = 0;
    let viaCustom = 0;
    const failures: string[] = [];
    for (const sample of samples) {
      const special = sample.format === 'access_log' ? custom.find(([pattern]) => pattern.test(sample.line)) : undefined;
      const f = special ? resolveFormat(special[1]) : format(ours[sample.format]!);
      const result = f.createParser({ assumeTz: 'UTC' }).parseLine(sample.line);
      if (result.kind === 'reject') failures.push(`${sample.format}: ${result.reason}: ${sample.line.slice(0, 80)}`);
      else {
        parsed++;
        if (special) viaCustom++;
      }
    }
    console.log(`    lnav format-samples.jsonl: ${parsed}/${samples.length} parse (${viaCustom} with a --format string)`);
    assert.equal(samples.length, 27);
    assert.deepEqual(failures, []);
  });
});

describe('conformance: AWS documentation example lines', () => {
  for (const [label, relative, name] of [
    ['AWS docs CloudFront', 'awsdocs/amazon-cloudfront-developer-guide/AccessLogs.example.log', 'cloudfront'],
    ['AWS docs S3', 'awsdocs/amazon-s3-userguide/LogFormat.example.log', 's3'],
    ['AWS docs ALB', 'awsdocs/elb-application-load-balancers-user-guide/load-balancer-access-logs.examples.log', 'alb'],
    ['AWS docs Classic ELB', 'awsdocs/elb-classic-load-balancers-user-guide/access-log-collection.examples.log', 'elb'],
  ] as const) {
    it(`${label}: every example line parses`, function () {
      const r = ingestLike(label, relative, name);
      if (r === null) return this.skip();
      assert.deepEqual(r.rejects, []);
      assert.ok(r.records.length >= 4);
    });
  }
  it('field values of the documented examples', function () {
    const s3 = ingestLike('AWS docs S3 (fields)', 'awsdocs/amazon-s3-userguide/LogFormat.example.log', 's3');
    const alb = ingestLike('AWS docs ALB (fields)', 'awsdocs/elb-application-load-balancers-user-guide/load-balancer-access-logs.examples.log', 'alb');
    if (s3 === null || alb === null) return this.skip();
    const put = s3.records.find((r) => r.method === 'PUT')!;
    assert.equal(put.objectSize, 4_406_583);
    assert.equal(put.bytes, null, 'bytes_sent "-"');
    assert.equal(put.durationUs, 41_754_000);
    const notFound = s3.records.find((r) => r.status === 404)!;
    assert.equal(notFound.extra?.['error_code'], 'NoSuchBucketPolicy');
    assert.equal(alb.records[0]!.remoteIp, '192.168.131.39');
    assert.equal(alb.records[0]!.extra?.['client_port'], '2817');
    assert.equal(iso(alb.records[0]!), '2018-07-02T22:23:00.186Z');
    const lambda = alb.records.find((r) => r.status === 502)!;
    assert.equal(lambda.extra?.['error_reason'], 'LambdaInvalidResponse');
  });
});
