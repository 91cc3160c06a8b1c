/**
 * The control page in a real browser: Debian's chromium, headless, driven by playwright-core (no
 * browser download), against an in-process fleet's control server and the embedded strict CSMS.
 * Search a charge point, open it, press "Fault", see its connector Faulted (and the CSMS receive it);
 * the list keeps only the visible rows in the DOM. A screenshot is kept in test-results/control-page.png.
 *
 * Without chromium the test is skipped (install: apt-get install chromium); under CI (CI=true) a missing
 * browser fails instead, because .ci/run installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/spawn-cli.js';
import { controlledFleet, TEST_CONTROL_TOKEN, type ControlledFleet } from '../helpers/control-fleet.js';
import { until } from '../helpers/fleet.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const CI = process.env.CI === 'true';
const INSTALL = 'apt-get install chromium';
if (!CHROMIUM && !CI) console.warn(`control-page: skipping the browser test: no chromium (install it: ${INSTALL})`);

const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
});

const COUNT = 60;

describe('the control page', () => {
  const run = !CHROMIUM && !CI ? it.skip : it;
  run(`finds a charge point, faults it and shows it Faulted (needs chromium: ${INSTALL})`, async () => {
    if (!CHROMIUM) throw new Error(`chromium is not installed; CI must install it (${INSTALL})`);
    const f: ControlledFleet = await controlledFleet(COUNT);
    cleanups.push(() => f.close());
    const profile = mkdtempSync(join(tmpdir(), 'ocpp-sim-chromium-'));
    cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
    const context: BrowserContext = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${f.control.url}/#token=${TEST_CONTROL_TOKEN}`);
    // The token leaves the visible URL (it stays in sessionStorage).
    await page.waitForFunction(() => location.hash === '');
    // The fleet at a glance, live.
    await expect.poll(() => page.locator('#f-total').textContent(), { timeout: 10_000 }).toBe(String(COUNT));
    await expect.poll(() => page.locator('#f-online').textContent(), { timeout: 10_000 }).toBe(String(COUNT));

    // Virtualised: all are counted, only the visible rows (and a few more) are in the DOM.
    await expect.poll(() => page.locator('#list-count').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${COUNT} charge points`));
    const rowsInDom = await page.locator('#viewport .row:not([hidden])').count();
    expect(rowsInDom).toBeGreaterThan(5);
    expect(rowsInDom).toBeLessThan(COUNT);

    // Scrolled to the end, the last charge point is drawn and the DOM stays as small.
    await page.locator('#viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator('#viewport .row:not([hidden])', { hasText: `TEST0${COUNT}` }).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('#viewport .row').count()).toBeLessThan(COUNT);

    // The keyboard alone opens a charge point: focus the list, arrow down, Enter.
    await page.locator('#viewport').evaluate((el) => (el.scrollTop = 0));
    await page.locator('#viewport').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#d-identity').textContent(), { timeout: 10_000 }).toBe('TEST002');

    // Search, open, fault.
    await page.getByLabel(/^Search/).fill('TEST042');
    await expect.poll(() => page.locator('#list-count').textContent(), { timeout: 10_000 }).toMatch(/^1 charge point$/);
    await page.locator('#viewport .row:not([hidden])', { hasText: 'TEST042' }).click();
    await expect.poll(() => page.locator('#d-identity').textContent(), { timeout: 10_000 }).toBe('TEST042');
    await expect.poll(() => page.locator('#d-connectors td[data-connector="1"]').textContent(), { timeout: 10_000 }).toMatch(/^Available/);
    await page.getByLabel('Error code').fill('GroundFailure');
    await page.getByRole('button', { name: 'Fault', exact: true }).click();

    await expect.poll(() => page.locator('#d-connectors td[data-connector="1"]').textContent(), { timeout: 10_000 }).toMatch(/^Faulted/);
    await expect.poll(() => page.locator('#result').textContent(), { timeout: 10_000 }).toMatch(/fault TEST042: ok/);
    await until(() => f.received.some((r) => r.identity === 'TEST042' && r.action === 'StatusNotification' && r.payload.status === 'Faulted' && r.payload.errorCode === 'GroundFailure'), 'the CSMS to receive Faulted');
    // The list row says it in words too, and the event log got the action.
    await expect.poll(() => page.locator('#viewport .row:not([hidden])', { hasText: 'TEST042' }).textContent(), { timeout: 10_000 }).toMatch(/#1 Faulted \(GroundFailure\)/);
    await expect.poll(() => page.locator('#events').textContent(), { timeout: 10_000 }).toMatch(/TEST042/);

    // A raw call: the CSMS's answer is shown as text, never as markup.
    f.answers.set('DataTransfer', { status: 'Accepted', data: '<b id="injected">bold</b>' });
    await page.getByLabel('OCPP action').fill('DataTransfer');
    await page.getByLabel('Payload (JSON)').fill('{"vendorId":"acme"}');
    await page.getByRole('button', { name: 'Send call' }).click();
    await expect.poll(() => page.locator('#result').textContent(), { timeout: 10_000 }).toContain('send TEST042: answered {"status":"Accepted","data":"<b id=\\"injected\\">bold</b>"}');
    expect(await page.locator('#injected').count()).toBe(0);

    // The fleet at a glance follows, live.
    await expect.poll(() => page.locator('#f-connectors').textContent(), { timeout: 10_000 }).toContain('Faulted: 1');
    await expect.poll(() => page.locator('#f-manual').textContent(), { timeout: 10_000 }).toBe('2');

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'control-page.png'), fullPage: true });
    expect(problems).toEqual([]);

    // Without the token (a new tab: sessionStorage is per tab) the page asks for it, and then works.
    const bare = await context.newPage();
    await bare.goto(`${f.control.url}/`);
    await bare.getByLabel('Control token').fill(TEST_CONTROL_TOKEN);
    await bare.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => bare.locator('#f-total').textContent(), { timeout: 10_000 }).toBe(String(COUNT));
  }, 60_000);
});
