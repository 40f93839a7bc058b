/**
 * Attribution throughput: `node --import tsx bench/geo-lookup.ts [LOG]`
 *
 * 1. Reads the client addresses of a 1M-line combined log (bench/out/combined-1m.log, made
 *    by bench/generate-log.ts when missing) and times the embedded-default attributor on
 *    them: opening the databases, one cold lookup per distinct address, the same again warm
 *    (cache), and one call per request line (what a report that attributes every request does).
 * 2. Ingests the log into a temporary case without attribution, then times
 *    attributeNewClients on it: the cost that `logwitness ingest` adds to a 1M-line case,
 *    per 10,000 distinct addresses.
 * Prints a Markdown table (for BENCHMARKS.md).
 */
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { attributeNewClients, CaseStore, ingestPaths, openAttributor } from '../packages/core/src';
import { generateLogFile } from './generate-log';

const OUT = resolve(__dirname, 'out');

async function clientAddresses(logPath: string): Promise<string[]> {
  const addresses: string[] = [];
  const lines = createInterface({ input: createReadStream(logPath), crlfDelay: Infinity });
  for await (const line of lines) {
    const space = line.indexOf(' ');
    if (space > 0) addresses.push(line.slice(0, space));
  }
  return addresses;
}

/** Wall time and CPU time (user + system): other processes on the machine inflate the first, not the second. */
function time<T>(fn: () => T): { result: T; ms: number; cpuMs: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(cpu);
  return { result, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  const logPath = process.argv[2] ?? join(OUT, 'combined-1m.log');
  if (!existsSync(logPath)) {
    console.error(`generating ${logPath} (1,000,000 lines)...`);
    await generateLogFile(1_000_000, logPath);
  }
  const perLine = await clientAddresses(logPath);
  const distinct = [...new Set(perLine)];
  const rows: [string, string][] = [];
  rows.push(['machine', `${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start`]);
  rows.push(['log', `${logPath} (${perLine.length.toLocaleString('en')} lines, ${distinct.length.toLocaleString('en')} distinct client addresses)`]);

  const opened = time(() => openAttributor({}));
  const attributor = opened.result;
  rows.push(['open embedded databases (gunzip, pinned sha256 check)', `${opened.ms.toFixed(0)} ms (${opened.cpuMs.toFixed(0)} ms CPU)`]);
  const cold = time(() => {
    let answered = 0;
    for (const ip of distinct) if (attributor.attribute(ip).asn !== null) answered++;
    return answered;
  });
  rows.push(['cold: one lookup per distinct address (country + ASN)', `${cold.ms.toFixed(0)} ms (${cold.cpuMs.toFixed(0)} ms CPU), ${Math.round(distinct.length / (cold.ms / 1000)).toLocaleString('en')} lookups/s (${cold.result.toLocaleString('en')} with an AS number)`]);
  const warm = time(() => {
    for (const ip of distinct) attributor.attribute(ip);
  });
  rows.push(['warm: the same addresses again (cache)', `${warm.ms.toFixed(0)} ms (${warm.cpuMs.toFixed(0)} ms CPU), ${Math.round(distinct.length / (warm.ms / 1000)).toLocaleString('en')} lookups/s`]);
  const everyLine = time(() => {
    for (const ip of perLine) attributor.attribute(ip);
  });
  rows.push(['one call per request line (cache)', `${everyLine.ms.toFixed(0)} ms (${everyLine.cpuMs.toFixed(0)} ms CPU), ${Math.round(perLine.length / (everyLine.ms / 1000)).toLocaleString('en')} calls/s`]);
  rows.push(['cold cost per 10,000 distinct addresses', `${((cold.ms / distinct.length) * 10_000).toFixed(0)} ms (${((cold.cpuMs / distinct.length) * 10_000).toFixed(0)} ms CPU)`]);
  attributor.close();

  // Our own case of the same log, ingested without attribution, then attributed as
  // `logwitness ingest` does at its end (and as `enrich` redoes it).
  const dir = mkdtempSync(join(tmpdir(), 'logwitness-geo-bench-'));
  try {
    const store = CaseStore.open(join(dir, 'case.sqlite'));
    try {
      const ingest = await (async () => {
        const start = performance.now();
        await ingestPaths(store, [logPath], {});
        return performance.now() - start;
      })();
      rows.push(['ingest of the log without attribution (for reference)', `${(ingest / 1000).toFixed(1)} s`]);
      // As `logwitness ingest` does: the databases are opened before the ingest, then used.
      const forCase = openAttributor({});
      const run = time(() => attributeNewClients(store, {}, forCase));
      const result = run.result;
      rows.push([
        'attributeNewClients on that 1M-line case (query, look up, store; databases already open)',
        `${run.ms.toFixed(0)} ms (${run.cpuMs.toFixed(0)} ms CPU) for ${result.attributed.toLocaleString('en')} addresses = ${((run.ms / Math.max(1, result.attributed)) * 10_000).toFixed(0)} ms (${((run.cpuMs / Math.max(1, result.attributed)) * 10_000).toFixed(0)} ms CPU) per 10,000`,
      ]);
      const again = time(() => attributeNewClients(store, {}, forCase));
      rows.push(['the same again (nothing new: the check only)', `${again.ms.toFixed(0)} ms (${again.cpuMs.toFixed(0)} ms CPU)`]);
      forCase.close();
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log('| geo-lookup | result |');
  console.log('| --- | --- |');
  for (const [what, result] of rows) console.log(`| ${what} | ${result} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
