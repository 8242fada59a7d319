// The in-person desk: a clerk registers a walk-in citizen's request; the citizen follows it online; the clerk never decides it.
import { textOf, type Browser } from '../scripts/stack/http-browser';
import { toLatinDigits } from '../lib/persian';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, waitForStatus } from './helpers/journeys';
import { eventually } from './helpers/desk';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

const scan = Buffer.from('%PDF-1.4\n% scanned at the counter\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const NATIONAL_CODE = letterAnswers().national_code;

/** The clerk finds (or creates) the citizen, fills the form with a scanned letter, checks and submits; returns the tracking code. */
async function registerAtCounter(clerk: Browser, mobile: string, nationalCode = NATIONAL_CODE): Promise<string> {
  const found = await clerk.post('/staff/counter', { mobile, nationalCode, service: 'general-letter' }, false);
  expect(found.status).toBe(303);
  const base = found.location!.replace(/\/apply$/, '');
  expect(base).toMatch(/^\/staff\/counter\/\d+\/services\/general-letter$/);
  const form = await clerk.get(`${base}/apply`);
  expect(textOf(form.html)).toContain('ثبت حضوری برای مراجعه‌کننده');
  const checked = await clerk.upload(`${base}/apply`, letterAnswers(), { 'doc-letter': { name: 'scan.pdf', bytes: scan, type: 'application/pdf' } });
  expect(checked.url).toBe(`${base}/check`);
  expect(textOf(checked.html)).toContain('scan.pdf');
  const done = await clerk.post(`${base}/submit`, {});
  const code = /\/staff\/counter\/requests\/(\d{12})$/.exec(done.url)?.[1];
  if (!code) throw new Error(`no confirmation: ${done.status} ${done.url}`);
  expect(toLatinDigits(textOf(done.html))).toContain(code);
  return code;
}

test('a counter clerk registers a walk-in citizen: the request records the channel and the clerk, the citizen gets the SMS and follows it online', async () => {
  const mobile = uniqueMobile();
  const clerk = await loginStaff(desk, 'counter');
  const code = await registerAtCounter(clerk, mobile);

  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const counterClerk = await desk.db('staff').where({ username: 'counter' }).first();
  expect(request).toMatchObject({ channel: 'counter', registered_by: counterClerk.id, mobile });
  const citizen = await desk.db('citizens').where({ id: request.citizen_id }).first();
  expect(citizen).toMatchObject({ mobile, national_code: NATIONAL_CODE });
  const documents = await desk.db('documents').where({ request_id: request.id });
  expect(documents).toHaveLength(1);
  expect(documents[0]).toMatchObject({ doc_key: 'letter', uploaded_by: 'staff' });
  expect(await desk.db('audit_log').where({ staff_id: counterClerk.id, action: 'counter_registered', request_id: request.id })).toHaveLength(1);

  const sms = await eventually(async () => (await smsTo(desk, mobile)).find((m) => toLatinDigits(m.body).includes(code)), 20_000, 'the tracking-code SMS');
  expect(sms.body).toContain('ثبت شد');

  // The citizen signs in with the same mobile and finds the request among their own.
  const person = await loginCitizen(desk, mobile);
  expect(toLatinDigits(textOf((await person.get('/requests')).html))).toContain(code);
  await waitForStatus(desk, code, 'pending_review');
  expect(textOf((await person.get(`/requests/${code}`)).html)).toContain('در انتظار بررسی');

  // The clerk's list shows it; the secretariat sees where it came from.
  expect(toLatinDigits(textOf((await clerk.get('/staff/counter')).html))).toContain(code);
  const file = textOf((await (await loginStaff(desk, 'dabir')).get(`/staff/requests/${code}`)).html);
  expect(file).toContain('میز خدمت حضوری');
  expect(file).toContain('مینا کاظمی');
});

test('a citizen already known by mobile keeps their national code: another one at the counter is refused in Persian, nothing is made', async () => {
  const mobile = uniqueMobile();
  const clerk = await loginStaff(desk, 'counter');
  await registerAtCounter(clerk, mobile);
  const before = await desk.db('requests').where({ mobile }).count('* as n').first();
  const refused = await clerk.post('/staff/counter', { mobile: mobile.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]), nationalCode: '0012345679', service: 'general-letter' }, false);
  expect(refused.status).toBe(422);
  expect(textOf(refused.html)).toContain('با کد ملی دیگری ثبت شده است');
  expect(await desk.db('requests').where({ mobile }).count('* as n').first()).toEqual(before);

  const bad = await clerk.post('/staff/counter', { mobile: '123', nationalCode: '1111111111', service: 'no-such' }, false);
  expect(bad.status).toBe(422);
  const text = textOf(bad.html);
  expect(text).toContain('شماره همراه را درست وارد کنید');
  expect(text).toContain('کد ملی را درست وارد کنید');
  expect(text).toContain('یکی از خدمت‌ها را انتخاب کنید');
});

test('a citizen who signed in online is found by mobile at the counter, and the code shown there is kept', async () => {
  const mobile = uniqueMobile();
  await loginCitizen(desk, mobile);
  const clerk = await loginStaff(desk, 'counter');
  const code = await registerAtCounter(clerk, `+98${mobile.slice(1)}`);
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  expect(await desk.db('citizens').where({ mobile })).toEqual([expect.objectContaining({ id: request.citizen_id, national_code: NATIONAL_CODE })]);
});

test('only counter clerks and admins reach the desk, and a clerk fills forms only for the citizen they found', async () => {
  const reviewer = await loginStaff(desk, 'hr');
  expect((await reviewer.get('/staff/counter')).status).toBe(404);
  expect((await reviewer.post('/staff/counter', { mobile: uniqueMobile(), nationalCode: NATIONAL_CODE, service: 'general-letter' }, false)).status).toBe(404);

  const admin = await loginStaff(desk, 'admin');
  const found = await admin.post('/staff/counter', { mobile: uniqueMobile(), nationalCode: NATIONAL_CODE, service: 'general-letter' }, false);
  expect(found.status).toBe(303);
  // Another clerk cannot open the admin's visit, nor guess a citizen by number.
  const clerk = await loginStaff(desk, 'counter');
  expect((await clerk.get(found.location!)).status).toBe(404);
  expect((await clerk.post(found.location!.replace(/apply$/, 'submit'), {}, false)).status).toBe(404);
});

test('the one who registered a request at the counter cannot decide it; a colleague can', async () => {
  const mobile = uniqueMobile();
  const admin = await loginStaff(desk, 'admin');
  const code = await registerAtCounter(admin, mobile);
  await waitForStatus(desk, code, 'pending_review');

  const refused = await admin.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('این درخواست را شما در میز خدمت حضوری ثبت کرده‌اید');
  expect((await desk.db('requests').where({ tracking_code: code }).first()).status).toBe('pending_review');
  const audited = await desk.db('audit_log').where({ action: 'decision_refused' }).whereRaw(`details->>'refusal' = 'registered-by-you'`);
  expect(audited.length).toBeGreaterThan(0);

  const approved = await (await loginStaff(desk, 'dabir')).post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(approved.status).toBe(200);
  expect((await desk.db('requests').where({ tracking_code: code }).first()).status).toBe('in_progress');
});

test('a double click on «ارسال» at the counter makes one request', async () => {
  const mobile = uniqueMobile();
  const clerk = await loginStaff(desk, 'counter');
  const found = await clerk.post('/staff/counter', { mobile, nationalCode: NATIONAL_CODE, service: 'general-letter' }, false);
  const base = found.location!.replace(/\/apply$/, '');
  await clerk.upload(`${base}/apply`, letterAnswers(), {});
  const [a, b] = await Promise.all([clerk.post(`${base}/submit`, {}), clerk.post(`${base}/submit`, {})]);
  expect(a.url).toMatch(/^\/staff\/counter\/requests\/\d{12}$/);
  expect(b.url).toBe(a.url);
  expect(await desk.db('requests').where({ mobile })).toHaveLength(1);
});

test('reports count requests by channel, on the page and in the CSV', async () => {
  const clerk = await loginStaff(desk, 'counter');
  await registerAtCounter(clerk, uniqueMobile());
  const online = await loginCitizen(desk, uniqueMobile());
  const sent = await online.post('/services/general-letter/apply', letterAnswers());
  expect(sent.url).toBe('/services/general-letter/check');
  await online.post('/services/general-letter/submit', {});

  const counts = await desk.db('requests').select('channel').count('* as n').groupBy('channel');
  const countOf = (channel: string) => Number(counts.find((c) => c.channel === channel)?.n ?? 0);
  const admin = await loginStaff(desk, 'admin');
  const page = await admin.get('/staff/reports?by=channel');
  expect(page.status).toBe(200);
  const table = /<table class="report">([\s\S]*?)<\/table>/.exec(page.html)![1];
  const rowOf = (name: string) => toLatinDigits(textOf(new RegExp(`<tr>\\s*<th scope="row"[^>]*>${name}</th>([\\s\\S]*?)</tr>`).exec(table)![1])).trim().split(' ')[0];
  expect(Number(rowOf('میز خدمت حضوری'))).toBe(countOf('counter'));
  // Other test files submit online requests at the same time: only the counter's count is this file's alone.
  expect(Number(rowOf('برخط'))).toBeGreaterThanOrEqual(1);

  const csv = await admin.download('/staff/reports.csv?by=channel');
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
  expect(lines[0].startsWith('شیوه ثبت,')).toBe(true);
  expect(lines.some((l) => l.startsWith(`میز خدمت حضوری,${countOf('counter')},`))).toBe(true);
});
