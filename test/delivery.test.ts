// The issued result: downloaded by its owner as the exact bytes fingerprinted, and verifiable by anyone with its link.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatJalaliDate } from '../lib/jalali';
import { maskName, toPersianDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';

const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-delivery-'));
let desk: Desk;
beforeAll(async () => {
  // The HTML fallback (no PDF engine); the printed PDF is read back in official-documents.test.ts.
  desk = await startDesk({ DOCUMENT_DIR: documentDir, PDF_ENGINE: 'none' });
});
afterAll(async () => {
  await desk?.stop();
  fs.rmSync(documentDir, { recursive: true, force: true });
});

const REPLY = 'نسخه قرارداد شماره ۱۲ پیوست این نامه است.';

/** A general letter taken through the secretariat and the legal department until its reply is issued. */
async function deliveredLetter() {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForStatus(desk, code, 'in_progress');
  const lawyer = await loginStaff(desk, 'legal');
  expect((await lawyer.post(`/staff/requests/${code}/decision`, { kind: 'approve', reason: REPLY })).status).toBe(200);
  await waitForStatus(desk, code, 'delivered');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const deliverable = await desk.db('deliverables').where({ request_id: request.id }).first();
  return { citizen, code, request, deliverable };
}

let shared: Awaited<ReturnType<typeof deliveredLetter>>;
beforeAll(async () => {
  shared = await deliveredLetter();
});

test('a delivered request offers its result, which downloads as the exact fingerprinted HTML with code, letter number, Jalali date and verification link', async () => {
  const { citizen, code, request, deliverable } = shared;
  const page = await citizen.get(`/requests/${code}`);
  expect(textOf(page.html)).toContain('دریافت نتیجه');
  expect(page.html).toContain(`href="/requests/${code}/result"`);

  const result = await citizen.download(`/requests/${code}/result`);
  expect(result.status).toBe(200);
  expect(result.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(result.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="result-${code}.html"`));
  expect(result.headers.get('x-content-type-options')).toBe('nosniff');
  expect(createHash('sha256').update(result.bytes).digest('hex')).toBe(deliverable.sha256);

  const html = result.bytes.toString('utf8');
  expect(html).toMatch(/^<!doctype html>\s*<html lang="fa" dir="rtl">/);
  expect(html).toContain(toPersianDigits(code));
  expect(request.letter_number).toMatch(/^14\d\d\/\d{3}\/\d{4}$/);
  expect(html).toContain(toPersianDigits(request.letter_number));
  // The department's note on its approval is the reply the citizen reads.
  expect(html).toContain(REPLY);
  expect(html).toContain(formatJalaliDate(new Date(deliverable.issued_at)));
  expect(html).toContain(`${desk.url}/verify/${deliverable.verification_token}`);
  expect(textOf(html)).toContain('ارسال نامه به سازمان');
});

test("another citizen cannot download someone else's result", async () => {
  const stranger = await loginCitizen(desk, uniqueMobile());
  expect((await stranger.download(`/requests/${shared.code}/result`)).status).toBe(404);
  expect((await new Browser(desk.url).download(`/requests/${shared.code}/result`)).status).toBe(303);
});

test('the public verification page shows only what proves authenticity, the full text only to one who uploads the file, and tells a genuine copy from a modified one', async () => {
  const { citizen, code, deliverable } = shared;
  const downloaded = (await citizen.download(`/requests/${code}/result`)).bytes;
  const visitor = new Browser(desk.url);
  const page = await visitor.get(`/verify/${deliverable.verification_token}`);
  expect(page.status).toBe(200);
  const text = textOf(page.html);
  expect(text).toContain('ارسال نامه به سازمان');
  expect(text).toContain(deliverable.sha256);
  expect(text).toContain(formatJalaliDate(new Date(deliverable.issued_at)));
  expect(text).toContain(maskName(letterAnswers().full_name));
  // Nothing a stranger with the link could use: no text, no name, no national code, no tracking code.
  for (const secret of [REPLY, letterAnswers().full_name, letterAnswers().national_code, toPersianDigits(letterAnswers().national_code), code, toPersianDigits(code)]) {
    expect({ secret, shown: page.html.includes(secret) }).toEqual({ secret, shown: false });
  }

  const genuine = await visitor.upload(`/verify/${deliverable.verification_token}`, {}, { copy: { name: `result-${code}.html`, bytes: downloaded, type: 'text/html' } });
  expect(genuine.status).toBe(200);
  expect(textOf(genuine.html)).toContain('این فایل اصل است و تغییری نکرده است');
  expect(textOf(genuine.html)).not.toContain('فرق دارد');
  // The one who holds the file sees it matched, text and all.
  expect(textOf(genuine.html)).toContain(deliverable.text.replace(/\s+/g, ' ').trim());
  expect(textOf(genuine.html)).toContain(toPersianDigits(code));

  const altered = Buffer.from(downloaded.toString('utf8').replace(toPersianDigits(code), toPersianDigits('999999999999')), 'utf8');
  expect(altered.equals(downloaded)).toBe(false);
  const differs = await visitor.upload(`/verify/${deliverable.verification_token}`, {}, { copy: { name: `result-${code}.html`, bytes: altered, type: 'text/html' } });
  expect(differs.status).toBe(200);
  expect(textOf(differs.html)).toContain('این فایل با سند صادرشده فرق دارد');
  expect(textOf(differs.html)).not.toContain('اصل است');
  expect(differs.html).not.toContain(REPLY);

  const none = await visitor.upload(`/verify/${deliverable.verification_token}`, {}, {});
  expect(none.status).toBe(422);
  expect(textOf(none.html)).toContain('فایل سند را انتخاب کنید');
});

test('an unknown verification address answers 404 in Persian', async () => {
  const visitor = new Browser(desk.url);
  for (const token of ['0123456789abcdef0123456789abcdef', 'not-a-token']) {
    const page = await visitor.get(`/verify/${token}`);
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain('سندی با این نشانی راستی‌آزمایی پیدا نشد');
  }
});
