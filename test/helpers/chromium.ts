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
/** Every page a journey sees is looked at on a desk and on a common phone, whoever the journey is for. */
const WIDTHS = [1280, 375];

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

  /**
   * Looks at the page at 1280 px and at 375 px: a screenshot of each into test-artifacts, and it fails on a serious
   * accessibility problem, a page wider than the window, a Latin digit in Persian text, raw data or an untranslated
   * key, Persian text left in a left-to-right block, or an error summary that is not announced and focused.
   */
  async saw(page: Page, what: string): Promise<void> {
    await page.waitForLoadState('load');
    this.seen += 1;
    const original = page.viewportSize();
    try {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: original?.height ?? 900 });
        const file = path.join(SCREENSHOTS, `${this.name}-${String(this.seen).padStart(2, '0')}-${what}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const problems = await pageProblems(page);
        if (problems.length) throw new Error(`${what} (${page.url()}) at ${width} px, see ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
      }
    } finally {
      if (original) await page.setViewportSize(original);
    }
  }
}

/** Text that stays in Latin digits on a Persian page: words with Latin letters (identifiers, e-mail and web addresses), IP addresses. */
const LATIN_ALLOWED = [/\S*[A-Za-z]\S*/g, /\b\d{1,3}(\.\d{1,3}){3}\b/g];

// Page code is given as text, the project compiling without the DOM's types.
const PAGE_TEXT_CHECKS = `(() => {
  const allowed = [${LATIN_ALLOWED.map((r) => r.toString()).join(', ')}];
  const persianPage = document.documentElement.lang === 'fa';
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue.trim();
    if (!el || !text || el.closest('script, style, textarea, option, [hidden], [aria-hidden=true], [data-code]')) continue;
    if (!el.checkVisibility()) continue;
    const where = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
    // Identifiers an integrator types (event names, scopes, JSON pointers) are shown as code, beside their words.
    const latinText = el.closest('[data-latin], code, kbd, samp');
    if (persianPage && !latinText && (el.closest('[lang]')?.lang ?? 'fa') === 'fa') {
      let rest = text;
      for (const pattern of allowed) rest = rest.replace(pattern, '');
      if (/[0-9]/.test(rest)) found.push('Latin digits in Persian text in ' + where + ': ' + JSON.stringify(text.slice(0, 80)));
    }
    if (!el.closest('[data-latin]') && /[\\[{]\\s*"[^"]+"\\s*:/.test(text)) found.push('raw data in ' + where + ': ' + JSON.stringify(text.slice(0, 80)));
    if (!latinText && /(^|[^\\w.@/-])([a-z][a-zA-Z]*\\.[a-z][a-zA-Z]*(_[a-z]+|[A-Z][a-z]+|\\.[a-z_]+)|[a-z]+(_[a-z]+)+)(?![\\w.@/-])/.test(text)) found.push('an untranslated key in ' + where + ': ' + JSON.stringify(text.slice(0, 80)));
    if (/[\\u0621-\\u064A\\u067E\\u0686\\u0698\\u06A9\\u06AF\\u06CC]/.test(text)) {
      // SVG text follows its own direction attribute.
      const block = el.closest('[dir], bdi, svg');
      const dir = block ? (block.getAttribute('dir') || 'auto') : 'ltr';
      if (dir === 'ltr' && !(block && (block.tagName === 'BDI' || block.tagName.toLowerCase() === 'svg') && !block.hasAttribute('dir'))) found.push('Persian text in a left-to-right block without its own direction in ' + where + ': ' + JSON.stringify(text.slice(0, 80)));
    }
  }
  const summary = document.querySelector('.error-summary');
  if (summary) {
    if (document.activeElement !== summary) found.push('the error summary is not focused');
    if (!/^(خطا: |Error: )/.test(document.title)) found.push('the title of a page with errors does not begin with its error prefix: ' + document.title);
  }
  return found;
})()`;

/** What a person would notice is wrong with the page at its current width, one sentence each. */
async function pageProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const v of await accessibilityViolations(page)) problems.push(`${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  // WCAG reflow: the page itself never scrolls sideways; only a wide table may, inside its own box.
  const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, window: window.innerWidth })')) as { page: number; window: number };
  if (widths.page > widths.window) problems.push(`scrolls sideways: ${widths.page}px of content in a ${widths.window}px window`);
  problems.push(...((await page.evaluate(PAGE_TEXT_CHECKS)) as string[]));
  return problems;
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
