/**
 * Times the three questions through the core API on an existing case, as a library user or
 * a long-running tool would ask them: the case opened once (read-only), the embedded
 * attribution databases opened once, then each question asked RUNS + 1 times. Prints JSON:
 * per question, the first call (cold page cache of the connection) and the median of the rest.
 *
 * Usage: node --import tsx bench/query-timing.ts CASE TARGET BUSY_IP ORDINARY_IP RUNS
 */
import { performance } from 'node:perf_hooks';
import { buildTimeline, CaseStore, describeActor, findDownloads, openAttributor } from '@logwitness/core';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time<T>(runs: number, ask: () => T, describe: (answer: T) => string): { firstMs: number; medianMs: number; found: string } {
  const timings: number[] = [];
  let answer: T | null = null;
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    answer = ask();
    timings.push(performance.now() - started);
  }
  return { firstMs: timings[0]!, medianMs: median(timings.slice(1)), found: describe(answer as T) };
}

const [casePath, target, busyIp, ordinaryIp, runsArg] = process.argv.slice(2);
if (casePath === undefined || target === undefined || busyIp === undefined || ordinaryIp === undefined) {
  process.stderr.write('usage: node --import tsx bench/query-timing.ts CASE TARGET BUSY_IP ORDINARY_IP [RUNS]\n');
  process.exit(1);
}
const runs = Number(runsArg ?? 5);
const store = CaseStore.open(casePath, { readonly: true });
const attributor = openAttributor({});
try {
  const results = {
    downloads: time(runs, () => findDownloads(store, target, { attributor }), (r) => `${r.summary.downloads} downloads by ${r.summary.clients} clients`),
    timeline: time(runs, () => buildTimeline(store, target, { attributor }), (r) => `${r.events.length} events`),
    'actor (busiest client)': time(runs, () => describeActor(store, busyIp, { attributor }), (r) => `${r.requests} requests by ${busyIp}`),
    'actor (ordinary client)': time(runs, () => describeActor(store, ordinaryIp, { attributor }), (r) => `${r.requests} requests by ${ordinaryIp}`),
  };
  process.stdout.write(JSON.stringify(results));
} finally {
  attributor.close();
  store.close();
}
