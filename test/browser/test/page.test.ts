// The Craftista page in a real browser, on the four services running as real processes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, repoRoot, startService, type ServiceProcess } from '@craftista/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './browser.js';

const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'browser');
const SECRET = 'browser-test-secret-browser-test-secret!';
// Shared by the frontend and voting, as in docker/compose.yaml: voting trusts only identities signed with it.
const CLIENT_ID_SECRET = 'browser-client-id-secret-0123456789abcd';
const SLOW_START = { timeoutMs: 150_000 };

let chromium: LaunchedBrowser;
let catalogue: ServiceProcess;
let recommendation: ServiceProcess;
let voting: ServiceProcess;
let frontend: ServiceProcess;
let alone: ServiceProcess;
const problems: string[] = [];

/** A page that records console errors (CSP violations show there) and failed requests. */
async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${url}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${url}: ${e.message}`));
  await page.goto(url);
  return page;
}

const count = async (page: Page, id: string) =>
  Number(await page.locator(`#votes-${id} .count`).textContent());

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dead = `http://127.0.0.1:${await freePort()}`;
  [chromium, catalogue, recommendation, alone] = await Promise.all([
    launchChromium(),
    startService('apps/catalogue/src/main.ts', SLOW_START),
    startService('apps/recommendation/src/main.ts', SLOW_START),
    // Stage 1: the frontend with no backend at all.
    startService('apps/frontend/src/main.ts', {
      ...SLOW_START,
      env: { CATALOGUE_URL: dead, VOTING_URL: dead, RECOMMENDATION_URL: dead, SESSION_SECRET: SECRET },
    }),
  ]);
  voting = await startService('apps/voting/src/main.ts', {
    ...SLOW_START,
    env: { CATALOGUE_URL: catalogue.url, CATALOGUE_SYNC_INTERVAL_MS: '1000', CLIENT_ID_SECRET },
  });
  frontend = await startService('apps/frontend/src/main.ts', {
    ...SLOW_START,
    env: {
      CATALOGUE_URL: catalogue.url,
      VOTING_URL: voting.url,
      RECOMMENDATION_URL: recommendation.url,
      SESSION_SECRET: SECRET,
      CLIENT_ID_SECRET,
      // This machine is shared and loaded while tests run: give backends the page's whole budget.
      BACKEND_TIMEOUT_MS: '1200',
    },
  });
  // Voting learns the showcase from the catalogue (synced every second).
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${voting.url}/api/origamis`);
    if (res.ok && ((await res.json()) as unknown[]).length >= 12) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 400_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.all([frontend, alone, voting, recommendation, catalogue].map((s) => s?.stop()));
});

describe('stage 1: the frontend alone', () => {
  it('renders red status boxes, the recommendation fallback and no showcase', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, alone.url);
    await expect
      .poll(() => page.locator('#status-grid .status-box h3').allTextContents())
      .toEqual(['Catalogue', 'Recommendation', 'Voting']);
    expect(await page.locator('#status-grid .status-box.down').count()).toBe(3);
    await expect
      .poll(() => page.locator('#daily-origami-container').textContent())
      .toContain('Sorry, the recommendation engine is not available at the moment.');
    expect(await page.locator('.product').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'stage1.png'), fullPage: true });
    await context.close();
  });
});

describe('stage 4: all services up', () => {
  it('shows the origami of the day and the first 6 cards, each with a count and a Vote button', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, frontend.url);
    expect(await page.locator('#daily-origami-container h2').first().textContent()).toBe(
      'Origami of the Day',
    );
    expect(await page.locator('#daily-origami-container img').getAttribute('alt')).toBe('Daily Origami');
    expect(await page.locator('.product').count()).toBe(6);
    expect(await page.locator('.product .vote-button:visible').count()).toBe(6);
    expect(await page.locator('#status-grid .status-box.up').count()).toBe(3);
    // Images really load (served by the frontend at /static).
    const allLoaded = () =>
      page
        .locator('.product img')
        .evaluateAll((imgs) =>
          imgs.every(
            (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
          ),
        );
    await expect.poll(allLoaded, { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'stage4.png') });
    await context.close();
  });

  it('loads 6 more cards when the reader scrolls to the bottom', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, frontend.url);
    expect(await page.locator('.product').count()).toBe(6);
    await page.mouse.wheel(0, 20_000);
    await expect.poll(() => page.locator('.product').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    expect(await page.locator('#origami-7 h3').isVisible()).toBe(true);
    await context.close();
  });

  it('raises a card by one on Vote, and a second browser sees the new count live', async () => {
    const first = await chromium.browser.newContext();
    const second = await chromium.browser.newContext();
    const voter = await open(first, frontend.url);
    const watcher = await open(second, frontend.url);
    const before = await count(voter, '1');
    expect(await count(watcher, '1')).toBe(before);
    await voter.locator('#origami-1 .vote-button').click();
    await expect.poll(() => count(voter, '1'), { timeout: 10_000 }).toBe(before + 1);
    expect(await voter.locator('#vote-feedback').textContent()).toContain(
      'Your vote for Origami Crane was recorded',
    );
    await expect.poll(() => count(watcher, '1'), { timeout: 10_000 }).toBe(before + 1);
    expect(voter.url()).toBe(`${frontend.url}/`); // updated in place, no navigation
    await first.close();
    await second.close();
  });

  it('votes from the keyboard alone', async () => {
    const context = await chromium.browser.newContext();
    const page = await open(context, frontend.url);
    const before = await count(page, '1');
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.classList.contains('vote-button'))) break;
    }
    expect(await page.evaluate(() => document.activeElement?.closest('.product')?.id)).toBe('origami-1');
    await page.keyboard.press('Enter');
    await expect.poll(() => count(page, '1'), { timeout: 10_000 }).toBe(before + 1);
    await context.close();
  });

  it('counts a vote through the form when JavaScript is disabled', async () => {
    const context = await chromium.browser.newContext({ javaScriptEnabled: false });
    const page = await open(context, frontend.url);
    const before = await count(page, '2');
    expect(await page.locator('#status-voting .state').textContent()).toBe('Up');
    await page.locator('#origami-2 .vote-button').click({ timeout: 5000 });
    await page.waitForURL(/voted=2/, { timeout: 10_000 });
    expect(await count(page, '2')).toBe(before + 1);
    expect(await page.locator('#vote-feedback').textContent()).toBe(
      'Thank you! Your vote for Origami Frog was recorded.',
    );
    // Without JavaScript "More origamis" is a plain link.
    await page.locator('#load-more').click();
    expect(await page.locator('.product').count()).toBe(12);
    await context.close();
  });

  it('shows one column on a phone', async () => {
    const context = await chromium.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const page = await open(context, frontend.url);
    const boxes = await page
      .locator('.product')
      .evaluateAll((cards) => cards.slice(0, 2).map((c) => c.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes[0]!.x).toBe(boxes[1]!.x);
    expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y);
    await page.screenshot({ path: path.join(ARTIFACTS, 'stage4-phone.png') });
    await context.close();
  });

  it('ran without console errors (no Content-Security-Policy violation, no script error)', async () => {
    // Its own visit, so that run alone it still loads the page and runs its script: load more cards, vote.
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context, frontend.url);
    await page.mouse.wheel(0, 20_000);
    await expect.poll(() => page.locator('.product').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    const before = await count(page, '2');
    await page.locator('#origami-2 .vote-button').click();
    await expect.poll(() => count(page, '2'), { timeout: 10_000 }).toBe(before + 1);
    await context.close();
    expect(problems).toEqual([]);
  });
});

describe('voting stopped', () => {
  it('removes the Vote buttons and turns the Voting box red, live and on reload', async () => {
    const context = await chromium.browser.newContext();
    const open1 = await open(context, frontend.url);
    expect(await open1.locator('.vote-button:visible').count()).toBe(6);
    await voting.stop();
    // The page already open learns it from the event stream.
    await expect.poll(() => open1.locator('.vote-button:visible').count(), { timeout: 15_000 }).toBe(0);
    expect(await open1.locator('#status-voting').getAttribute('class')).toContain('down');
    // A fresh page renders it so from the start.
    const fresh = await context.newPage();
    await expect
      .poll(
        async () => {
          await fresh.goto(frontend.url);
          return fresh.locator('#status-voting.down').count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await fresh.locator('.vote-button:visible').count()).toBe(0);
    expect(await fresh.locator('#status-voting .state').textContent()).toBe('Down');
    expect(await fresh.locator('.product').count()).toBe(6);
    await context.close();
  });
});
