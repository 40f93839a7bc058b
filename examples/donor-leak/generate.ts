/**
 * Generates the donor-leak example incident: two web servers' access logs (Apache combined
 * format, times in Europe/London summer time, +0100) for a fictional party website,
 * bluefund.example, 14-28 Sep 2026. The export /admin/export/donors-2026.csv was left in a
 * browsable folder from 20 Sep until it was closed on 25 Sep.
 *
 * Deterministic: a seeded PRNG, no clock, no network. Run from the repository root:
 *   npx tsx examples/donor-leak/generate.ts
 * and it rewrites examples/donor-leak/logs/ (or the folder given as its first argument). Every client address is from the documentation
 * ranges (RFC 5737 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849 2001:db8::/32),
 * except the search-engine crawlers, which use their operators' published crawler ranges.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '../../test/helpers/seeded-random';

/** Where to write: the first argument, else examples/donor-leak/logs (the committed copy). */
const OUT = process.argv[2] ?? join(__dirname, 'logs');
const SITE = 'https://bluefund.example';
const TARGET = '/admin/export/donors-2026.csv';
const SIZE_BYTES = 48_213;
const OFFSET_MIN = 60; // BST

const random = seededRandom(20260920);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** CLF time in BST for a UTC instant. */
function clf(timeMs: number): string {
  const d = new Date(timeMs + OFFSET_MIN * 60_000);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0100`;
}

/** A UTC instant from a BST wall-clock time on a September 2026 day. */
function bst(day: number, hh: number, mm: number, ss = 0): number {
  return Date.UTC(2026, 8, day, hh, mm, ss) - OFFSET_MIN * 60_000;
}

interface Entry {
  readonly timeMs: number;
  readonly ip: string;
  readonly method?: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number | '-';
  readonly referrer?: string;
  readonly ua: string;
}

function line(entry: Entry): string {
  return `${entry.ip} - - [${clf(entry.timeMs)}] "${entry.method ?? 'GET'} ${entry.path} HTTP/1.1" ${entry.status} ${entry.bytes} "${entry.referrer ?? '-'}" "${entry.ua}"`;
}

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0',
];
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const BINGBOT = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';

const PAGES: readonly [string, number][] = [
  ['/', 18_402], ['/about/', 9_873], ['/news/', 14_220], ['/news/2026/09/autumn-conference', 11_307],
  ['/news/2026/09/local-elections-results', 12_954], ['/donate/', 7_611], ['/join/', 8_122], ['/contact/', 5_530],
  ['/events/', 10_046], ['/policies/housing', 21_380],
];
const ASSETS: readonly [string, number][] = [
  ['/static/css/site.css', 23_118], ['/static/js/app.js', 61_440], ['/static/img/logo.svg', 4_211], ['/favicon.ico', 1_150],
];

/** Ordinary visitors: documentation-range addresses, each with one browser. */
const VISITORS = Array.from({ length: 140 }, (_, i) => {
  const ip =
    i < 40 ? `192.0.2.${130 + i}` : i < 80 ? `198.51.100.${150 + (i - 40)}` : i < 120 ? `203.0.113.${100 + (i - 80)}` : `2001:db8:${(0x100 + i).toString(16)}::${(i * 7).toString(16)}`;
  return { ip, ua: BROWSERS[i % BROWSERS.length]! };
});

function ordinaryTraffic(fromMs: number, toMs: number, visits: number): Entry[] {
  const entries: Entry[] = [];
  for (let v = 0; v < visits; v++) {
    const visitor = pick(VISITORS);
    let t = fromMs + Math.floor(random() * (toMs - fromMs - 3_600_000));
    const pages = 1 + Math.floor(random() * 4);
    let referrer = random() < 0.4 ? 'https://www.google.com/' : random() < 0.5 ? 'https://social.example/post/' + Math.floor(random() * 9000) : undefined;
    for (let p = 0; p < pages; p++) {
      const [path, bytes] = pick(PAGES);
      const revisit = random() < 0.08;
      entries.push({ timeMs: t, ip: visitor.ip, path, status: revisit ? 304 : 200, bytes: revisit ? 0 : bytes + Math.floor(random() * 40), referrer, ua: visitor.ua });
      if (p === 0) {
        for (const [asset, assetBytes] of ASSETS) {
          const cached = random() < 0.3;
          entries.push({ timeMs: t + 1_000, ip: visitor.ip, path: asset, status: cached ? 304 : 200, bytes: cached ? 0 : assetBytes, referrer: `${SITE}${path}`, ua: visitor.ua });
        }
      }
      referrer = `${SITE}${path}`;
      t += 20_000 + Math.floor(random() * 180_000);
    }
  }
  return entries;
}

function crawlers(fromMs: number, toMs: number, count: number): Entry[] {
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const google = random() < 0.6;
    const [path, bytes] = random() < 0.15 ? ['/robots.txt', 68] as [string, number] : pick(PAGES);
    entries.push({
      timeMs: fromMs + Math.floor(random() * (toMs - fromMs)),
      ip: google ? `66.249.66.${1 + Math.floor(random() * 6)}` : `40.77.167.${10 + Math.floor(random() * 20)}`,
      path, status: 200, bytes, ua: google ? GOOGLEBOT : BINGBOT,
    });
  }
  return entries;
}

/** Someone probing for well-known admin pages: 404s, and the export folder's neighbours. */
function scanner(): Entry[] {
  const paths = ['/wp-login.php', '/.env', '/admin/', '/admin/export/donors-2025.csv', '/admin/export/donors-2026.csv.bak', '/admin/export/donors-2026.xlsx', '/backup.zip'];
  return paths.map((path, i) => ({
    timeMs: bst(23, 3, 12, i * 2), ip: '203.0.113.222', path, status: path === '/admin/' ? 403 : 404, bytes: path === '/admin/' ? 199 : 196, ua: 'python-requests/2.32.3',
  }));
}

const FORUM = 'https://forum.example.net/t/party-website-has-an-open-folder/8121';
const LISTING = `${SITE}/admin/export/`;
const FF = 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0';
const SAFARI_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';
const OFFICE = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0';

/** The incident, request by request; `server` says which log it lands in. */
function incident(): (Entry & { server: 1 | 2 })[] {
  return [
    // Discovery: a forum post links the site; the reader finds the browsable export folder.
    { server: 1, timeMs: bst(20, 14, 1, 5), ip: '203.0.113.45', path: '/', status: 200, bytes: 18_402, referrer: FORUM, ua: FF },
    { server: 1, timeMs: bst(20, 14, 1, 40), ip: '203.0.113.45', path: '/admin/', status: 403, bytes: 199, ua: FF },
    { server: 1, timeMs: bst(20, 14, 2, 10), ip: '203.0.113.45', path: '/admin/export/', status: 200, bytes: 1_344, referrer: FORUM, ua: FF },
    // Download 1: a complete 200.
    { server: 1, timeMs: bst(20, 14, 3, 2), ip: '203.0.113.45', path: TARGET, status: 200, bytes: SIZE_BYTES, referrer: LISTING, ua: FF },
    // Download 2: a HEAD probe, then three ranges that add up to the whole file (on the other server).
    { server: 2, timeMs: bst(20, 16, 40, 0), ip: '198.51.100.23', method: 'HEAD', path: TARGET, status: 200, bytes: 0, ua: 'curl/8.5.0' },
    { server: 2, timeMs: bst(20, 16, 40, 3), ip: '198.51.100.23', path: TARGET, status: 206, bytes: 16_384, ua: 'curl/8.5.0' },
    { server: 2, timeMs: bst(20, 16, 41, 10), ip: '198.51.100.23', path: TARGET, status: 206, bytes: 16_384, ua: 'curl/8.5.0' },
    { server: 2, timeMs: bst(20, 16, 44, 55), ip: '198.51.100.23', path: TARGET, status: 206, bytes: 15_445, ua: 'curl/8.5.0' },
    // Download 3: a phone on a train; the transfer aborted after 12 kB.
    { server: 1, timeMs: bst(21, 8, 17, 31), ip: '2001:db8:4f2::17', path: '/admin/export/', status: 200, bytes: 1_344, referrer: FORUM, ua: SAFARI_IOS },
    { server: 1, timeMs: bst(21, 8, 17, 52), ip: '2001:db8:4f2::17', path: TARGET, status: 200, bytes: 12_288, referrer: LISTING, ua: SAFARI_IOS },
    // Download 4: the party's own head office, then a revalidation the next day (it kept a copy).
    { server: 2, timeMs: bst(22, 10, 5, 12), ip: '192.0.2.77', path: TARGET, status: 200, bytes: SIZE_BYTES, referrer: LISTING, ua: OFFICE },
    { server: 2, timeMs: bst(23, 9, 30, 0), ip: '192.0.2.77', path: TARGET, status: 304, bytes: 0, ua: OFFICE },
    // Download 5: a script.
    { server: 2, timeMs: bst(23, 22, 41, 9), ip: '2001:db8:beef::5', path: TARGET, status: 200, bytes: SIZE_BYTES, ua: 'python-requests/2.32.3' },
    // Download 6: Googlebot follows the forum link and indexes the file.
    { server: 1, timeMs: bst(24, 4, 12, 44), ip: '66.249.66.3', path: TARGET, status: 200, bytes: SIZE_BYTES, ua: GOOGLEBOT },
    // The fix on 25 Sep: access is denied, then the file is gone.
    { server: 1, timeMs: bst(25, 9, 12, 30), ip: '198.51.100.23', path: TARGET, status: 403, bytes: 199, ua: 'curl/8.5.0' },
    { server: 2, timeMs: bst(25, 11, 2, 0), ip: '192.0.2.77', path: TARGET, status: 404, bytes: 196, ua: OFFICE },
    { server: 1, timeMs: bst(25, 15, 30, 20), ip: '203.0.113.99', path: TARGET, status: 404, bytes: 196, referrer: FORUM, ua: BROWSERS[0]! },
    { server: 2, timeMs: bst(26, 2, 7, 45), ip: '66.249.66.3', path: TARGET, status: 404, bytes: 196, ua: GOOGLEBOT },
    { server: 1, timeMs: bst(26, 19, 0, 3), ip: '198.51.100.23', path: TARGET, status: 404, bytes: 196, ua: 'curl/8.5.0' },
  ];
}

function main(): void {
  const start = bst(14, 0, 0);
  const middle = bst(21, 0, 0);
  const end = bst(28, 0, 0);
  const events = incident();
  const web1 = [...ordinaryTraffic(start, end, 330), ...crawlers(start, end, 60), ...scanner(), ...events.filter((e) => e.server === 1)];
  const web2 = [...ordinaryTraffic(start, end, 330), ...crawlers(start, end, 60), ...events.filter((e) => e.server === 2)];
  const text = (entries: Entry[]): string =>
    entries
      .sort((a, b) => a.timeMs - b.timeMs)
      .map(line)
      .join('\n') + '\n';
  mkdirSync(join(OUT, 'web1'), { recursive: true });
  mkdirSync(join(OUT, 'web2'), { recursive: true });
  // web1 rotated weekly: last week's log compressed, as logrotate leaves it.
  writeFileSync(join(OUT, 'web1', 'access.log.1.gz'), gzipSync(text(web1.filter((e) => e.timeMs < middle)), { level: 9 }));
  writeFileSync(join(OUT, 'web1', 'access.log'), text(web1.filter((e) => e.timeMs >= middle)));
  writeFileSync(join(OUT, 'web2', 'access.log'), text(web2));
  console.log(`wrote ${web1.length + web2.length} requests to ${OUT}`);
}

main();
