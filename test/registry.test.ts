// The correspondence registry: finding letters, referring them between departments, and printing them.
import { formatJalaliDate, DAY_MS } from '../lib/jalali';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { registryQuery } from '../api/registry-search';
import type { StaffUser } from '../api/session';
import { textOf } from '../scripts/stack/http-browser';
import { routedLetter, uniqueName, type RoutedLetter } from './helpers/back-office';
import { startDesk, type Desk } from './helpers/desk';
import { loginStaff, statusOf, waitForStatus } from './helpers/journeys';

let desk: Desk;
let legalLetter: RoutedLetter;
let hrLetter: RoutedLetter;
const senderWord = uniqueName('کیوان');
// Both letters of this file carry one word in their sender, so their lists stay theirs whatever else runs.
const fileWord = uniqueName('پرونده');

beforeAll(async () => {
  desk = await startDesk();
  hrLetter = await routedLetter(desk, 'hr', { full_name: `${fileWord} حسینی` });
  // The sender is typed with an Arabic yeh, as some keyboards do; the registry stores and finds it the Persian way.
  legalLetter = await routedLetter(desk, 'legal', { full_name: `${fileWord} ${senderWord.replace('ی', 'ي')} رضايي` });
});
afterAll(async () => {
  await desk?.stop();
});

const path = (number: string) => `/staff/registry/${encodeURIComponent(number)}`;
const rowsOf = (html: string) => [...html.matchAll(/href="\/staff\/registry\/([^"?]+)"/g)].map((m) => decodeURIComponent(m[1]));

test('the secretariat sees every letter newest first with number, Jalali date, sender, subject and department; a reviewer only their own', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.get('/staff/registry')).status).toBe(200);
  const page = await clerk.get(`/staff/registry?sender=${encodeURIComponent(fileWord)}`);
  expect(rowsOf(page.html)).toEqual([legalLetter.letterNumber, hrLetter.letterNumber]);
  const text = textOf(page.html);
  expect(text).toContain(toPersianDigits(legalLetter.letterNumber));
  expect(text).toContain(formatJalaliDate(new Date()));
  expect(text).toContain('نامه شهروند: درخواست نسخه قرارداد');
  expect(text).toContain('اداره حقوقی و قراردادها');

  const lawyer = await loginStaff(desk, 'legal');
  expect(rowsOf((await lawyer.get(`/staff/registry?sender=${encodeURIComponent(fileWord)}`)).html)).toEqual([legalLetter.letterNumber]);
  expect((await lawyer.get(path(hrLetter.letterNumber))).status).toBe(404);
});

test('letters are found by number, by sender (Arabic or Persian letters), by the citizen’s mobile and by a Jalali date range typed in Persian digits', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  const seq = legalLetter.letterNumber.split('/').pop()!;
  const found = async (query: Record<string, string>) => rowsOf((await clerk.get(`/staff/registry?${new URLSearchParams(query)}`)).html);

  expect(await found({ number: toPersianDigits(legalLetter.letterNumber) })).toEqual([legalLetter.letterNumber]);
  expect(await found({ number: toPersianDigits(seq) })).toContain(legalLetter.letterNumber);
  expect(await found({ sender: senderWord })).toEqual([legalLetter.letterNumber]);
  expect(await found({ sender: senderWord.replace('ی', 'ي') })).toEqual([legalLetter.letterNumber]);
  expect(await found({ mobile: toPersianDigits(hrLetter.mobile) })).toEqual([hrLetter.letterNumber]);

  const today = toPersianDigits(formatJalaliDate(new Date(), { digits: 'latin' }));
  const tomorrow = formatJalaliDate(new Date(Date.now() + DAY_MS));
  expect(await found({ sender: senderWord, from: today, to: today })).toEqual([legalLetter.letterNumber]);
  expect(await found({ sender: senderWord, from: tomorrow })).toEqual([]);
});

test('a wrong date or mobile in the search is answered with a Persian message, not an error page', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  const page = await clerk.get(`/staff/registry?${new URLSearchParams({ from: '۱۴۰۵/۱۳/۴۰', mobile: '۱۲۳' })}`);
  expect(page.status).toBe(422);
  const text = textOf(page.html);
  expect(text).toContain('تاریخ را به شکل شمسی درست وارد کنید');
  expect(text).toContain('شماره همراه را درست وارد کنید');
  expect(page.html).toContain('value="۱۴۰۵/۱۳/۴۰"');
});

test('the registry pages with a cursor: every letter once, newest first, ties broken by id', async () => {
  const department = await desk.db('departments').where({ code: 'finance' }).first();
  const sender = uniqueName('بایگانی');
  const base = Date.now() - 10 * DAY_MS;
  const seqBase = 100_000 + Math.floor(Math.random() * 800_000);
  const rows = Array.from({ length: 30 }, (_, i) => ({
    number: `1390/${String(department.id).padStart(3, '0')}/${seqBase + i}`,
    year: 1390,
    seq: seqBase + i,
    department_id: department.id,
    sender,
    subject: `نامه بایگانی ${i}`,
    registered_by: 'dabir',
    // Two letters share each moment, so the id has to order them.
    registered_at: new Date(base + Math.floor(i / 2) * 60_000),
  }));
  await desk.db('letters').insert(rows);
  // Stored times carry microseconds; the cursor must not lose them.
  await desk.db('letters').where({ sender }).update({ registered_at: desk.db.raw("registered_at + interval '123 microseconds'") });
  const clerk = await loginStaff(desk, 'dabir');
  const first = await clerk.get(`/staff/registry?sender=${encodeURIComponent(sender)}`);
  const firstRows = rowsOf(first.html);
  expect(firstRows).toHaveLength(25);
  const more = /href="\/staff\/registry\?([^"]*after[^"]+)"/.exec(first.html)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  const second = rowsOf((await clerk.get(`/staff/registry?${more}`)).html);
  expect(second).toHaveLength(5);
  const expected = [...rows].reverse().map((r) => r.number);
  expect([...firstRows, ...second]).toEqual(expected);
});

test('the searches are answered from indexes', async () => {
  const staff: StaffUser = { id: 1, username: 'x', displayName: 'x', role: 'reviewer', departmentIds: [legalLetter.departmentId] };
  const plan = async (filters: Parameters<typeof registryQuery>[2], who: StaffUser = staff) =>
    desk.db.transaction(async (trx) => {
      // With sequential scans priced out, PostgreSQL shows which index it can use.
      await trx.raw('set local enable_seqscan = off');
      // ...and so is walking the date-ordered index with a filter, whose price depends on what other tests left in the table.
      await trx.raw('set local enable_indexscan = off');
      const { sql, bindings } = registryQuery(trx, who, filters, null).toSQL();
      const rows = (await trx.raw(`explain ${sql}`, bindings)).rows as { 'QUERY PLAN': string }[];
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  const none = { number: '', sender: '', mobile: null, direction: '' as const, from: null, until: null };
  const clerk: StaffUser = { ...staff, role: 'secretariat', departmentIds: [] };
  expect(await plan({ ...none, number: '1405/012' }, clerk)).toContain('letters_number_trgm_idx');
  expect(await plan({ ...none, sender: 'کیوان' }, clerk)).toContain('letters_sender_trgm_idx');
  expect(await plan({ ...none, mobile: '09120000000' }, clerk)).toContain('citizens_mobile_unique');
  expect(await plan({ ...none, from: new Date(), until: new Date() }, clerk)).toContain('letters_registered_idx');
  expect(await plan(none, clerk)).toContain('letters_registered_idx');
  // Outgoing letters are found through the direction index or the outgoing letters' own (partial) index.
  expect(await plan({ ...none, direction: 'outgoing' }, clerk)).toMatch(/Index Scan on (letters_direction_registered_idx|letters_outgoing_request_step_unique)/);
  expect(await plan({ ...none, direction: 'outgoing' }, clerk)).not.toMatch(/Seq Scan on letters/);
  // A department's own letters come through an index led by the department (which one depends on the table's contents).
  expect(await plan(none)).toMatch(/letters_department_registered_idx|letters_department_id_id_index/);
  expect(await plan(none)).not.toMatch(/Seq Scan on letters/);
});

test('referring a letter whose request waits in its department forwards the request through its workflow', async () => {
  const letter = await routedLetter(desk, 'legal');
  const hr = await desk.db('departments').where({ code: 'hr' }).first();
  const lawyer = await loginStaff(desk, 'legal');
  const page = await lawyer.get(path(letter.letterNumber));
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('این نامه هنوز ارجاع نشده است');

  const referred = await lawyer.post(`${path(letter.letterNumber)}/referrals`, { toDepartmentId: String(hr.id), note: 'مربوط به امور اداری است' });
  expect(referred.status).toBe(200);
  expect(textOf(referred.html)).toContain('نامه به واحد دیگر ارجاع شد');

  const request = await desk.db('requests').where({ id: letter.requestId }).first();
  expect(request).toMatchObject({ department_id: hr.id, status: 'in_progress', awaiting: 'review' });
  const events = await desk.db('request_events').where({ request_id: letter.requestId, kind: 'forwarded' });
  expect(events).toHaveLength(1);
  const stored = await desk.db('letters').where({ number: letter.letterNumber }).first();
  expect(stored.department_id).toBe(hr.id);
  expect(await desk.db('letter_referrals').where({ letter_id: stored.id })).toMatchObject([{ outcome: 'forwarded', note: 'مربوط به امور اداری است', to_department_id: hr.id }]);

  expect((await lawyer.get(path(letter.letterNumber))).status).toBe(404);
  const hrReviewer = await loginStaff(desk, 'hr');
  const atHr = textOf((await hrReviewer.get(path(letter.letterNumber))).html);
  expect(atHr).toContain('مربوط به امور اداری است');
  expect(atHr).toContain('نرگس موسوی (حقوقی)');
  expect(atHr).toContain('درخواست ارجاع شد');
  expect(await desk.db('audit_log').where({ request_id: letter.requestId, action: 'letter_referred' })).toHaveLength(1);
});

test('a referral the workflow refuses is shown with its reason and nothing is recorded', async () => {
  const letter = await routedLetter(desk, 'legal');
  const finance = await desk.db('departments').where({ code: 'finance' }).first();
  // The secretariat keeps the registry but does not decide for the legal department.
  const clerk = await loginStaff(desk, 'dabir');
  const refused = await clerk.post(`${path(letter.letterNumber)}/referrals`, { toDepartmentId: String(finance.id), note: 'به امور مالی' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('این درخواست به واحد شما ارجاع نشده است');
  expect(refused.html).toContain('به امور مالی</textarea>');
  const stored = await desk.db('letters').where({ number: letter.letterNumber }).first();
  expect(await desk.db('letter_referrals').where({ letter_id: stored.id })).toHaveLength(0);
  expect((await desk.db('requests').where({ id: letter.requestId }).first()).department_id).toBe(letter.departmentId);
});

test('a referral of a letter whose request is no longer waiting is only recorded; the letter stays', async () => {
  const letter = await routedLetter(desk, 'hr');
  const hrReviewer = await loginStaff(desk, 'hr');
  await hrReviewer.post(`/staff/requests/${letter.code}/decision`, { kind: 'reject', reason: 'مدارک کافی نیست' });
  await waitForStatus(desk, letter.code, 'rejected');
  const legal = await desk.db('departments').where({ code: 'legal' }).first();
  const clerk = await loginStaff(desk, 'dabir');
  const noted = await clerk.post(`${path(letter.letterNumber)}/referrals`, { toDepartmentId: String(legal.id), note: 'برای آگاهی حقوقی' });
  expect(noted.status).toBe(200);
  expect(textOf(noted.html)).toContain('ارجاع ثبت شد');
  expect(textOf(noted.html)).toContain('فقط ثبت شد');
  expect((await desk.db('letters').where({ number: letter.letterNumber }).first()).department_id).toBe(letter.departmentId);
  expect(await statusOf(desk, letter.code)).toBe('rejected');
});

test('a referral without a note or to the same department is refused in Persian', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  const refused = await clerk.post(`${path(hrLetter.letterNumber)}/referrals`, { toDepartmentId: String(hrLetter.departmentId), note: ' ' });
  expect(refused.status).toBe(422);
  const text = textOf(refused.html);
  expect(text).toContain('واحدی غیر از واحد فعلی نامه را برای ارجاع انتخاب کنید');
  expect(text).toContain('یادداشت ارجاع را بنویسید');
  const letter = await desk.db('letters').where({ number: hrLetter.letterNumber }).first();
  expect(await desk.db('letter_referrals').where({ letter_id: letter.id })).toHaveLength(0);
});

test('the printable sheet carries the letter and its text, without the site navigation', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  const sheet = await clerk.get(`${path(legalLetter.letterNumber)}/print`);
  expect(sheet.status).toBe(200);
  expect(sheet.html).toContain('/static/print.css');
  expect(sheet.html).not.toContain('<nav');
  expect(sheet.html).not.toContain('site-header');
  const text = textOf(sheet.html);
  expect(text).toContain(toPersianDigits(legalLetter.letterNumber));
  expect(text).toContain('نامه شهروند: درخواست نسخه قرارداد');
  expect(text).toContain('لطفاً نسخه‌ای از قرارداد شماره ۱۲ را برای من بفرستید');
  expect(text).toContain(formatJalaliDate(new Date()));
  expect(text).toContain(toPersianDigits('0499370899'));
  const audit = await desk.db('audit_log').where({ request_id: legalLetter.requestId, action: 'print_letter' });
  expect(audit).toHaveLength(1);
  // A reviewer reads identifiers masked here too, as on the request page.
  const lawyer = await loginStaff(desk, 'legal');
  const masked = textOf((await lawyer.get(`${path(legalLetter.letterNumber)}/print`)).html);
  expect(masked).toContain(toPersianDigits('049****899'));
  expect(toLatinDigits(masked)).not.toContain('0499370899');
});
