/**
 * report.html in a real headless Chromium (Debian /usr/bin/chromium), loaded from file://
 * with networking disabled: the key facts are on the page, nothing is requested from the
 * network, no console error (a CSP violation would be one), hostile log text runs nothing,
 * and the report's own filter script works. Screenshots go to test/out/ (gitignored).
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from '../helpers';
import { makeCase, makePack } from './pack-helpers';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(REPO_ROOT, 'test', 'out');

describe('report.html in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | null = null;
  let reportPath: string;
  let downloadsCsv: Record<string, string>[];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is absent; install the Debian chromium package, as .ci/run does)`);
      return this.skip();
    }
    const c = await makeCase();
    const pack = await makePack(c, 'browser', { displayZone: 'Europe/London' });
    reportPath = join(pack.path, 'report.html');
    downloadsCsv = parse(readFileSync(join(pack.path, 'downloads.csv'), 'utf8'), { columns: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the narrative, the download count and the clients, offline, with no console errors', async () => {
    const context = await browser!.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file://')) problems.push(`network request: ${request.url()}`);
    });
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(`file://${reportPath}`, { waitUntil: 'load' });

    const narrative = (await page.locator('#narrative').innerText()).trim();
    assert.match(narrative, /^5 downloads of \/admin\/export\/donors-2026\.csv between /);
    const downloadsFact = page.locator('.fact', { hasText: 'Downloads' }).first();
    assert.equal((await downloadsFact.locator('dd').innerText()).trim(), String(downloadsCsv.length));
    const rows = page.locator('#downloads-table tbody tr');
    assert.equal(await rows.count(), downloadsCsv.length);
    for (const row of downloadsCsv) assert.ok((await page.locator('#downloads-table').innerText()).includes(row.client_ip!), row.client_ip);
    assert.equal(await page.locator('section.actor h3', { hasText: '192.0.2.44' }).count(), 1);
    // The hostile user agent is shown as text, not run as markup.
    assert.ok((await page.locator('#events-table').innerText()).includes('<script>alert("ua")</script>'));
    assert.equal(await page.locator('img').count(), 0, 'no element injected from a referrer');
    assert.equal(await page.locator('svg.timeline-chart circle.event').count(), 10);

    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(OUT, 'report-print.png'), fullPage: true });

    // The shipped filter script runs under the CSP: typing an address hides the other rows.
    await page.emulateMedia({ media: 'screen' });
    await page.fill('input[data-table="downloads-table"]', '192.0.2.44');
    assert.equal(await page.locator('#downloads-table tbody tr:visible').count(), 1);

    assert.deepEqual(dialogs, [], 'nothing from the logs may open a dialog');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('prints to PDF (the report is readable on paper)', async () => {
    const context = await browser!.newContext({ offline: true });
    const page = await context.newPage();
    await page.goto(`file://${reportPath}`);
    mkdirSync(OUT, { recursive: true });
    const pdf = await page.pdf({ path: join(OUT, 'report.pdf'), format: 'A4', printBackground: true });
    assert.ok(pdf.length > 10_000, `PDF of ${pdf.length} bytes`);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    await context.close();
  });
});
