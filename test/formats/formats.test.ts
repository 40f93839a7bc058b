/**
 * One test per format over its own fixture (test/fixtures/formats/<format>.log, written by
 * us): field values of good lines, and malformed lines rejected with a reason. Plus: every
 * registered format's samples parse, and detection picks each fixture's format.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { FORMATS, findFormat } from '../../packages/core/src/formats/registry';
import { resolveFormat } from '../../packages/core/src/formats/resolve-format';
import type { LogFormat } from '../../packages/core/src/formats/log-format';
import { detectFormat } from '../../packages/core/src/sources/detect-format';
import { FIXTURES } from '../helpers';
import { fileLines, iso, parseFile, parseLines, recordsOf, rejectsOf, skipsOf } from './format-helpers';

const fixture = (name: string): string => join(FIXTURES, 'formats', name);

function format(name: string): LogFormat {
  const found = findFormat(name);
  assert.ok(found, `format ${name} is registered`);
  return found;
}

describe('formats: every registered format', () => {
  for (const f of FORMATS) {
    it(`${f.name}: cites a spec and its samples parse with no reject`, () => {
      assert.ok(f.spec.length > 10, 'spec is cited');
      assert.ok(f.samples.length > 0, 'has samples');
      const parsed = parseLines(f, f.samples, f.needsTimeZone ? 'UTC' : null);
      assert.deepEqual(rejectsOf(parsed), []);
      assert.ok(recordsOf(parsed).length >= 1, 'at least one sample is a request');
      for (const record of recordsOf(parsed)) {
        assert.ok(Number.isFinite(record.timeMs) && record.timeMs > Date.UTC(1990, 0, 1), 'time is a plausible instant');
        assert.ok(record.remoteIp.length > 0, 'client address');
      }
    });
    it(`${f.name}: detection picks it for its own samples`, () => {
      const lines = [...f.samples, ...f.samples];
      assert.equal(detectFormat(lines, { assumeTz: null }, 'samples').format.name, f.name);
    });
  }
});

describe('formats: W3C extended / IIS', () => {
  const parsed = parseFile(format('w3c'), fixture('w3c.log'));
  it('reads fields by the current #Fields header, which changes mid-file', () => {
    const records = recordsOf(parsed);
    assert.equal(records.length, 3);
    const [first, second, third] = records;
    assert.equal(iso(first!), '2026-03-02T09:15:01.000Z');
    assert.equal(first!.remoteIp, '198.51.100.23');
    assert.equal(first!.userAgent, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', '"+" means a space');
    assert.equal(first!.referrer, null, '"-" means empty');
    assert.equal(first!.durationUs, 412_000, 'time-taken is milliseconds');
    assert.equal(first!.bytes, null, 'no sc-bytes in the first header block');
    assert.equal(second!.target, '/search?q=annual+report');
    assert.equal(second!.user, 'CORP\\jsmith');
    assert.equal(second!.remoteIp, '2001:db8::5');
    assert.equal(second!.extra?.['sc-win32-status'], '2');
    assert.equal(third!.bytes, 1_048_876, 'sc-bytes from the second header block');
    assert.equal(third!.status, 206);
  });
  it('skips directives and rejects bad times and dates with a reason', () => {
    assert.equal(skipsOf(parsed), 8);
    assert.deepEqual(rejectsOf(parsed), [
      { line: 7, reason: 'time "09:15:xx" is not HH:MM:SS' },
      { line: 13, reason: 'date "2026-13-02" is not YYYY-MM-DD' },
    ]);
  });
  it('reads a file without #Fields with the IIS default layout and says so', () => {
    const headerless = parseFile(format('w3c'), fixture('w3c-no-fields.log'));
    const [record] = recordsOf(headerless);
    assert.equal(record!.remoteIp, '198.51.100.23');
    assert.equal(record!.status, 200);
    assert.match(record!.extra?.['parse_warning'] ?? '', /no #Fields header/);
    assert.equal(rejectsOf(headerless).length, 1);
  });
  it('ignores a byte-order mark before the first directive', () => {
    const lines = ['\ufeff#Software: Microsoft Internet Information Services 10.0', '#Fields: date time c-ip cs-method cs-uri-stem sc-status', '2026-03-02 10:00:00 192.0.2.1 GET /a 200'];
    const parsed = parseLines(format('w3c'), lines);
    assert.deepEqual(rejectsOf(parsed), []);
    assert.equal(recordsOf(parsed).length, 1);
    assert.equal(detectFormat(lines, { assumeTz: null }, 'bom.log').format.name, 'w3c');
  });
  it('takes the day from #Date when there is no date field, and needs --assume-tz for local times', () => {
    const lines = ['#Date: 2026-03-02 00:00:00', '#Fields: time c-ip cs-method cs-uri-stem sc-status', '10:00:00 192.0.2.1 GET /a 200'];
    assert.equal(iso(recordsOf(parseLines(format('w3c'), lines))[0]!), '2026-03-02T10:00:00.000Z');
    const local = ['#Fields: date-local time-local c-ip cs-method cs-uri-stem sc-status', '2026-07-01 10:00:00 192.0.2.1 GET /a 200'];
    assert.match(rejectsOf(parseLines(format('w3c'), local))[0]!.reason, /--assume-tz/);
    const record = recordsOf(parseLines(format('w3c'), local, 'Europe/London'))[0]!;
    assert.equal(iso(record), '2026-07-01T09:00:00.000Z');
    assert.equal(record.offsetAssumed, true);
    assert.equal(record.utcOffsetMin, 60);
  });
});

describe('formats: CloudFront', () => {
  const parsed = parseFile(format('cloudfront'), fixture('cloudfront.log'));
  it('decodes the URL-encoded user agent and keeps range start/end and the body size', () => {
    const [ranged, full] = recordsOf(parsed);
    assert.equal(ranged!.userAgent, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0');
    assert.equal(ranged!.rangeStart, 0);
    assert.equal(ranged!.rangeEnd, 1_048_575);
    assert.equal(ranged!.bytes, 1_048_576, 'sc-content-len capped by sc-bytes');
    assert.equal(ranged!.vhost, 'files.example.org', 'x-host-header, not the cloudfront.net name');
    assert.equal(ranged!.durationUs, 120_000, 'time-taken is seconds');
    assert.equal(ranged!.protocol, 'HTTP/2.0');
    assert.equal(full!.remoteIp, '2001:db8::9');
    assert.equal(full!.forwardedFor, '203.0.113.50, 10.0.0.1');
    assert.equal(full!.rangeStart, null);
  });
  it('rejects lines without tabs and bad times', () => {
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [5, 6]);
    assert.match(rejectsOf(parsed)[0]!.reason, /no tab-separated fields/);
  });
});

describe('formats: AWS ALB and Classic ELB', () => {
  it('ALB: UTC time, client:port, -1 times, unknown trailing fields kept', () => {
    const parsed = parseFile(format('alb'), fixture('alb.log'));
    const [first, second] = recordsOf(parsed);
    assert.equal(iso(first!), '2026-03-02T10:04:11.518Z');
    assert.equal(first!.remoteIp, '198.51.100.23');
    assert.equal(first!.extra?.['client_port'], '51234');
    assert.equal(first!.bytes, 5_243_120);
    assert.equal(first!.durationUs, 413_000);
    assert.equal(first!.vhost, 'files.example.org');
    assert.equal(first!.extra?.['field_31'], 'future_field_1');
    assert.equal(first!.extra?.['field_32'], 'future field 2');
    assert.equal(second!.durationUs, null, '-1 processing times give no duration');
    assert.equal(second!.status, 503);
    const ipv6 = recordsOf(parsed)[2]!;
    assert.equal(ipv6.remoteIp, '2001:db8:85a3::8a2e:370', 'IPv6 client written without brackets: the port follows the last colon');
    assert.equal(ipv6.extra?.['client_port'], '41866');
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [4, 5, 6]);
    for (const r of rejectsOf(parsed)) assert.ok(r.reason.length > 10);
  });
  it('Classic ELB: TCP lines are connections without a request; bad status rejected', () => {
    const parsed = parseFile(format('elb'), fixture('elb.log'));
    const [http, tcp] = recordsOf(parsed);
    assert.equal(http!.userAgent, 'curl/8.4.0');
    assert.equal(http!.extra?.['ssl_protocol'], 'TLSv1.2');
    assert.equal(tcp!.method, null);
    assert.equal(tcp!.status, null);
    assert.equal(tcp!.bytes, 305);
    assert.deepEqual(rejectsOf(parsed), [
      { line: 3, reason: 'first field is not an ISO-8601 time: not a Classic ELB entry' },
      { line: 4, reason: 'elb_status_code "OK" is not a number or "-"' },
    ]);
  });
});

describe('formats: S3 server access', () => {
  const parsed = parseFile(format('s3'), fixture('s3.log'));
  it('keeps bytes_sent and object_size, the offset, and internal operations', () => {
    const [full, partial, internal] = recordsOf(parsed);
    assert.equal(full!.bytes, 5_242_880);
    assert.equal(full!.objectSize, 5_242_880);
    assert.equal(full!.extra?.['key'], 'exports/members.xlsx');
    assert.equal(full!.extra?.['field_27'], 'future_field');
    assert.equal(full!.vhost, 'member-exports.s3.eu-west-2.amazonaws.com');
    assert.equal(partial!.bytes, 1_048_576);
    assert.equal(partial!.objectSize, 5_242_880);
    assert.equal(iso(partial!), '2026-03-02T10:05:40.000Z');
    assert.equal(partial!.utcOffsetMin, 60);
    assert.equal(internal!.method, null);
    assert.equal(internal!.status, 204);
    assert.equal(internal!.user, 'svc:logging.s3.amazonaws.com');
  });
  it('rejects a bad time and a truncated line', () => {
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [4, 5]);
  });
});

describe('formats: Caddy JSON', () => {
  const parsed = parseFile(format('caddy'), fixture('caddy.log'));
  it('epoch ts, remote_ip as client (client_ip kept), headers as arrays, status 0 kept', () => {
    const [ranged, head] = recordsOf(parsed);
    assert.equal(iso(ranged!), '2026-03-02T10:04:11.518Z');
    assert.equal(ranged!.rangeHeader, 'bytes=0-');
    assert.equal(ranged!.contentRange, 'bytes 0-5242879/5242880');
    assert.equal(ranged!.userAgent, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0');
    assert.equal(head!.remoteIp, '10.0.0.5', 'the connecting address, not the proxied one');
    assert.equal(head!.extra?.['client_ip'], '203.0.113.7');
    assert.equal(head!.forwardedFor, '203.0.113.7');
    assert.equal(head!.status, 0);
  });
  it('skips other loggers and rejects broken entries', () => {
    assert.equal(skipsOf(parsed), 1);
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [4, 5]);
  });
});

describe('formats: Traefik', () => {
  it('JSON: StartUTC, ClientHost, Duration in ns, headers', () => {
    const parsed = parseFile(format('traefik-json'), fixture('traefik-json.log'));
    const [first, second] = recordsOf(parsed);
    assert.equal(iso(first!), '2026-03-02T10:04:11.105Z');
    assert.equal(first!.durationUs, 412_000);
    assert.equal(first!.rangeHeader, 'bytes=0-');
    assert.equal(second!.remoteIp, '2001:db8::7');
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [3, 4]);
  });
  it('CLF: names the Traefik tail and reads the duration', () => {
    const parsed = parseFile(format('traefik-clf'), fixture('traefik-clf.log'));
    const [first] = recordsOf(parsed);
    assert.equal(first!.durationUs, 412_000);
    assert.equal(first!.extra?.['router_name'], 'files@docker');
    assert.equal(first!.extra?.['server_url'], 'http://10.0.4.17:8080');
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [3, 4]);
  });
});

describe('formats: HAProxy', () => {
  const parsed = parseFile(format('haproxy'), fixture('haproxy.log'), 'Europe/London');
  it('reads local accept dates in the assumed zone, across DST changes, and says what it decided', () => {
    const [http, skipped, tcp] = recordsOf(parsed);
    assert.equal(iso(http!), '2026-03-02T10:04:11.105Z');
    assert.equal(http!.target, '/exports/members.xlsx');
    assert.equal(http!.protocol, 'HTTP/1.1');
    assert.equal(http!.durationUs, 412_000);
    assert.equal(http!.offsetAssumed, true);
    assert.equal(http!.extra?.['captured_request_headers'], 'files.example.org|curl/8.4.0');
    // 01:30 on 29 March 2026 does not exist in London (clocks went forward at 01:00).
    assert.equal(iso(skipped!), '2026-03-29T01:30:00.001Z');
    assert.match(skipped!.extra?.['time_note'] ?? '', /does not exist/);
    // 01:30 on 25 October 2026 happened twice: the earlier (BST) instant is used.
    assert.equal(iso(tcp!), '2026-10-25T00:30:00.000Z');
    assert.match(tcp!.extra?.['time_note'] ?? '', /ambiguous/);
    assert.equal(tcp!.extra?.['haproxy_mode'], 'tcp');
  });
  it('skips HAProxy service messages and rejects other lines', () => {
    assert.equal(skipsOf(parsed), 1);
    assert.deepEqual(rejectsOf(parsed).map((r) => r.line), [5, 6]);
  });
  it('without --assume-tz every request line is rejected with the reason', () => {
    const noZone = parseFile(format('haproxy'), fixture('haproxy.log'));
    assert.match(rejectsOf(noZone)[0]!.reason, /--assume-tz/);
    assert.equal(recordsOf(noZone).length, 0);
  });
});

describe('formats: custom Apache LogFormat and nginx log_format strings', () => {
  it('Apache: %v %h %l %u %t "%r" %>s %b %D "%{Range}i" "%{Content-Range}o" "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"', () => {
    const custom = resolveFormat('%v %h %l %u %t "%r" %>s %b %D "%{Range}i" "%{Content-Range}o" "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"');
    const parsed = parseFile(custom, fixture('custom-apache.log'));
    const [ranged, full] = recordsOf(parsed);
    assert.equal(ranged!.vhost, 'www.example.org');
    assert.equal(ranged!.remoteIp, '198.51.100.23');
    assert.equal(ranged!.durationUs, 412_345);
    assert.equal(ranged!.rangeHeader, 'bytes=0-1048575');
    assert.equal(ranged!.contentRange, 'bytes 0-1048575/5242880');
    assert.equal(ranged!.forwardedFor, '203.0.113.50, 10.0.0.1');
    assert.equal(full!.user, 'alice');
    assert.equal(full!.userAgent, 'curl/8.4.0 "x"', 'Apache escapes decoded');
    assert.equal(full!.referrer, 'https://www.example.org/');
    const rejects = rejectsOf(parsed);
    assert.deepEqual(rejects.map((r) => r.line), [3, 4]);
    assert.match(rejects[0]!.reason, /expected %>s at column \d+, found "OK/);
  });
  it('nginx: $request_time, $http_range, unknown variables kept by name', () => {
    const custom = resolveFormat('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$http_range" "$upstream_addr"');
    const parsed = parseFile(custom, fixture('custom-nginx.log'));
    const [ranged, full] = recordsOf(parsed);
    assert.equal(iso(ranged!), '2026-03-02T09:04:11.000Z');
    assert.equal(ranged!.durationUs, 412_000);
    assert.equal(ranged!.rangeHeader, 'bytes=0-1048575');
    assert.equal(ranged!.extra?.['upstream_addr'], '10.0.0.2:8080');
    assert.equal(full!.remoteIp, '2001:db8::5');
    assert.equal(full!.user, 'bob');
    assert.equal(full!.protocol, 'HTTP/2.0');
    assert.equal(rejectsOf(parsed).length, 1);
  });
  it('accepts a whole pasted LogFormat / log_format directive', () => {
    const line = '198.51.100.23 - - [02/Mar/2026:10:04:11 +0100] "GET /a HTTP/1.1" 200 12 "-" "curl/8.4.0"';
    const apache = resolveFormat('LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined');
    const nginx = resolveFormat(`log_format main '$remote_addr - $remote_user [$time_local] '\n    '"$request" $status $body_bytes_sent '\n    '"$http_referer" "$http_user_agent"';`);
    for (const custom of [apache, nginx]) {
      const [record] = recordsOf(parseLines(custom, [line]));
      assert.equal(record?.userAgent, 'curl/8.4.0', custom.description);
      assert.equal(record?.target, '/a');
    }
  });
  it("Apache's split time directives [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] are merged into one instant", () => {
    const custom = resolveFormat('%h %l %u [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s %b');
    assert.equal(custom.needsTimeZone, false);
    const [record] = recordsOf(parseLines(custom, ['192.0.2.1 - - [02/Mar/2026 10:04:11.123 +0100] "GET /a HTTP/1.1" 200 5']));
    assert.equal(iso(record!), '2026-03-02T09:04:11.123Z');
    assert.equal(record!.utcOffsetMin, 60);
    assert.throws(() => resolveFormat('%h [%{%H:%M:%S}t] "%r"'), /together need at least a year, month, day and hour/);
    const invalid = parseLines(custom, ['192.0.2.1 - - [31/Feb/2026 10:04:11.123 +0100] "GET /a HTTP/1.1" 200 5']);
    assert.match(rejectsOf(invalid)[0]!.reason, /not a valid date/);
  });
  it('nginx JSON log_format (escape=json) is read field by field', () => {
    const custom = resolveFormat(`log_format json escape=json '{"time":"$time_iso8601","remote_addr":"$remote_addr","host":"$host","request":"$request",'\n '"status":$status,"bytes":$body_bytes_sent,"ua":"$http_user_agent","rt":$request_time}';`);
    const line = '{"time":"2026-03-02T10:00:00+01:00","remote_addr":"2001:db8::5","host":"files.example.org","request":"GET /a?b=1 HTTP/1.1","status":206,"bytes":12,"ua":"curl \\"x\\" \\\\ y","rt":0.004}';
    const [record] = recordsOf(parseLines(custom, [line]));
    assert.equal(iso(record!), '2026-03-02T09:00:00.000Z');
    assert.equal(record!.remoteIp, '2001:db8::5');
    assert.equal(record!.vhost, 'files.example.org');
    assert.equal(record!.target, '/a?b=1');
    assert.equal(record!.userAgent, 'curl "x" \\ y');
    assert.equal(record!.durationUs, 4000);
  });
  it('a strftime time without offset needs --assume-tz', () => {
    const custom = resolveFormat('%{%Y-%m-%d %H:%M:%S}t %a "%r" %>s %B');
    assert.equal(custom.needsTimeZone, true);
    const [record] = recordsOf(parseLines(custom, ['2026-01-15 10:00:00 192.0.2.1 "GET / HTTP/1.1" 200 5'], 'America/New_York'));
    assert.equal(iso(record!), '2026-01-15T15:00:00.000Z');
  });
  it('bad format strings are refused saying what was expected and where', () => {
    assert.throws(() => resolveFormat('%h %Z'), /unknown directive "%Z".*character 4/);
    assert.throws(() => resolveFormat('%h %{Referer'), /unterminated "%\{" at character 4/);
    assert.throws(() => resolveFormat('%h "%r" %>s'), /no time field/);
    assert.throws(() => resolveFormat('$time_local $status'), /no client address field/);
    assert.throws(() => resolveFormat('%{%Q}t %h'), /%Q inside %\{...\}t is not supported/);
    assert.throws(() => resolveFormat('not-a-format'), /unknown format "not-a-format"/);
  });
});

describe('formats: auto-detection across formats', () => {
  // [fixture, expected format, how many leading lines (the fixtures end with malformed lines)]
  const cases: [string, string, number][] = [
    ['w3c.log', 'w3c', 99], ['w3c-no-fields.log', 'w3c', 99], ['cloudfront.log', 'cloudfront', 99], ['alb.log', 'alb', 3], ['elb.log', 'elb', 2],
    ['s3.log', 's3', 99], ['caddy.log', 'caddy', 99], ['traefik-json.log', 'traefik-json', 99], ['traefik-clf.log', 'traefik-clf', 2],
    ['haproxy.log', 'haproxy', 99], ['custom-nginx.log', 'combined', 99],
  ];
  for (const [file, expected, count] of cases) {
    it(`${file} -> ${expected}`, () => {
      assert.equal(detectFormat(fileLines(fixture(file)).slice(0, count), { assumeTz: null }, file).format.name, expected);
    });
  }
  it('says why the closest format refused: a CLF file whose times have no offset', () => {
    const lines = ['172.18.0.1 - - [29/Aug/2023 22:02:58] "GET / HTTP/1.1" 200 -', '172.18.0.1 - - [29/Aug/2023 22:03:01] "GET /x HTTP/1.1" 404 -'];
    assert.throws(
      () => detectFormat(lines, { assumeTz: null }, 'python.log'),
      (error: Error) => /closest: combined .*\(combined on line 1: time "29\/Aug\/2023 22:02:58" is not dd\/Mon\/yyyy:HH:MM:SS ±hhmm\)/.test(error.message),
    );
  });
  it('refuses an unrecognised file naming the closest formats and --format', () => {
    assert.throws(
      () => detectFormat(['hello world', 'this is a diary, not a log'], { assumeTz: null }, 'diary.txt'),
      (error: Error) => /diary\.txt: not a log format.*closest: .*--format/.test(error.message),
    );
  });
});
