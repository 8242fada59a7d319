// The secretariat's day in a real Chromium: sign in, find fresh requests in the inbox, decide on each,
// and find the approved one's letter in the registry; every page is screenshotted and checked for accessibility.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { publishService } from '../../lib/catalog-sync';
import { toLatinDigits, toPersianDigits } from '../../lib/persian';
import type { ServiceDefinition } from '../../workflows/types';
import { decideOnPage, follow, Journey, launchChromium, newVisitor, staffSignsIn } from '../helpers/chromium';
import { eventually, startDesk, uniqueMobile, type Desk } from '../helpers/desk';
import { letterAnswers, loginCitizen, smsTo, submitThroughPages, waitForStatus } from '../helpers/journeys';

// A service of this file alone, so its inbox filter shows exactly the requests made here.
const SERVICE = 'browser-staff-letter';
const letter: ServiceDefinition = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'service-catalog', 'general-letter.json'), 'utf8'));

// A whole journey with its waits on the workflow; generous for a loaded two-core machine.
const JOURNEY_TIMEOUT_MS = 240_000;

let desk: Desk;
let browser: Browser;
beforeAll(async () => {
  [desk, browser] = await Promise.all([startDesk(), launchChromium()]);
  await publishService(desk.db, { ...letter, id: SERVICE, title: 'نامه به سازمان (آزمون مرورگر)' }, 'test');
});
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

/** A citizen's letter to the legal department, submitted and waiting for the secretariat. */
async function freshLetter() {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, SERVICE, letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  return { mobile, code };
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const inboxRow = (page: Page, code: string) => page.locator(`table.inbox a[href="/staff/requests/${code}"]`);

/** The inbox narrowed to this file's service through its filter form. */
async function inboxOfService(page: Page, journey: Journey, what: string) {
  await page.goto(`${desk.url}/staff`);
  await page.selectOption('#service', SERVICE);
  await follow(page, 'form.filters button[type=submit]');
  await journey.saw(page, what);
}

test('the secretariat approves, rejects with a reason and asks for more information from its pages, and finds the approved letter in the registry', async () => {
  const journey = new Journey('staff');
  const [approved, rejected, incomplete] = await Promise.all([freshLetter(), freshLetter(), freshLetter()]);
  const { page } = await newVisitor(browser, 'desk');

  await staffSignsIn(page, desk, 'dabir', journey);
  await journey.saw(page, 'inbox');
  await inboxOfService(page, journey, 'inbox-filtered');
  for (const { code } of [approved, rejected, incomplete]) {
    expect(toLatinDigits(await text(page, `tr:has(a[href="/staff/requests/${code}"])`))).toContain(code);
    expect(await text(page, `tr:has(a[href="/staff/requests/${code}"]) .status`)).toBe('در انتظار بررسی');
  }

  // Approve: the letter is registered and goes to the legal department, out of the secretariat's view.
  await follow(page, `a[href="/staff/requests/${approved.code}"]`);
  await journey.saw(page, 'request-to-approve');
  expect(await text(page, 'h1')).toContain(toPersianDigits(approved.code));
  expect(await text(page, 'main')).toContain('مریم احمدی');
  await decideOnPage(page, 'approve');
  expect(new URL(page.url()).pathname).toBe('/staff');
  await journey.saw(page, 'inbox-after-approve');
  expect(await text(page, '.notice.success')).toBe(`درخواست تأیید شد. ${toPersianDigits(approved.code)}`);
  const { letter_number: letterNumber } = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: approved.code }).first('letter_number');
    return row?.letter_number ? row : null;
  }, 20_000, 'the letter number');
  expect(letterNumber).toMatch(/^14\d\d\/\d{3}\/\d{4}$/);

  // Reject with a reason: the request stays on the page, rejected, and the reason reaches the citizen.
  await inboxOfService(page, journey, 'inbox-after-approve-filtered');
  expect(await inboxRow(page, approved.code).count()).toBe(0);
  await follow(page, `a[href="/staff/requests/${rejected.code}"]`);
  await journey.saw(page, 'request-to-reject');
  const reason = 'نامه امضا ندارد؛ لطفاً نسخه امضاشده را بفرستید';
  await decideOnPage(page, 'reject', reason);
  await journey.saw(page, 'request-rejected');
  expect(await text(page, '.notice.success')).toBe('درخواست رد شد و دلیل آن برای متقاضی پیامک شد.');
  expect(await text(page, 'dl.facts .status')).toBe('رد شده');
  await eventually(async () => (await smsTo(desk, rejected.mobile)).some((m) => m.body.includes(reason)), 20_000, 'the rejection SMS');

  // Ask for more information.
  await inboxOfService(page, journey, 'inbox-after-reject');
  await follow(page, `a[href="/staff/requests/${incomplete.code}"]`);
  await journey.saw(page, 'request-to-complete');
  await decideOnPage(page, 'needs_info', 'لطفاً تصویر کارت ملی را هم پیوست کنید');
  await journey.saw(page, 'request-needs-info');
  expect(await text(page, '.notice.success')).toBe('از متقاضی اطلاعات تکمیلی خواسته شد.');
  await waitForStatus(desk, incomplete.code, 'needs_info');
  expect(await text(page, 'dl.facts .status')).toBe('نیازمند تکمیل');

  // The registry, searched by the citizen's mobile, shows the approved request's letter.
  await follow(page, 'header a[href="/staff/registry"]');
  await journey.saw(page, 'registry');
  await page.fill('#mobile', approved.mobile);
  await follow(page, 'form.filters button[type=submit]');
  await journey.saw(page, 'registry-search');
  const rows = page.locator('table.registry tbody tr');
  expect(await rows.count()).toBe(1);
  expect(await text(page, 'table.registry tbody tr td:first-child')).toBe(toPersianDigits(letterNumber));
  await follow(page, 'table.registry tbody tr td:first-child a');
  await journey.saw(page, 'registry-letter');
  expect(await text(page, 'h1')).toContain(toPersianDigits(letterNumber));
  expect(await text(page, 'dl.facts')).toContain(toPersianDigits(approved.code));
  expect(await text(page, 'dl.facts')).toContain('زهرا محمدی (دبیرخانه)');
  await follow(page, 'main a[href$="/print"]');
  await journey.saw(page, 'registry-print');
  expect(await text(page, '.letter-foot')).toContain('زهرا محمدی (دبیرخانه)');
}, JOURNEY_TIMEOUT_MS);

test('a reject refused for its missing reason comes back still a reject; with the reason typed it ends rejected, never approved', async () => {
  const journey = new Journey('staff-refused-reject');
  const { code, mobile } = await freshLetter();
  const { page } = await newVisitor(browser, 'desk');
  await staffSignsIn(page, desk, 'dabir', journey);
  await page.goto(`${desk.url}/staff/requests/${code}`);
  // Nothing is chosen for the clerk.
  for (const kind of ['approve', 'reject', 'needs_info']) expect(await page.isChecked(`#kind-${kind}`)).toBe(false);
  await page.check('#kind-reject');
  await follow(page, 'section.decision button[type=submit]');
  await journey.saw(page, 'reject-without-reason');
  expect(await text(page, '.error-summary')).toContain('دلیل را بنویسید');
  expect(await page.isChecked('#kind-reject')).toBe(true);
  expect(await page.isChecked('#kind-approve')).toBe(false);
  // The clerk types the reason into the page that came back and presses the button again.
  await page.fill('#reason', 'امضای متقاضی در نامه نیست');
  await follow(page, 'section.decision button[type=submit]');
  await journey.saw(page, 'reject-with-reason');
  expect(await text(page, '.notice.success')).toBe('درخواست رد شد و دلیل آن برای متقاضی پیامک شد.');
  expect(await text(page, 'dl.facts .status')).toBe('رد شده');
  const row = await desk.db('requests').where({ tracking_code: code }).first('status', 'id');
  expect(row.status).toBe('rejected');
  expect(await desk.db('audit_log').where({ request_id: row.id }).whereLike('action', 'decision_%').orderBy('id').pluck('action')).toEqual(['decision_refused', 'decision_reject']);
  await eventually(async () => (await smsTo(desk, mobile)).some((m) => m.body.includes('امضای متقاضی در نامه نیست')), 20_000, 'the rejection SMS');
}, JOURNEY_TIMEOUT_MS);
