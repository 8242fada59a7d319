// Identity that holds: the civil registry's answer and Shahkar's are judged against the form, and a disagreement
// does what the catalogue says (review with a warning, reject with a reason, stop); staff read answers as a table.
import { toLatinDigits } from '../lib/persian';
import { textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginStaff, smsTo } from './helpers/journeys';
import { eventKinds, publish, step, submit, testService, waitForRow } from './helpers/workflow-services';
import type { InquiryStep, Step } from '../workflows/types';

let desk: Desk;

const judged = (onMismatch: 'stop' | 'review' | 'reject'): Step => ({
  ...(step.identity('review') as InquiryStep),
  compare: { fullName: 'full_name', birthDate: 'birth_date' },
  onMismatch,
});
const shahkar = (onMismatch: 'stop' | 'review' | 'reject'): Step => ({
  id: 'mobile-owner', type: 'inquiry', title: 'استعلام شاهکار', agency: 'shahkar', operation: 'mobile-owner',
  input: { mobile: '$mobile', nationalCode: 'national_code' }, onFailure: 'review', compare: { matched: true }, onMismatch,
});

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService('id-review', [judged('review'), step.secretariatReview()]));
  await publish(desk, testService('id-reject', [judged('reject'), step.secretariatReview()], { sms: { rejected: 'درخواست {{trackingCode}} پذیرفته نشد. دلیل: {{reason}}' } }));
  await publish(desk, testService('id-stop', [judged('stop'), step.secretariatReview()]));
  await publish(desk, testService('id-shahkar', [shahkar('reject'), step.secretariatReview()], { sms: { rejected: 'درخواست {{trackingCode}} رد شد: {{reason}}' } }));
  // A later step reads the answer: a notify step prints the registry's name, a second inquiry asks with the registry's own code.
  await publish(desk, testService('id-later', [
    judged('review'),
    step.notify('tell', 'ثبت احوال شما را {{inquiries.identity.fullName}} می‌شناسد.'),
    { ...(step.identity('review') as InquiryStep), id: 'again', input: { nationalCode: 'inquiries.identity.nationalCode', birthDate: 'birth_date' } },
    step.secretariatReview(),
  ]));
});
afterAll(async () => {
  await desk?.stop();
});

/** Tells the sandbox registry who owns a national code. */
async function registryKnows(nationalCode: string, firstName: string, lastName: string, birthDate?: string) {
  const answer = await fetch(`${desk.sandboxUrl}/agencies/_people`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nationalCode, firstName, lastName, birthDate }) });
  expect(answer.status).toBe(200);
}

async function mobileBelongsTo(mobile: string, nationalCode: string) {
  const answer = await fetch(`${desk.sandboxUrl}/agencies/_owners`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mobile, nationalCode }) });
  expect(answer.status).toBe(200);
}

const inquiryOf = (requestId: number, stepId = 'identity') => desk.db('inquiries').where({ request_id: requestId, step_id: stepId }).first();

test('a name the registry does not give goes on to review, with a warning and a table that marks what differs', async () => {
  await registryKnows('0013542419', 'حسین', 'کریمی', '1360/01/05');
  const request = await submit(desk, 'id-review', { ...letterAnswers(), full_name: 'سارا صادقی', national_code: '0013542419', birth_date: '۱۳۶۰/۰۱/۰۵' });
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review' && r.awaiting === 'review', 'pending review');
  const inquiry = await inquiryOf(request.requestId);
  expect(inquiry.verdict).toBe('mismatch');
  expect(inquiry.checks).toEqual([
    { key: 'fullName', field: 'full_name', expected: 'سارا صادقی', got: 'حسین کریمی', match: false },
    { key: 'birthDate', field: 'birth_date', expected: '۱۳۶۰/۰۱/۰۵', got: '1360/01/05', match: true },
  ]);
  expect(await eventKinds(desk, request.requestId)).toEqual(['submitted', 'inquiry_done', 'inquiry_mismatch', 'status']);

  const page = await (await loginStaff(desk, 'dabir')).get(`/staff/requests/${request.code}`);
  const warning = textOf(/<div class="notice warning identity-warning"[\s\S]*?<\/div>/.exec(page.html)![0]);
  expect(warning).toContain('هشدار هویت');
  expect(warning).toContain('استعلام هویت از ثبت احوال');
  const table = /<table class="inquiry-facts">[\s\S]*?<\/table>/.exec(page.html)![0];
  const row = (label: string) => textOf(new RegExp(`<tr><th scope="row" dir="auto">${label}</th>([\\s\\S]*?)</tr>`).exec(table)![1]);
  expect(row('نام و نام خانوادگی')).toContain('حسین کریمی');
  expect(row('نام و نام خانوادگی')).toContain('✗ یکسان نیست');
  expect(row('تاریخ تولد')).toContain('✓ یکسان است');
  expect(row('تاریخ تولد')).toContain('۱۳۶۰/۰۱/۰۵');
  // Never the agency's raw JSON.
  expect(textOf(page.html)).not.toMatch(/[{[]\s*"[^"]+"\s*:/);
});

test('Persian and Arabic letters, digits of any script, spaces and the zero-width non-joiner do not make a mismatch', async () => {
  await registryKnows('0067749828', 'محمدعلی', 'یزدی‌نژاد', '1370/11/09');
  const request = await submit(desk, 'id-reject', { ...letterAnswers(), full_name: 'محمد علي  يزدي نژاد', national_code: '۰۰۶۷۷۴۹۸۲۸', birth_date: '۱۳۷۰/۱۱/۰۹' });
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  expect((await inquiryOf(request.requestId)).verdict).toBe('match');
  expect(await eventKinds(desk, request.requestId)).not.toContain('inquiry_mismatch');
});

test('reject: another person\'s name ends the request, and the citizen is told why by SMS', async () => {
  await registryKnows('0084575948', 'زهرا', 'موسوی');
  const request = await submit(desk, 'id-reject', { ...letterAnswers(), full_name: 'مریم احمدی', national_code: '0084575948' });
  await waitForRow(desk, request.code, (r) => r.status === 'rejected', 'rejected');
  const row = await desk.db('requests').where({ id: request.requestId }).first();
  expect(row.decision_reason).toBe('پاسخ استعلام «استعلام هویت از ثبت احوال» با اطلاعات فرم یکسان نبود');
  const sms = await eventually(async () => (await smsTo(desk, request.mobile)).find((m) => m.body.includes('پذیرفته نشد')), 20_000, 'the rejection SMS');
  expect(sms.body).toContain('با اطلاعات فرم یکسان نبود');
});

test('stop: the request is cancelled before anyone reviews it', async () => {
  await registryKnows('0019837461', 'رضا', 'حسینی', '1350/02/02');
  const request = await submit(desk, 'id-stop', { ...letterAnswers(), full_name: 'رضا حسینی', national_code: '0019837461', birth_date: '1351/02/02' });
  await waitForRow(desk, request.code, (r) => r.status === 'cancelled', 'cancelled');
  const inquiry = await inquiryOf(request.requestId);
  expect(inquiry.checks.find((c: { key: string }) => c.key === 'birthDate')).toMatchObject({ match: false, got: '1350/02/02' });
  expect(await desk.db('request_events').where({ request_id: request.requestId, status: 'pending_review' })).toHaveLength(0);
});

test('Shahkar: a mobile registered to another national code is refused; the owner\'s own mobile passes', async () => {
  const someoneElses = uniqueMobile();
  await mobileBelongsTo(someoneElses, '0013542419');
  const refused = await submit(desk, 'id-shahkar', letterAnswers(), someoneElses);
  await waitForRow(desk, refused.code, (r) => r.status === 'rejected', 'rejected');
  expect(await inquiryOf(refused.requestId, 'mobile-owner')).toMatchObject({ agency: 'shahkar', verdict: 'mismatch', response: { matched: false } });
  await eventually(async () => (await smsTo(desk, someoneElses)).some((m) => m.body.includes('رد شد')), 20_000, 'the rejection SMS');

  const own = uniqueMobile();
  await mobileBelongsTo(own, letterAnswers().national_code);
  const passed = await submit(desk, 'id-shahkar', letterAnswers(), own);
  await waitForRow(desk, passed.code, (r) => r.status === 'pending_review', 'pending review');
  expect(await inquiryOf(passed.requestId, 'mobile-owner')).toMatchObject({ verdict: 'match', response: { matched: true } });

  // Staff read Shahkar's answer as words with its mark, the mobile masked for a reviewer who may not see it.
  const file = textOf((await (await loginStaff(desk, 'dabir')).get(`/staff/requests/${passed.code}`)).html);
  expect(file).toContain('شماره همراه به نام همین کد ملی است');
  expect(file).toContain('✓ یکسان است');
});

test('later steps read the answer: an SMS prints the registry\'s name, a second inquiry asks with the registry\'s code', async () => {
  await registryKnows('0045784655', 'فاطمه', 'جعفری');
  const request = await submit(desk, 'id-later', { ...letterAnswers(), full_name: 'فاطمه جعفری', national_code: '0045784655' });
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review' && r.awaiting === 'review', 'pending review');
  const told = await eventually(async () => {
    const bodies = (await smsTo(desk, request.mobile)).map((m) => m.body);
    return bodies.length ? bodies : null;
  }, 20_000, 'the SMS of the notify step');
  expect(told).toContain('ثبت احوال شما را فاطمه جعفری می‌شناسد.');
  expect(await inquiryOf(request.requestId, 'again')).toMatchObject({ outcome: 'ok', response: { nationalCode: '0045784655', firstName: 'فاطمه' } });
  expect(toLatinDigits(told.join(' '))).not.toContain('undefined');
});
