'use strict';
// Runs the logwitness CLI in this process (as bin/logwitness.js does) and, when it is done,
// prints the process's peak resident set size (worker threads included) on stderr as
// "RSS_PROBE {json}". Used by memory.test.ts; plain JS so no TypeScript loader adds to it.
const { run } = require('../../packages/cli/dist/bin.js');

run(process.argv.slice(2)).then((code) => {
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stderr.write(`\nRSS_PROBE ${JSON.stringify({ code, maxRssBytes })}\n`);
  process.exitCode = code;
});
