// The in-person desk in a real Chromium: a clerk registers a walk-in citizen's letter with a scanned page,
// and the citizen, at home on a phone, signs in with the same mobile and finds it.
import type { Browser, Page } from 'playwright-core';
import { toLatinDigits, toPersianDigits } from '../../lib/persian';
import { follow, Journey, launchChromium, loginCodeFor, newVisitor, staffSignsIn } from '../helpers/chromium';
import { startDesk, uniqueMobile, type Desk } from '../helpers/desk';
import { letterAnswers, smsTo, waitForStatus } from '../helpers/journeys';
import { eventually } from '../helpers/desk';

const JOURNEY_TIMEOUT_MS = 240_000;
const scan = Buffer.from('%PDF-1.4\n% scanned letter\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

let desk: Desk;
let browser: Browser;
beforeAll(async () => {
  [desk, browser] = await Promise.all([startDesk(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();

test('a counter clerk registers a walk-in citizen\'s letter with a scanned page; the citizen follows it online', async () => {
  const journey = new Journey('counter');
  const mobile = uniqueMobile();
  const answers = letterAnswers('legal');
  const { page } = await newVisitor(browser, 'desk');

  await staffSignsIn(page, desk, 'counter', journey);
  await follow(page, 'nav a[href="/staff/counter"]');
  await journey.saw(page, 'desk');

  // A mistyped national code: the error summary names it and the field says why.
  await page.fill('#mobile', toPersianDigits(mobile));
  await page.fill('#nationalCode', '12345');
  await page.selectOption('#service', 'general-letter');
  await follow(page, 'form[action="/staff/counter"] button[type=submit]');
  await journey.saw(page, 'desk-mistyped');
  expect(await page.getAttribute('#nationalCode', 'aria-invalid')).toBe('true');
  expect(await text(page, '.error-summary a[href="#nationalCode"]')).toBe(await text(page, '#nationalCode-error'));
  expect(await page.inputValue('#mobile')).toBe(toPersianDigits(mobile));

  await page.fill('#nationalCode', toPersianDigits(answers.national_code));
  await follow(page, 'form[action="/staff/counter"] button[type=submit]');
  expect(new URL(page.url()).pathname).toMatch(/^\/staff\/counter\/\d+\/services\/general-letter\/apply$/);
  expect(await text(page, '.notice')).toContain(toPersianDigits(mobile));
  await journey.saw(page, 'form');

  await page.fill('#f-full_name', answers.full_name);
  await page.fill('#f-national_code', answers.national_code);
  await page.fill('#f-birth_date', answers.birth_date);
  await page.selectOption('#f-department', 'legal');
  await page.fill('#f-subject', answers.subject);
  await page.fill('#f-body', answers.body);
  await page.setInputFiles('#d-letter', { name: 'scan.pdf', mimeType: 'application/pdf', buffer: scan });
  await follow(page, 'form[enctype="multipart/form-data"] button[type=submit]');
  expect(new URL(page.url()).pathname).toMatch(/\/check$/);
  await journey.saw(page, 'check');
  expect(await text(page, 'main')).toContain('scan.pdf');

  await follow(page, 'form[action$="/submit"] button[type=submit]');
  expect(new URL(page.url()).pathname).toMatch(/^\/staff\/counter\/requests\/\d{12}$/);
  await journey.saw(page, 'registered');
  const code = toLatinDigits(await text(page, '.tracking-code'));
  expect(code).toMatch(/^\d{12}$/);
  expect(await text(page, 'main')).toContain(toPersianDigits(mobile));

  // The clerk's list has it.
  await follow(page, 'a.button[href="/staff/counter"]');
  expect(toLatinDigits(await text(page, 'table.inbox'))).toContain(code);
  await journey.saw(page, 'desk-with-registration');

  // At home: the SMS brings the code; the citizen signs in with the same mobile on a phone and finds the request.
  await eventually(async () => (await smsTo(desk, mobile)).find((m) => toLatinDigits(m.body).includes(code)), 20_000, 'the tracking-code SMS');
  await waitForStatus(desk, code, 'pending_review');
  const home = await newVisitor(browser, 'phone');
  await home.page.goto(`${desk.url}/login?next=/requests`);
  const before = (await smsTo(desk, mobile)).length;
  await home.page.fill('#mobile', mobile);
  await follow(home.page, 'form[action="/login"] button[type=submit]');
  await home.page.waitForSelector('#code');
  await home.page.fill('#code', await loginCodeFor(desk, mobile, before));
  await follow(home.page, 'form[action="/login/code"] button[type=submit]');
  expect(new URL(home.page.url()).pathname).toBe('/requests');
  await journey.saw(home.page, 'citizen-requests');
  await follow(home.page, `a[href="/requests/${code}"]`);
  await journey.saw(home.page, 'citizen-request');
  expect(await text(home.page, 'main')).toContain('در انتظار بررسی');
}, JOURNEY_TIMEOUT_MS);
