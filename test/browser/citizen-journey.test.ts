// A citizen's whole journey in a real Chromium, from the catalogue to the survey, with the staff's decisions
// taken on their own pages in between; every page is screenshotted and checked for accessibility.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { toLatinDigits, toPersianDigits } from '../../lib/persian';
import { decideOnPage, follow, Journey, launchChromium, loginCodeFor, newVisitor, staffSignsIn } from '../helpers/chromium';
import { eventually, startDesk, uniqueMobile, type Desk } from '../helpers/desk';
import { smsTo, waitForStatus } from '../helpers/journeys';

// A whole journey with its waits on the workflow; generous for a loaded two-core machine.
const JOURNEY_TIMEOUT_MS = 240_000;

let desk: Desk;
let browser: Browser;
beforeAll(async () => {
  // The certificate as an HTML page (no PDF engine), so the journey looks at it like every other page; PDFs: official-documents.test.ts.
  [desk, browser] = await Promise.all([startDesk({ PDF_ENGINE: 'none' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

const SERVICE = 'service-record-certificate';
const pdf = (what: string) => Buffer.from(`%PDF-1.4\n% ${what}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const statusShown = (page: Page) => text(page, 'main .lead .status');

test('a citizen applies for a service-record certificate, answers a request for more information, pays, downloads the verified certificate and answers the survey', async () => {
  const journey = new Journey('citizen');
  const mobile = uniqueMobile();
  const { page } = await newVisitor(browser, 'phone');

  // The catalogue, a search, and the service's card with what it needs and costs.
  await page.goto(`${desk.url}/`);
  await journey.saw(page, 'catalogue');
  await page.fill('#q', 'سابقه خدمت');
  await follow(page, 'form.search button[type=submit]');
  await journey.saw(page, 'catalogue-search');
  await follow(page, `a[href="/services/${SERVICE}"]`);
  await journey.saw(page, 'service-card');
  expect(await text(page, 'h1')).toBe('صدور گواهی سابقه خدمت');
  const card = await text(page, 'main');
  expect(card).toContain('استعلام هویت از ثبت احوال');
  expect(card).toContain('آخرین فیش حقوقی یا حکم کارگزینی');
  expect(card).toContain('۵۰۰٬۰۰۰ ریال');

  // Starting asks for a login: mobile number, then the code the SMS brought.
  await follow(page, 'a.button.start');
  expect(new URL(page.url()).pathname).toBe('/login');
  await journey.saw(page, 'login');
  await page.fill('#mobile', '0912');
  await follow(page, 'form[action="/login"] button[type=submit]');
  await journey.saw(page, 'login-mistyped');
  expect(await page.getAttribute('#mobile', 'aria-invalid')).toBe('true');
  expect(await text(page, '.error-summary a[href="#mobile"]')).toBe(await text(page, '#mobile-error'));
  const before = (await smsTo(desk, mobile)).length;
  await page.fill('#mobile', mobile);
  await follow(page, 'form[action="/login"] button[type=submit]');
  await page.waitForSelector('#code');
  await journey.saw(page, 'login-code');
  await page.fill('#code', await loginCodeFor(desk, mobile, before));
  await follow(page, 'form[action="/login/code"] button[type=submit]');
  expect(new URL(page.url()).pathname).toBe(`/services/${SERVICE}/apply`);
  await journey.saw(page, 'form');

  // A mistyped national code and no document: an error summary on top, linking to each field.
  await page.fill('#f-full_name', 'مریم احمدی');
  await page.fill('#f-national_code', '0499370898');
  await page.fill('#f-birth_date', '۱۳۶۵/۰۴/۲۱');
  await page.fill('#f-personnel_number', '48213');
  await page.fill('#f-start_date', '۱۳۹۰/۰۷/۰۱');
  await page.selectOption('#f-purpose', 'bank');
  await follow(page, 'main form button[type=submit]');
  await journey.saw(page, 'form-errors');
  const summary = page.locator('.error-summary');
  expect(await summary.isVisible()).toBe(true);
  const summaryBox = (await summary.boundingBox())!;
  expect(summaryBox.y).toBeLessThan((await page.locator('#f-full_name').boundingBox())!.y);
  const beside = await text(page, '#f-national_code-error');
  expect(beside.length).toBeGreaterThan(0);
  expect(await text(page, '.error-summary a[href="#f-national_code"]')).toBe(beside);
  expect(await page.locator('.error-summary a[href="#d-last_payslip"]').count()).toBe(1);
  expect(await page.getAttribute('#f-national_code', 'aria-invalid')).toBe('true');
  expect(await page.getAttribute('#f-national_code', 'aria-describedby')).toContain('f-national_code-error');
  // What was typed is still there.
  expect(await page.inputValue('#f-full_name')).toBe('مریم احمدی');
  // Any digits are taken; what comes back is shown in Persian digits.
  expect(await page.inputValue('#f-national_code')).toBe('۰۴۹۹۳۷۰۸۹۸');
  expect(await page.inputValue('#f-personnel_number')).toBe('۴۸۲۱۳');
  expect(await page.inputValue('#f-birth_date')).toBe('۱۳۶۵/۰۴/۲۱');
  expect(await page.inputValue('#f-purpose')).toBe('bank');
  await page.click('.error-summary a[href="#f-national_code"]');
  await page.waitForFunction("document.activeElement && document.activeElement.id === 'f-national_code'");
  expect(new URL(page.url()).hash).toBe('#f-national_code');

  // Corrected, with the payslip attached: the check-your-answers page, then the confirmation.
  await page.fill('#f-national_code', '0499370899');
  await page.setInputFiles('#d-last_payslip', { name: 'payslip.pdf', mimeType: 'application/pdf', buffer: pdf('payslip') });
  await follow(page, 'main form button[type=submit]');
  expect(new URL(page.url()).pathname).toBe(`/services/${SERVICE}/check`);
  await journey.saw(page, 'check-answers');
  const answers = await text(page, 'main');
  for (const shown of ['مریم احمدی', '0499370899', '48213', 'بانک', 'payslip.pdf']) expect(toLatinDigits(answers)).toContain(toLatinDigits(shown));
  await follow(page, `form[action="/services/${SERVICE}/submit"] button[type=submit]`);
  const code = /\/requests\/(\d{12})\/submitted$/.exec(page.url())?.[1];
  expect(code).toBeDefined();
  await journey.saw(page, 'confirmation');
  expect(toLatinDigits(await text(page, '.tracking-code'))).toBe(code);
  const sizes = (await page.evaluate(`({
    code: parseFloat(getComputedStyle(document.querySelector('.tracking-code')).fontSize),
    body: parseFloat(getComputedStyle(document.body).fontSize),
  })`)) as { code: number; body: number };
  expect(sizes.code).toBeGreaterThanOrEqual(sizes.body * 2);

  // The tracking page follows the request.
  await follow(page, `a[href="/requests/${code}"]`);
  await journey.saw(page, 'tracking');
  await waitForStatus(desk, code!, 'pending_review');
  await page.reload();
  expect(await statusShown(page)).toBe('در انتظار بررسی');

  // The secretariat asks for one more document, on its own pages.
  const clerk = (await newVisitor(browser, 'desk')).page;
  await staffSignsIn(clerk, desk, 'dabir', journey);
  await clerk.goto(`${desk.url}/staff/requests/${code}`);
  await journey.saw(clerk, 'staff-request');
  const reason = 'لطفاً آخرین حکم کارگزینی را هم بفرستید';
  await decideOnPage(clerk, 'needs_info', reason);
  await journey.saw(clerk, 'staff-asked-more');
  await waitForStatus(desk, code!, 'needs_info');

  await page.reload();
  await journey.saw(page, 'request-needs-info');
  expect(await statusShown(page)).toBe('نیازمند تکمیل');
  expect(await text(page, 'main .notice')).toContain(reason);
  await page.setInputFiles('#d-additional', { name: 'employment-order.pdf', mimeType: 'application/pdf', buffer: pdf('employment order') });
  await page.fill('#reply-note', 'حکم کارگزینی پیوست شد.');
  await follow(page, 'section.reply button[type=submit]');
  expect(new URL(page.url()).search).toBe('?sent=1');
  await journey.saw(page, 'reply-sent');
  expect(await text(page, '.notice.success')).toBe('اطلاعات تکمیلی شما رسید و درخواست دوباره بررسی می‌شود.');
  expect(await text(page, 'main')).toContain('employment-order.pdf');
  await waitForStatus(desk, code!, 'pending_review');

  // The secretariat sees the new document and approves; the fee is due.
  await clerk.goto(`${desk.url}/staff/requests/${code}`);
  await journey.saw(clerk, 'staff-request-replied');
  expect(await text(clerk, 'main')).toContain('employment-order.pdf');
  await decideOnPage(clerk, 'approve');
  await waitForStatus(desk, code!, 'awaiting_payment');

  // Paying at the bank's (sandbox) gateway brings the citizen back to the request, paid.
  await page.goto(`${desk.url}/requests/${code}`);
  await eventually(async () => (await page.reload(), page.locator(`form[action="/requests/${code}/pay"]`).count()), 20_000, 'the pay button');
  await journey.saw(page, 'request-payment');
  expect(await text(page, 'section.payment-due')).toContain('۵۰۰٬۰۰۰ ریال');
  await follow(page, `form[action="/requests/${code}/pay"] button[type=submit]`);
  expect(page.url()).toMatch(new RegExp(`^${desk.sandboxUrl}/payment/gateway/[\\w-]+$`));
  await journey.saw(page, 'payment-gateway');
  expect(await text(page, '#pay')).toBe('پرداخت');
  await follow(page, '#pay');
  expect(page.url()).toBe(`${desk.url}/requests/${code}?payment=paid`);
  await journey.saw(page, 'request-paid');
  expect(await text(page, '.notice.success')).toBe('پرداخت انجام و از سوی بانک تأیید شد. درخواست شما به مرحله بعد رفت.');
  await waitForStatus(desk, code!, 'in_progress');

  // The human-resources reviewer approves; the certificate is issued.
  const reviewer = (await newVisitor(browser, 'desk')).page;
  await staffSignsIn(reviewer, desk, 'hr', journey);
  await reviewer.goto(`${desk.url}/staff/requests/${code}`);
  await journey.saw(reviewer, 'hr-request');
  await decideOnPage(reviewer, 'approve');
  await waitForStatus(desk, code!, 'delivered');

  // The result downloads with the tracking code on it, and its verification link vouches for it.
  await page.goto(`${desk.url}/requests/${code}`);
  await journey.saw(page, 'request-delivered');
  expect(await statusShown(page)).toBe('تحویل شده');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('section.result a[download]')]);
  expect(download.suggestedFilename()).toBe(`result-${code}.html`);
  const downloaded = fs.readFileSync((await download.path())!);
  const certificate = downloaded.toString('utf8');
  expect(certificate).toContain(toPersianDigits(code!));
  expect(certificate).toContain('مریم احمدی');
  // The issued document itself is a page people read and print: it is looked at like every other page.
  const sheet = (await newVisitor(browser, 'phone')).page;
  await sheet.setContent(certificate);
  await journey.saw(sheet, 'certificate');
  const verifyLink = new RegExp(`${desk.url}/verify/[\\w-]+`).exec(certificate)?.[0];
  expect(verifyLink).toBeDefined();
  await page.goto(verifyLink!);
  await journey.saw(page, 'verify');
  // Anyone with the link sees the holder masked and no tracking code; the holder of the file sees it all.
  expect(await text(page, 'main')).toContain('م*** ا***');
  expect(await text(page, 'main')).not.toContain(toPersianDigits(code!));
  await page.setInputFiles('#copy', { name: download.suggestedFilename(), mimeType: 'text/html', buffer: downloaded });
  await follow(page, 'main form button[type=submit]');
  await journey.saw(page, 'verify-genuine');
  expect(await text(page, '.notice.success h2')).toBe('این فایل اصل است و تغییری نکرده است');
  expect(await text(page, 'main')).toContain(toPersianDigits(code!));

  // The survey link arrives by SMS; one answer closes the request.
  const surveySms = await eventually(async () => (await smsTo(desk, mobile)).find((m) => m.body.includes('/survey/')), 20_000, 'the survey SMS');
  const surveyLink = /(https?:\/\/\S+\/survey\/\d{12})/.exec(surveySms.body)![1];
  expect(surveyLink).toBe(`${desk.url}/survey/${code}`);
  await page.goto(surveyLink);
  await journey.saw(page, 'survey');
  await page.check('#rating-4');
  await page.check('#q_speed-5');
  await page.fill('#comment', 'رسیدگی سریع و روشن بود.');
  await follow(page, `form[action="/survey/${code}"] button[type=submit]`);
  await journey.saw(page, 'survey-thanks');
  expect(await text(page, '.notice.success')).toBe('نظر شما ثبت شد. از وقتی که گذاشتید سپاسگزاریم.');
  await waitForStatus(desk, code!, 'closed');
  await page.goto(`${desk.url}/requests/${code}`);
  await journey.saw(page, 'request-closed');
  expect(await statusShown(page)).toBe('بسته شده');
}, JOURNEY_TIMEOUT_MS);
