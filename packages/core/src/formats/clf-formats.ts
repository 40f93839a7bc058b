/**
 * Apache / nginx Common Log Format family. One scanner ({@link scanClfLine}) parses every
 * shape; the three registered names say which shape a file mostly has, so `sources` tells
 * the investigator what the server was configured to write.
 *
 * Spec: Apache HTTP Server, mod_log_config, "Common Log Format" and "Combined Log Format"
 * (https://httpd.apache.org/docs/2.4/logs.html#accesslog); Debian's apache2.conf
 * `vhost_combined`; nginx ngx_http_log_module `combined`
 * (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format).
 */
import { scanClfLine, type ClfShape } from './clf-scanner';
import type { LineParser, LogFormat } from './log-format';

const LINE_PARSER: LineParser = { parseLine: (text) => scanClfLine(text).result };

function shareOfShape(lines: readonly string[], shape: ClfShape): number {
  if (lines.length === 0) return 0;
  let parsed = 0;
  let matching = 0;
  for (const line of lines) {
    const scanned = scanClfLine(line);
    if (scanned.shape === null) continue;
    parsed++;
    if (scanned.shape === shape) matching++;
  }
  // Every parsed line counts; lines of this exact shape break ties between the three names.
  return (parsed + matching * 0.001) / lines.length;
}

function clfFormat(shape: ClfShape, description: string, spec: string, samples: string[]): LogFormat {
  return {
    name: shape,
    description,
    spec,
    samples,
    needsTimeZone: false,
    createParser: () => LINE_PARSER,
    detect: (lines) => shareOfShape(lines, shape),
  };
}

export const commonFormat = clfFormat(
  'common',
  'Apache/nginx Common Log Format: %h %l %u %t "%r" %>s %b',
  'https://httpd.apache.org/docs/2.4/logs.html#common',
  [
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    '2001:db8::7 - - [02/Mar/2026:23:59:59 +0100] "HEAD /exports/members.xlsx HTTP/1.1" 404 -',
  ],
);

export const combinedFormat = clfFormat(
  'combined',
  'Apache/nginx Combined Log Format: common + "%{Referer}i" "%{User-agent}i" (extra trailing fields kept)',
  'https://httpd.apache.org/docs/2.4/logs.html#combined',
  [
    '203.0.113.9 - - [20/Sep/2011:03:14:07 +0000] "GET /donate/admin/export/donors-2011.csv HTTP/1.1" 200 48213 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/6.0"',
    '198.51.100.4 - - [20/Sep/2011:03:15:00 +0100] "GET /a.pdf HTTP/1.1" 206 1024 "https://example.org/" "curl/7.21 \\"quoted\\"" 0.004 "10.0.0.1"',
  ],
);

export const vhostCombinedFormat = clfFormat(
  'vhost_combined',
  'Debian/Ubuntu Apache vhost_combined: %v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  'Debian apache2.conf LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined',
  [
    'www.example.org:443 192.0.2.44 - - [05/Jan/2026:10:00:00 +0000] "GET /members/export.csv HTTP/2.0" 200 9120 "-" "python-requests/2.31"',
  ],
);
