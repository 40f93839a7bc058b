/**
 * Deterministic generator of a realistic Apache/nginx "combined" access log for benchmarks.
 *
 * The same seed and line count always give the same bytes, so every run (ours and the
 * peers') reads the same file. The traffic is shaped like a busy public site:
 * - clients: about one distinct client per 20 lines, 15% IPv6, drawn with a long-tailed
 *   (Zipf, s = 1.1) distribution so a few clients make many requests and most make few;
 *   addresses are public-looking (reserved ranges are skipped, so attribution does real lookups);
 * - paths: pages, static assets, images and downloads, also long-tailed, some with query strings;
 * - status mix: mostly 200, with 304 revalidations, 206 ranges on downloads, 404s, redirects
 *   and a few 5xx; "-" bytes on 304s;
 * - referrers (search engines, the site itself, "-") and user agents, some of which carry
 *   escaped quotes (\") as Apache writes them;
 * - one "exposed file" ({@link BENCH_TARGET}) downloaded by a few hundred clients, and one
 *   busy client ({@link benchActorIp}) for the query benchmarks.
 *
 * Usage: node --import tsx bench/generate-log.ts LINES OUT_FILE [SEED]
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { seededRandom } from '../test/helpers/seeded-random';

/** The path of the file whose downloads the query benchmarks reconstruct. */
export const BENCH_TARGET = '/downloads/annual-report-2026.pdf';
const TARGET_SIZE_BYTES = 4_812_331;
/** Seconds of traffic covered by the log, whatever its length: 30 days. */
const SPAN_SECONDS = 30 * 24 * 3600;
const START_EPOCH_SECONDS = Date.UTC(2026, 0, 5, 0, 0, 0) / 1000;


/** Sampler of ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / Math.pow(i + 1, s);
    cumulative[i] = total;
  }
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function isReservedV4(a: number, b: number): boolean {
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19 || b === 51)) ||
    (a === 203 && b === 0)
  );
}

function makeIp(random: () => number): string {
  if (random() < 0.15) {
    const groups = [0x2000 + Math.floor(random() * 0x1000), Math.floor(random() * 0x10000), Math.floor(random() * 0x10000)];
    const host = random() < 0.5 ? `::${Math.floor(random() * 0x10000).toString(16)}` : `:${Math.floor(random() * 0x10000).toString(16)}::${Math.floor(random() * 0x10000).toString(16)}`;
    return groups.map((g) => g.toString(16)).join(':') + host;
  }
  for (;;) {
    const a = 1 + Math.floor(random() * 223);
    const b = Math.floor(random() * 256);
    if (isReservedV4(a, b)) continue;
    return `${a}.${b}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  }
}

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
  'curl/8.5.0',
  'Wget/1.21.4',
  'python-requests/2.32.3',
  'Go-http-client/1.1',
  'Mozilla/5.0 (compatible; \\"Scanner\\" 1.0; +https://scanner.example/)',
  'Mozilla/5.0 (Windows NT 6.1) \\"like Gecko\\" Trident/7.0',
  'Java/17.0.2',
  '-',
];
const AGENT_WEIGHTS = [20, 6, 10, 6, 4, 12, 8, 5, 5, 3, 2, 2, 2, 1, 2, 1, 0.5, 0.5, 0.5, 1];

const REFERRER_SITES = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://news.ycombinator.com/item?id=4242424', 'https://t.co/abc123', 'https://forum.example.org/thread/77?page=2'];

function weightedPicker(weights: readonly number[], random: () => number): () => number {
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let x = random() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  };
}

interface Resource {
  readonly path: string;
  readonly sizeBytes: number;
  readonly kind: 'page' | 'asset' | 'image' | 'download';
}

function makeResources(random: () => number): Resource[] {
  const resources: Resource[] = [{ path: '/', sizeBytes: 18_432, kind: 'page' }];
  const sections = ['blog', 'news', 'products', 'docs', 'about', 'careers', 'support', 'events'];
  for (let i = 0; i < 4000; i++) {
    const section = sections[Math.floor(random() * sections.length)]!;
    resources.push({ path: `/${section}/${2019 + (i % 8)}/item-${i}-${Math.floor(random() * 1e6).toString(36)}`, sizeBytes: 8_000 + Math.floor(random() * 60_000), kind: 'page' });
  }
  for (let i = 0; i < 300; i++) {
    const ext = ['css', 'js', 'woff2', 'svg'][i % 4]!;
    resources.push({ path: `/static/${ext}/bundle-${i.toString(16)}.${Math.floor(random() * 1e8).toString(16)}.${ext}`, sizeBytes: 1_000 + Math.floor(random() * 300_000), kind: 'asset' });
  }
  for (let i = 0; i < 3000; i++) {
    resources.push({ path: `/images/${2019 + (i % 8)}/${(i % 12) + 1}/photo_${i}.${i % 5 === 0 ? 'png' : 'jpg'}`, sizeBytes: 20_000 + Math.floor(random() * 900_000), kind: 'image' });
  }
  for (let i = 0; i < 200; i++) {
    resources.push({ path: `/downloads/${['report', 'brochure', 'dataset', 'whitepaper'][i % 4]}-${i}.${['pdf', 'zip', 'csv'][i % 3]}`, sizeBytes: 100_000 + Math.floor(random() * 20_000_000), kind: 'download' });
  }
  return resources;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** CLF time "[05/Jan/2026:13:55:36 +0000]", cached per second (lines share seconds). */
function makeTimeFormatter(): (epochSeconds: number) => string {
  let lastSeconds = -1;
  let last = '';
  return (epochSeconds) => {
    if (epochSeconds === lastSeconds) return last;
    const d = new Date(epochSeconds * 1000);
    last = `[${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000]`;
    lastSeconds = epochSeconds;
    return last;
  };
}

/**
 * A client of a generated log by popularity rank: rank 0 is the busiest (about 14% of all
 * requests, like a monitoring bot), rank 1000 an ordinary visitor (a few dozen requests).
 */
export function benchActorIp(seed = 1, rank = 0): string {
  return makeClients(seed, rank + 1)[rank]!.ip;
}

interface Client {
  readonly ip: string;
  readonly agent: string;
}

function makeClients(seed: number, count: number): Client[] {
  const random = seededRandom(seed ^ 0x51ed);
  const pickAgent = weightedPicker(AGENT_WEIGHTS, random);
  const clients: Client[] = [];
  for (let i = 0; i < count; i++) clients.push({ ip: makeIp(random), agent: AGENTS[pickAgent()]! });
  return clients;
}

/** Write `lines` lines of combined log to `write`, in chunks of about 1 MB. */
export async function generateLog(lines: number, seed: number, write: (chunk: string) => Promise<void>): Promise<void> {
  const random = seededRandom(seed);
  const clients = makeClients(seed, Math.max(10, Math.round(lines / 20)));
  const pickClient = zipfSampler(clients.length, 1.1, random);
  const resources = makeResources(seededRandom(seed ^ 0xbeef));
  const pickResource = zipfSampler(resources.length, 1.0, random);
  const formatTime = makeTimeFormatter();
  const secondsPerLine = SPAN_SECONDS / lines;
  let chunk = '';
  for (let n = 0; n < lines; n++) {
    const epochSeconds = START_EPOCH_SECONDS + Math.floor(n * secondsPerLine);
    const client = clients[pickClient()]!;
    let resource = resources[pickResource()]!;
    let method = 'GET';
    let status = 200;
    let bytes: string;
    const roll = random();
    // About 1 line in 4000 asks for the exposed file.
    if (random() < 0.00025) resource = { path: BENCH_TARGET, sizeBytes: TARGET_SIZE_BYTES, kind: 'download' };
    if (roll < 0.06) {
      status = 404;
      bytes = String(200 + Math.floor(random() * 300));
    } else if (roll < 0.14 && resource.kind !== 'download') {
      status = 304;
      bytes = '-';
    } else if (roll < 0.155) {
      status = 301;
      bytes = '178';
    } else if (roll < 0.16) {
      status = random() < 0.5 ? 500 : 503;
      bytes = String(300 + Math.floor(random() * 200));
    } else if (resource.kind === 'download' && roll < 0.4) {
      status = 206;
      bytes = String(Math.floor(random() * resource.sizeBytes));
    } else if (roll < 0.17) {
      method = 'HEAD';
      bytes = '0';
    } else {
      // A few aborted transfers.
      bytes = String(roll > 0.99 ? Math.floor(random() * resource.sizeBytes) : resource.sizeBytes);
    }
    if (roll > 0.985 && resource.kind === 'page') method = 'POST';
    let target = resource.path;
    const q = random();
    if (resource.kind === 'page' && q < 0.12) target += `?utm_source=${['newsletter', 'twitter', 'partner'][Math.floor(q * 25) % 3]}&utm_campaign=c${Math.floor(q * 1000)}`;
    else if (resource.kind === 'asset' && q < 0.3) target += `?v=${Math.floor(q * 100)}`;
    const r = random();
    let referrer: string;
    if (r < 0.4) referrer = '-';
    else if (r < 0.75) referrer = `https://www.example.com${resources[pickResource()]!.path}`;
    else referrer = REFERRER_SITES[Math.floor(r * 1000) % REFERRER_SITES.length]!;
    const protocol = random() < 0.7 ? 'HTTP/1.1' : 'HTTP/2.0';
    chunk += `${client.ip} - - ${formatTime(epochSeconds)} "${method} ${target} ${protocol}" ${status} ${bytes} "${referrer}" "${client.agent}"\n`;
    if (chunk.length >= 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) await write(chunk);
}

/** Generate into a file. */
export async function generateLogFile(lines: number, outPath: string, seed = 1): Promise<void> {
  const out = createWriteStream(outPath);
  let failure: Error | null = null;
  out.on('error', (error) => (failure = error));
  await generateLog(lines, seed, async (chunk) => {
    if (failure !== null) throw failure;
    if (!out.write(chunk)) await once(out, 'drain');
  });
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

if (require.main === module) {
  const [linesArg, outPath, seedArg] = process.argv.slice(2);
  const lines = Number(linesArg);
  if (!Number.isInteger(lines) || lines <= 0 || outPath === undefined) {
    process.stderr.write('usage: node --import tsx bench/generate-log.ts LINES OUT_FILE [SEED]\n');
    process.exitCode = 1;
  } else {
    generateLogFile(lines, outPath, seedArg === undefined ? 1 : Number(seedArg)).catch((error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exitCode = 1;
    });
  }
}
