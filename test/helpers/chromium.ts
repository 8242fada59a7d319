// A real Chromium for the journeys: one browser per test file, one context per person, and every page
// visited screenshotted and checked with axe-core.
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../lib/demo-data';
import { toLatinDigits } from '../../lib/persian';
import { eventually, type Desk } from './desk';
import { smsTo } from './journeys';

export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');
/** Impacts that fail a page; 'moderate' and 'minor' findings are left to review. */
const BLOCKING = ['serious', 'critical'];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}: run them with \`npm test\` (it installs Debian's chromium when it can) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Citizens mostly come on a phone, here the 320px-wide one of WCAG's reflow criterion; staff work at a desk. */
const SCREENS = { phone: { width: 320, height: 720 }, desk: { width: 1280, height: 900 } };

/** One person at one device: own cookies, and own client address so login limits stay per person. */
export async function newVisitor(browser: Browser, screen: keyof typeof SCREENS): Promise<{ context: BrowserContext; page: Page }> {
  const address = `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': address }, viewport: SCREENS[screen], acceptDownloads: true });
  const page = await context.newPage();
  return { context, page };
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The serious and critical axe-core findings on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  // Evaluated over the DevTools protocol, which the pages' CSP (no inline scripts) does not govern;
  // page code is given as text, the project compiling without the DOM's types.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as Violation[];
  return violations.filter((v) => v.impact && BLOCKING.includes(v.impact));
}

/** The pages of one journey, numbered in the order they are seen. */
export class Journey {
  private seen = 0;

  constructor(readonly name: string) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }

  /** Screenshots the page into test-artifacts and fails on any serious or critical accessibility problem. */
  async saw(page: Page, what: string): Promise<void> {
    await page.waitForLoadState('load');
    this.seen += 1;
    const file = path.join(SCREENSHOTS, `${this.name}-${String(this.seen).padStart(2, '0')}-${what}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const violations = await accessibilityViolations(page);
    if (violations.length) {
      const lines = violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n')}`);
      throw new Error(`accessibility problems on ${what} (${page.url()}), see ${file}:\n${lines.join('\n')}`);
    }
    // WCAG reflow: the page itself never scrolls sideways; only a wide table may, inside its own box.
    const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, window: window.innerWidth })')) as { page: number; window: number };
    if (widths.page > widths.window) throw new Error(`${what} (${page.url()}) scrolls sideways: ${widths.page}px of content in a ${widths.window}px window, see ${file}`);
  }
}

/** The code of the newest login SMS to `mobile` after `before` messages, in Latin digits. */
export async function loginCodeFor(desk: Desk, mobile: string, before: number): Promise<string> {
  const message = await eventually(async () => (await smsTo(desk, mobile))[before], 20_000, 'the login code SMS');
  return /(\d{6})/.exec(toLatinDigits(message.body))![1];
}

/** Signs a member of staff in through the login page; the page ends on the inbox. */
export async function staffSignsIn(page: Page, desk: Desk, username: string, journey: Journey): Promise<void> {
  await page.goto(`${desk.url}/staff/login`);
  await journey.saw(page, `staff-login-${username}`);
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await follow(page, 'form[action="/staff/login"] button[type=submit]');
  if (new URL(page.url()).pathname !== '/staff') throw new Error(`${username} was not let in: ${page.url()}`);
}

/** A decision on the staff request page, through its form; resolves once the answer page has loaded. */
export async function decideOnPage(page: Page, kind: 'approve' | 'reject' | 'needs_info', reason = ''): Promise<void> {
  await page.check(`#kind-${kind}`);
  if (reason) await page.fill('#reason', reason);
  await follow(page, 'section.decision button[type=submit]');
  if (!/[?&]done=/.test(page.url())) throw new Error(`the ${kind} decision was not taken: ${page.url()}`);
}

/** Presses a link or button that loads another page, and resolves once that page has loaded. */
export async function follow(page: Page, selector: string): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await page.click(selector);
  await navigated;
  await page.waitForLoadState('load');
}
