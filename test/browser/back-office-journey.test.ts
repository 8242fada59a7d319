// The back office in a real Chromium, as a service-design reviewer looks at it: the request file in reading order,
// the reports, the administration pages, the English pages and the error pages, each at 1280 px and 375 px.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decideOnPage, follow, Journey, launchChromium, newVisitor, staffSignsIn } from '../helpers/chromium';
import { startDesk, uniqueMobile, type Desk } from '../helpers/desk';
import { submitWithDocument } from '../helpers/integrations';
import { letterAnswers, loginCitizen, waitForStatus } from '../helpers/journeys';

// A whole journey with its waits on the workflow; generous for a loaded two-core machine.
const JOURNEY_TIMEOUT_MS = 300_000;

let desk: Desk;
let browser: Browser;
beforeAll(async () => {
  [desk, browser] = await Promise.all([startDesk(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

// The favicon is a real PNG inside an ICO; here it is sent as a scan named ".jpg".
const ico = fs.readFileSync(path.join(__dirname, '..', '..', 'public', 'favicon.ico'));
const realPng = ico.subarray(ico.readUInt32LE(18));

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
/** The vertical position of an element, to prove the order a reader meets things in. */
const top = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!.y;

/** A letter with a real PNG named .jpg, waiting for the secretariat; a survey rating so the reports have something to draw. */
async function letterWithScan(rating: number) {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitWithDocument(citizen, 'general-letter', letterAnswers('legal'), { key: 'letter', name: 'scan.jpg', bytes: realPng, mime: 'image/jpeg' });
  await waitForStatus(desk, code, 'pending_review');
  const request = await desk.db('requests').where({ tracking_code: code }).first('id', 'service_id');
  await desk.db('surveys').insert({ request_id: request.id, service_id: request.service_id, rating });
  return code;
}

test('the staff request page reads in order, with the scan previewed, the agency answer checked and the history in words', async () => {
  const journey = new Journey('back-office');
  const [code] = await Promise.all([letterWithScan(5), letterWithScan(4), letterWithScan(2)]);
  const stored = await desk.db('documents as d').join('requests as r', 'r.id', 'd.request_id').where('r.tracking_code', code).first('d.mime', 'd.original_name');
  expect(stored).toEqual({ mime: 'image/png', original_name: 'scan.png' });

  const { page } = await newVisitor(browser, 'desk');
  await staffSignsIn(page, desk, 'dabir', journey);
  await page.goto(`${desk.url}/staff/requests/${code}`);
  await journey.saw(page, 'staff-request');
  // Summary, answers, documents, inquiries, history, then the decision; SMS and audit below.
  const order = ['dl.facts', '#answers-title', '#documents-title', '#inquiries-title', '#history-title', 'section.decision', '#sms-title'];
  const ys = [];
  for (const selector of order) ys.push(await top(page, selector));
  expect(ys).toEqual([...ys].sort((a, b) => a - b));
  expect(await page.locator('.document-cards img').count()).toBe(1);
  expect(await page.evaluate(`document.querySelector('.document-cards img').naturalWidth`)).toBeGreaterThan(0);
  const facts = await text(page, 'table.inquiry-facts');
  expect(facts).toContain('کد ملی');
  expect(facts).toContain('✓ یکسان است');
  const history = await text(page, 'ol.history');
  expect(history).toContain('سامانه');
  expect(history).toContain('متقاضی');
  expect(history).not.toMatch(/\b(system|citizen)\b|—\s*$|^:/m);
  expect(await text(page, '#audit')).toContain('مشاهده پرونده درخواست');

  await decideOnPage(page, 'reject', 'امضای نامه دیده نمی‌شود');
  await journey.saw(page, 'staff-request-decided');
  expect(await text(page, 'ol.history')).toContain('زهرا محمدی (دبیرخانه)');

  // The same file and the inbox in English: the applicant's Persian answers keep their own direction.
  await page.goto(`${desk.url}/staff/requests/${code}?lang=en`);
  await journey.saw(page, 'staff-request-en');
  expect(await text(page, 'ol.history')).toContain('The desk');
  await page.goto(`${desk.url}/staff?status=rejected`);
  await journey.saw(page, 'inbox-en');
  await page.goto(`${desk.url}/staff?lang=fa`);
}, JOURNEY_TIMEOUT_MS);

test('the reports fit a desk and a phone, draw their charts with text alternatives, and the administration reads in Persian', async () => {
  const journey = new Journey('admin');
  await letterWithScan(3);
  const { page } = await newVisitor(browser, 'desk');
  await staffSignsIn(page, desk, 'admin', journey);

  await page.goto(`${desk.url}/staff/reports`);
  await journey.saw(page, 'reports');
  const chart = page.locator('svg.chart').first();
  expect(await chart.getAttribute('role')).toBe('img');
  expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
  // Other test files share the database: the description names this file's service with a Persian count.
  expect(await page.locator('svg.chart desc').first().textContent()).toMatch(/ارسال نامه به سازمان: [۰-۹]+/);
  expect(await page.locator('.charts svg.chart').count()).toBeGreaterThan(1);
  await page.goto(`${desk.url}/staff/reports?from=1405-99-99`);
  await journey.saw(page, 'reports-bad-date');
  expect(await page.title()).toMatch(/^خطا: /);
  // The CSV download is audited; the audit page names it in words.
  await page.evaluate(`fetch('/staff/reports.csv').then((r) => r.text())`);

  for (const [where, what] of [
    ['/admin/services', 'services'],
    ['/admin/services/general-letter/edit', 'service-edit'],
    ['/admin/services/general-letter/versions', 'service-versions'],
    ['/admin/departments', 'departments'],
    ['/admin/staff', 'staff'],
    ['/admin/staff/new', 'staff-new'],
    ['/admin/api-keys', 'api-keys'],
    ['/admin/webhooks', 'webhooks'],
    ['/admin/audit', 'audit'],
    ['/staff/registry', 'registry'],
  ]) {
    await page.goto(`${desk.url}${where}`);
    await journey.saw(page, what);
  }
  await page.goto(`${desk.url}/admin/audit`);
  expect(await text(page, 'main')).not.toContain('report_export');
  expect(await text(page, 'main')).toContain('دریافت فایل گزارش');

  // The English pages: the catalogue's Persian texts keep their own direction.
  await page.goto(`${desk.url}/staff/reports?lang=en`);
  await journey.saw(page, 'reports-en');
  await page.goto(`${desk.url}/?lang=en`);
  await journey.saw(page, 'catalogue-en');
  await follow(page, 'a[href="/services/general-letter"]');
  await journey.saw(page, 'service-card-en');
  expect(await page.locator('main [lang="fa"][dir="rtl"]').count()).toBeGreaterThan(0);
  await page.goto(`${desk.url}/?lang=fa`);

  // Error pages: one sentence, the title says so, focus on the message; a favicon.
  await page.goto(`${desk.url}/no-such-page`);
  await journey.saw(page, 'not-found');
  expect(await page.title()).toMatch(/^خطا: /);
  expect(await text(page, 'main')).not.toMatch(/(این صفحه پیدا نشد).*\1/);
  const favicon = await page.request.get(`${desk.url}/favicon.ico`);
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toBe('image/x-icon');
}, JOURNEY_TIMEOUT_MS);
