/**
 * The leaderboard page in a real browser (Debian's chromium through playwright-core) against the real service on a
 * throwaway embedded PostgreSQL seeded with the fixture runs of @dfl/db. One browser and one service for the file.
 * Each test leaves a screenshot in e2e/screenshots/ (gitignored) for a human to look at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FIXTURE_RANKED_IDS, FIXTURE_RUNS, RunRepository, seedFixtureRuns, startTestDatabase, type TestDatabase } from '@dfl/db';
import { createLeaderboardApp, type Leaderboard } from '../src/app';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = path.join(__dirname, '..', 'web');
const SHOTS = path.join(__dirname, 'screenshots');

const byName = (name: string) => FIXTURE_RUNS.find((r) => r.name === name)!;
const nameOf = (id: string) => FIXTURE_RUNS.find((r) => r.id === id)!.name;

let db: TestDatabase;
let service: Leaderboard;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // The bundle is built by `npm ci` (root `prepare`); build it here too when a checkout has none yet.
  if (!existsSync(path.join(WEB, 'dist', 'index.html'))) {
    execFileSync(process.execPath, [path.join(WEB, 'build.mjs')], { stdio: 'inherit' });
  }
  mkdirSync(SHOTS, { recursive: true });
  db = await startTestDatabase();
  await seedFixtureRuns(db.dataSource);
  await new RunRepository(db.dataSource).setPromoted(byName('resnet18-best').id);
  // the service opens its own connection: the test keeps db.dataSource to change runs under the page's feet
  service = await createLeaderboardApp({ url: db.url, port: 0, token: null, logger: false });
  baseUrl = service.url!;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await db?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  page = await context.newPage();
  page.setDefaultTimeout(20_000); // generous: CI runs every jest project at once on 2 cores
  page.on('console', (m) => { if (m.type() === 'error') console.error('browser:', m.text()); });
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterEach(async () => {
  await context?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Names of the table's rows, top to bottom. */
function rowNames(): Promise<string[]> {
  return page.$$eval('table.runs tbody tr[data-run-id] a.run-name', (links) => links.map((a) => a.textContent ?? ''));
}

/**
 * Waits until the table shows exactly these rows (a filter or sort answers asynchronously), then asserts it so a
 * failure prints the difference.
 */
async function expectRows(expected: string[]): Promise<void> {
  await page
    .waitForFunction(
      (names) => {
        const shown = Array.from(document.querySelectorAll('table.runs tbody tr[data-run-id] a.run-name')).map((a) => a.textContent);
        return JSON.stringify(shown) === JSON.stringify(names);
      },
      expected,
      { timeout: 30_000 },
    )
    .catch(() => undefined);
  expect(await rowNames()).toEqual(expected);
}

async function openTable(hash = '#/'): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.waitForSelector('table.runs tbody tr[data-run-id]');
}

test('the table ranks runs by AUC, ties by TPR@1e-3 then earlier finish, and badges the promoted run', async () => {
  await openTable();
  await expectRows(FIXTURE_RANKED_IDS.map(nameOf));
  const names = await rowNames();
  // the AUC tie (0.93) is broken by TPR: the higher TPR comes first
  expect(names.indexOf('mobilenet-tie-high-tpr')).toBeLessThan(names.indexOf('mobilenet-tie-low-tpr'));

  const best = page.locator(`tr[data-run-id="${byName('resnet18-best').id}"]`);
  await expect(best.locator('.promoted').count()).resolves.toBe(1);
  await expect(page.locator('.promoted').count()).resolves.toBe(1);
  // AUC with its CI, TPR with the negatives it rests on
  const text = await best.innerText();
  expect(text).toContain('0.9500');
  expect(text).toContain('[0.930–0.970]');
  expect(text).toContain('n⁻=2,000');
  await shot('table');
});

test('clicking a header sorts by it, a second click reverses', async () => {
  await openTable();
  await page.click('th[data-sort="tpr"] button');
  await page.waitForFunction(() => location.hash.includes('sort=tpr'));
  // TPR descending; the two effnet runs tie on TPR and keep their leaderboard order; runs without TPR last
  const unranked = ['resnet18-failed', 'mobilenet-interrupted', 'resnet18-running'];
  const byTprDesc = ['resnet18-best', 'mobilenet-tie-high-tpr', 'effnet-tie-early', 'effnet-tie-late', 'mobilenet-tie-low-tpr', 'tiny-other-dataset'];
  await expectRows([...byTprDesc, ...unranked]);
  expect(await page.getAttribute('th[data-sort="tpr"]', 'aria-sort')).toBe('descending');

  await page.click('th[data-sort="tpr"] button');
  await page.waitForFunction(() => location.hash.includes('order=asc'));
  // ascending: the effnet tie still in leaderboard order, runs without TPR still last
  await expectRows(['tiny-other-dataset', 'mobilenet-tie-low-tpr', 'effnet-tie-early', 'effnet-tie-late', 'mobilenet-tie-high-tpr', 'resnet18-best', ...unranked]);
  expect(await page.getAttribute('th[data-sort="tpr"]', 'aria-sort')).toBe('ascending');
  await shot('table-sorted-tpr-asc');
});

test('filters by status, backbone, name, tag and dataset narrow the table', async () => {
  await openTable();
  await page.selectOption('select[aria-label="Status"]', 'running');
  await expectRows(['resnet18-running']);
  await page.selectOption('select[aria-label="Status"]', '');
  await expectRows(FIXTURE_RANKED_IDS.map(nameOf));

  await page.fill('input[aria-label="Backbone"]', 'mobilenet_v2');
  await expectRows(['mobilenet-tie-high-tpr', 'mobilenet-tie-low-tpr', 'mobilenet-interrupted']);

  await page.fill('input[aria-label="Search names"]', 'tie-high');
  await expectRows(['mobilenet-tie-high-tpr']);
  await shot('table-filtered');

  await page.fill('input[aria-label="Backbone"]', '');
  await page.fill('input[aria-label="Search names"]', '');
  await page.fill('input[aria-label="Tag"]', 'tie');
  await expectRows(['mobilenet-tie-high-tpr', 'mobilenet-tie-low-tpr', 'effnet-tie-early', 'effnet-tie-late']);
  await page.fill('input[aria-label="Tag"]', 'no-such-tag');
  await page.waitForSelector('td.empty');

  await page.fill('input[aria-label="Tag"]', '');
  await page.fill('input[aria-label="Dataset"]', 'other');
  await expectRows(['tiny-other-dataset']);
});

test('the run page draws the ROC curve and the training curves, and copies the reproduce command', async () => {
  const best = byName('resnet18-best');
  await openTable();
  await page.click(`tr[data-run-id="${best.id}"] a.run-name`);
  await page.waitForSelector('.roc-chart canvas');
  await page.waitForSelector('.epoch-chart canvas');
  expect(await page.innerText('h1')).toContain('resnet18-best');
  await expect(page.locator('h1 .promoted').count()).resolves.toBe(1);

  // the ROC canvas carries the series colour (#0072B2) somewhere in its plot: the curve was drawn
  const curvePixels = await page.$eval('.roc-chart canvas', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 0x00) < 40 && Math.abs(data[i + 1] - 0x72) < 40 && Math.abs(data[i + 2] - 0xb2) < 40 && data[i + 3] > 200) n++;
    }
    return n;
  });
  expect(curvePixels).toBeGreaterThan(100);

  expect(await page.innerText('.command code')).toBe(`dfl reproduce ${best.id}`);
  await page.click('.command button');
  await page.waitForFunction(() => document.querySelector('.command button')?.textContent === 'Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`dfl reproduce ${best.id}`);

  const config = await page.innerText('pre.yaml');
  expect(config).toContain('backbone: resnet18');
  expect(await page.innerText('.run-page')).toContain('checkpoints/best');
  await shot('run');
});

test('compare shows two runs side by side with the config difference highlighted', async () => {
  const a = byName('resnet18-best');
  const b = byName('mobilenet-tie-high-tpr');
  await openTable();
  await page.check(`tr[data-run-id="${a.id}"] input[type="checkbox"]`);
  await page.check(`tr[data-run-id="${b.id}"] input[type="checkbox"]`);
  await page.click('a.btn-primary:has-text("Compare (2)")');
  await page.waitForSelector('table.config-diff');

  const headers = await page.$$eval('table.compare-metrics thead th a', (links) => links.map((l) => l.textContent));
  expect(headers).toEqual(['resnet18-best', 'mobilenet-tie-high-tpr']);
  const paths = await page.$$eval('table.config-diff tbody th code', (cells) => cells.map((c) => c.textContent));
  expect(paths).toEqual(expect.arrayContaining(['model.backbone']));
  const backboneRow = page.locator('table.config-diff tbody tr', { has: page.locator('th code', { hasText: /^model\.backbone$/ }) });
  expect(await backboneRow.locator('td').allInnerTexts()).toEqual(['resnet18', 'mobilenet_v2']);
  await expect(backboneRow.locator('td.changed').count()).resolves.toBe(1);
  // the better AUC is marked
  const aucRow = page.locator('table.compare-metrics tbody tr', { has: page.locator('th', { hasText: /^AUC$/ }) });
  expect(await aucRow.locator('td.best').innerText()).toContain('0.9500');
  await page.waitForSelector('.roc-chart canvas');
  await shot('compare');

  // a run's page offers the comparison with the run promoted for its dataset
  const late = byName('effnet-tie-late');
  await page.goto(`${baseUrl}/#/runs/${late.id}`);
  await page.click('a:has-text("Compare with the promoted run resnet18-best")');
  await page.waitForFunction((ids) => location.hash.includes(ids), `${a.id},${late.id}`);
  await page.waitForFunction(() => document.querySelectorAll('table.compare-metrics thead th a').length === 2);
  const pair = await page.$$eval('table.compare-metrics thead th a', (links) => links.map((l) => l.textContent));
  expect(pair).toEqual(['resnet18-best', 'effnet-tie-late']);
});

// Last: these change the data the other tests read.
test('the table follows runs as they start, train and finish, pushed by the service without a reload', async () => {
  await openTable();
  await expectRows(FIXTURE_RANKED_IDS.map(nameOf));
  // pushed: the page listens to the service's event stream, and polls only when that is unavailable
  await page.waitForSelector('label.live[data-live="push"]');
  const repo = new RunRepository(db.dataSource); // another connection than the service's, as the runner would be

  // a run that starts shows up (unranked, last), and its epoch count moves as it trains
  const started = await repo.createRun({ name: 'live-new-run', resolvedConfig: {}, configHash: 'live', backbone: 'tiny_cnn', epochsPlanned: 3 });
  await expectRows([...FIXTURE_RANKED_IDS.map(nameOf), 'live-new-run']);
  const startedRow = page.locator(`tr[data-run-id="${started.id}"]`);
  expect(await startedRow.locator('.status').innerText()).toBe('running');
  await repo.recordEpoch(started.id, { epoch: 0, valAuc: 0.7, trainLoss: 0.62, valLoss: 0.64, lr: 0.001 });
  await page.waitForFunction((id) => document.querySelector(`tr[data-run-id="${id}"] td:nth-child(10)`)?.textContent === '1', started.id);

  // a running run finishes with the best AUC of all: it moves to the top; its TPR rests on 500 negatives, too few
  // to resolve FPR=1e-3, which the row must flag
  const running = byName('resnet18-running');
  expect(await page.locator(`tr[data-run-id="${running.id}"] .status`).innerText()).toBe('running');
  await repo.finishRun(running.id, { auc: 0.99, tprAt1e3: 0.6, tprNegatives: 500, durationS: 95 });
  await page.waitForFunction(
    (id) => document.querySelector('table.runs tbody tr[data-run-id]')?.getAttribute('data-run-id') === id,
    running.id,
    { timeout: 30_000 },
  );
  const row = page.locator(`tr[data-run-id="${running.id}"]`);
  expect(await row.locator('.status').innerText()).toBe('finished');
  expect(await row.locator('td:first-of-type + td').innerText()).toBe('1');
  expect(await row.locator('.metric-sub.warn').innerText()).toBe('⚠ n⁻=500');
  await expect(page.locator('.metric-sub.warn').count()).resolves.toBe(1);
  // all of it came by push: the page never fell back to polling
  expect(await page.getAttribute('label.live', 'data-live')).toBe('push');
  await shot('table-live');

  // the page of a run in progress follows it too; epochs are numbered from 1, as the CLI prints them
  await page.click(`tr[data-run-id="${started.id}"] a.run-name`);
  await page.waitForFunction(() => document.querySelector('.run-page')?.textContent?.includes('1 / 3 epochs'));
  await repo.recordEpoch(started.id, { epoch: 1, valAuc: 0.75, trainLoss: 0.5, valLoss: 0.55, lr: 0.001 });
  await page.waitForFunction(() => document.querySelector('.run-page')?.textContent?.includes('2 / 3 epochs'));
  await page.waitForSelector('.epoch-chart canvas');
  await page.click('summary:has-text("epoch records")');
  const epochColumn = await page.$$eval('table.records', (tables) => {
    const table = tables.find((t) => t.querySelector('th')?.textContent === 'epoch')!;
    return Array.from(table.querySelectorAll('tbody tr td:first-child')).map((td) => td.textContent);
  });
  expect(epochColumn).toEqual(['1', '2']);
  await shot('run-live');
});

test('without the event stream the table falls back to polling and still follows changes', async () => {
  await page.route('**/api/events', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await openTable();
  await page.waitForSelector('label.live[data-live="poll"]');
  expect(await page.innerText('label.live')).toContain('polling');
  const run = await new RunRepository(db.dataSource).createRun({ name: 'polled-run', resolvedConfig: {}, configHash: 'poll' });
  await page.waitForSelector(`tr[data-run-id="${run.id}"]`, { timeout: 30_000 });
  await shot('table-polling');
});
