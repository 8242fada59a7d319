// The service editor in a real Chromium, with script and without: the plain textarea works on its own (left to
// right, indentation kept); with script it becomes a JSON editor that says each problem in Persian with its line
// as the author types, previews the card and form beside the JSON, and publishes what was typed. The citizen's
// form shows a conditional field only when its condition holds.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { follow, Journey, launchChromium, loginCodeFor, newVisitor, staffSignsIn } from '../helpers/chromium';
import { startDesk, uniqueMobile, type Desk } from '../helpers/desk';
import { uniqueName } from '../helpers/back-office';
import { smsTo } from '../helpers/journeys';
import { DEMO_PASSWORD } from '../../lib/demo-data';

let desk: Desk;
let browser: Browser;
beforeAll(async () => {
  [desk, browser] = await Promise.all([startDesk(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

const letter = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'service-catalog', 'general-letter.json'), 'utf8'));

/** A letter service whose last field shows only for the legal department. */
function conditionalCard(id: string) {
  const { $schema: _schema, ...card } = letter;
  return {
    ...card,
    id,
    title: `نامه شرطی ${id}`,
    fields: [...card.fields, { key: 'contract_no', label: 'شماره قرارداد', type: 'digits', required: true, maxLength: 8, showIf: { field: 'department', equals: 'legal' } }],
  };
}

test('with script: the editor checks as the author types, in Persian with the line, previews card and form, and publishes', async () => {
  const journey = new Journey('service-editor');
  const { page, context } = await newVisitor(browser, 'desk');
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The live check answers a card with problems with 422, which Chromium notes as a failed load; anything else counts.
  page.on('console', (message) => message.type() === 'error' && !/status of 422/.test(message.text()) && errors.push(message.text()));
  await staffSignsIn(page, desk, 'admin', journey);
  await page.goto(`${desk.url}/admin/services/new?template=report`);
  await page.waitForSelector('.cm-editor .cm-content');
  expect(await page.isHidden('textarea#definition')).toBe(true);
  await page.waitForSelector('#live-status:has-text("شناسنامه درست است")');
  expect(await page.locator('#live-card h1').innerText()).toContain('ثبت گزارش یا شکایت');
  await journey.saw(page, 'editor-template');

  // A trailing comma: the problem appears with its line, and its place in the JSON is marked.
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.insertText(',');
  await page.waitForSelector('#live-problems li');
  const problem = await page.locator('#live-problems li').first().innerText();
  expect(problem).toMatch(/^سطر [۰-۹]+، ستون [۰-۹]+ — JSON درست نیست: پس از آخرین مورد «,» نمی‌آید/);
  await page.waitForSelector('.cm-lint-marker-error');
  await journey.saw(page, 'editor-problem');

  // A whole new card with a conditional field: the preview form hides the field until its condition holds.
  const id = uniqueName('editor-');
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify(conditionalCard(id), null, 2));
  await page.waitForSelector('#live-status:has-text("شناسنامه درست است")');
  expect(await page.isHidden('#live-form #f-contract_no')).toBe(true);
  await page.selectOption('#live-form #f-department', 'legal');
  expect(await page.isVisible('#live-form #f-contract_no')).toBe(true);
  await journey.saw(page, 'editor-preview');

  await follow(page, 'form[action="/admin/services/new"] button[type=submit]:not([formaction])');
  expect(await page.locator('.notice').first().innerText()).toContain('نسخه تازه منتشر شد');
  const stored = await desk.db('service_versions').where({ service_id: id }).first('definition');
  expect(stored.definition.fields.at(-1).showIf).toEqual({ field: 'department', equals: 'legal' });
  expect(errors).toEqual([]);
  await context.close();

  // The citizen's form follows the same condition as the author's preview.
  const citizen = await newVisitor(browser, 'phone');
  const mobile = uniqueMobile();
  await citizen.page.goto(`${desk.url}/login?next=${encodeURIComponent(`/services/${id}/apply`)}`);
  const before = (await smsTo(desk, mobile)).length;
  await citizen.page.fill('#mobile', mobile);
  await follow(citizen.page, 'form[action="/login"] button[type=submit]');
  await citizen.page.fill('#code', await loginCodeFor(desk, mobile, before));
  await follow(citizen.page, 'form[action="/login/code"] button[type=submit]');
  await citizen.page.goto(`${desk.url}/services/${id}/apply`);
  expect(await citizen.page.isHidden('#f-contract_no')).toBe(true);
  await citizen.page.selectOption('#f-department', 'legal');
  expect(await citizen.page.isVisible('#f-contract_no')).toBe(true);
  await citizen.page.selectOption('#f-department', 'hr');
  expect(await citizen.page.isHidden('#f-contract_no')).toBe(true);
  await citizen.context.close();
});

test('without script: the plain textarea is left to right with its indentation, and publishing from it works', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'x-forwarded-for': '10.14.14.14' } });
  const page = await context.newPage();
  // Signed in by hand: the page checks of a journey run script in the page, which this browser does not.
  await page.goto(`${desk.url}/staff/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', DEMO_PASSWORD);
  await follow(page, 'form[action="/staff/login"] button[type=submit]');
  await page.goto(`${desk.url}/admin/services/new?template=letter`);
  expect(await page.locator('.cm-editor').count()).toBe(0);
  const textarea = page.locator('textarea#definition');
  expect(await textarea.isVisible()).toBe(true);
  // Page code is given as text, the project compiling without the DOM's types.
  expect(await page.evaluate(`(() => { const s = getComputedStyle(document.querySelector('textarea#definition')); return [s.direction, s.textAlign]; })()`)).toEqual(['ltr', 'left']);
  const value = await textarea.inputValue();
  expect(value).toMatch(/^\{\n {2}"id": "new-letter",\n {2}"title"/);
  expect(await page.isHidden('#live-preview')).toBe(true);

  const id = uniqueName('plain-');
  await textarea.fill(JSON.stringify(conditionalCard(id), null, 2).replace('"maxLength": 8', '"maxLength": 8,'));
  await follow(page, 'form[action="/admin/services/new"] button[type=submit]:not([formaction])');
  expect(await page.locator('.error-summary').innerText()).toMatch(/سطر [۰-۹]+، ستون [۰-۹]+ — JSON درست نیست/);
  // The refused text comes back as it was typed, to be corrected.
  expect(await page.locator('textarea#definition').inputValue()).toContain('"maxLength": 8,');
  await page.locator('textarea#definition').fill(JSON.stringify(conditionalCard(id), null, 2));
  await follow(page, 'form[action="/admin/services/new"] button[type=submit]:not([formaction])');
  expect(await page.locator('.notice').first().innerText()).toContain('نسخه تازه منتشر شد');
  expect(await desk.db('services').where({ id }).first('current_version')).toEqual({ current_version: 1 });
  await context.close();
});
