// A card that uses the condition language, submitted through the pages exactly as a browser without script posts
// them: a hidden field is not required and its answer is dropped, a rule across answers is refused in Persian
// without losing the draft, digits are typed in any script, and a step whose `when` does not hold is skipped.
import { loadCatalog } from '../lib/catalog';
import { textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { loginCitizen, submitThroughPages } from './helpers/journeys';
import { eventsOf, outboxOf, publish, step, testService, waitForRow, settled } from './helpers/workflow-services';
import type { ServiceDefinition } from '../workflows/types';
import path from 'node:path';

let desk: Desk;

const card: ServiceDefinition = testService('cond-cert', [
  { ...step.notify('embassy', 'برای سفارت ترجمه رسمی لازم است.'), when: { field: 'purpose', equals: 'embassy' } },
  step.notify('always', 'درخواست {{trackingCode}} رسید.'),
], {
  fields: [
    { key: 'first_name', label: 'نام', type: 'text', required: true },
    { key: 'last_name', label: 'نام خانوادگی', type: 'text', required: true },
    { key: 'personnel', label: 'شماره پرسنلی', type: 'digits', required: true, minLength: 4, maxLength: 10 },
    { key: 'purpose', label: 'گواهی برای', type: 'select', required: true, options: [{ value: 'bank', label: 'بانک' }, { value: 'embassy', label: 'سفارت' }, { value: 'other', label: 'سایر' }] },
    { key: 'purpose_other', label: 'گواهی برای کجا؟', type: 'text', required: true, showIf: { field: 'purpose', equals: 'other' } },
    { key: 'start_date', label: 'تاریخ شروع', type: 'jalali-date', required: true },
    { key: 'end_date', label: 'تاریخ پایان', type: 'jalali-date' },
  ],
  rules: [{ require: { field: 'end_date', notBefore: { field: 'start_date' } }, message: '«تاریخ پایان» نمی‌تواند پیش از «تاریخ شروع» باشد', field: 'end_date' }],
  applicant: { name: ['first_name', 'last_name'] },
  documents: [{ key: 'scan', title: 'اسکن حکم', acceptedTypes: ['application/pdf'], maxSizeMb: 1.5, required: false }],
  laws: [{ title: 'قانون مدیریت خدمات کشوری', reference: 'ماده ۸۶', url: 'https://example.org/laws/86' }],
});

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, card);
});
afterAll(async () => {
  await desk?.stop();
});

const answers = (extra: Record<string, string> = {}) => ({
  first_name: 'مریم',
  last_name: 'احمدی',
  personnel: '۱۲۳۴۵۶',
  purpose: 'bank',
  start_date: '۱۳۹۰/۷/۱',
  end_date: '',
  ...extra,
});

async function requestOf(code: string) {
  return desk.db('requests').where({ tracking_code: code }).first('id', 'answers', 'applicant_name');
}

test('a hidden field is not required and its answer is dropped; digits typed in Persian are stored Latin and shown Persian; the applicant is named by the mapping', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const form = await citizen.post('/services/cond-cert/apply', answers({ purpose_other: 'متنی که دیگر پنهان است' }));
  expect(form.url).toBe('/services/cond-cert/check');
  const check = textOf(form.html);
  expect(check).toContain('۱۲۳۴۵۶');
  expect(check).not.toContain('گواهی برای کجا؟');
  const code = await submitThroughPages(citizen, 'cond-cert', answers());
  const request = await requestOf(code);
  expect(request.answers).toMatchObject({ personnel: '123456', start_date: '1390/07/01', purpose: 'bank' });
  expect(request.answers).not.toHaveProperty('purpose_other');
  expect(request.applicant_name).toBe('مریم احمدی');
});

test('a shown field is required, and a rule across answers is refused with its Persian message; the draft keeps what was typed', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const missing = await citizen.post('/services/cond-cert/apply', answers({ purpose: 'other' }));
  expect(missing.status).toBe(422);
  expect(textOf(missing.html)).toContain('«گواهی برای کجا؟» را وارد کنید');

  const backwards = await citizen.post('/services/cond-cert/apply', answers({ purpose: 'other', purpose_other: 'کنسولگری', end_date: '۱۳۸۹/۱۲/۲۹' }));
  expect(backwards.status).toBe(422);
  const page = textOf(backwards.html);
  expect(page).toContain('«تاریخ پایان» نمی‌تواند پیش از «تاریخ شروع» باشد');
  expect(backwards.html).toMatch(/<a href="#f-end_date">/);
  // Nothing typed is lost: the form comes back filled, and the draft holds the answers.
  expect(backwards.html).toContain('value="کنسولگری"');
  expect(backwards.html).toContain('value="۱۳۸۹/۱۲/۲۹"');
  const again = await citizen.get('/services/cond-cert/apply');
  expect(again.html).toContain('value="۱۲۳۴۵۶"');
  expect(again.html).toContain('value="کنسولگری"');
  // Submitting the refused draft directly goes back to the form.
  const submit = await citizen.post('/services/cond-cert/submit', {}, false);
  expect(submit.location).toBe('/services/cond-cert/apply');

  const code = await submitThroughPages(citizen, 'cond-cert', answers({ purpose: 'other', purpose_other: 'کنسولگری', end_date: '۱۳۹۹/۱/۱' }));
  expect((await requestOf(code)).answers).toMatchObject({ purpose_other: 'کنسولگری', end_date: '1399/01/01' });
});

test('a step whose `when` does not hold is skipped by the workflow and said so in the history; one whose `when` holds runs', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const bank = await submitThroughPages(citizen, 'cond-cert', answers());
  const embassy = await submitThroughPages(citizen, 'cond-cert', answers({ purpose: 'embassy' }));
  for (const code of [bank, embassy]) await waitForRow(desk, code, (r) => r.status === 'closed', 'closed');
  // Its last SMS may still be on its way when the request shows closed.
  for (const code of [bank, embassy]) await settled(desk, code);
  const bankRequest = await requestOf(bank);
  const embassyRequest = await requestOf(embassy);
  expect((await outboxOf(desk, bankRequest.id)).map((m) => m.purpose)).toEqual(['always']);
  expect((await outboxOf(desk, embassyRequest.id)).map((m) => m.purpose)).toEqual(['embassy', 'always']);
  const skipped = (await eventsOf(desk, bankRequest.id)).filter((e) => e.kind === 'step_skipped');
  expect(skipped).toEqual([expect.objectContaining({ note: 'اطلاع‌رسانی', data: { step: 'embassy' } })]);
  expect((await eventsOf(desk, embassyRequest.id)).some((e) => e.kind === 'step_skipped')).toBe(false);
});

test('the shipped certificate takes «۱۲۳۴۵۶» as a personnel number and asks where only when the purpose is «سایر»', async () => {
  const certificate = loadCatalog(path.join(__dirname, '..', 'service-catalog')).services.find((s) => s.id === 'service-record-certificate')!;
  expect(certificate.fields.find((f) => f.key === 'personnel_number')).toMatchObject({ type: 'digits', minLength: 4, maxLength: 10 });
  const citizen = await loginCitizen(desk, uniqueMobile());
  const base = { full_name: 'علی رضایی', national_code: '0499370899', birth_date: '۱۳۶۵/۰۴/۲۱', personnel_number: '۱۲۳۴۵۶', start_date: '۱۳۹۰/۰۷/۰۱', end_date: '', email: '' };
  const other = await citizen.post('/services/service-record-certificate/apply', { ...base, purpose: 'other' });
  expect(other.status).toBe(422);
  const text = textOf(other.html);
  expect(text).toContain('«گواهی برای ارائه به کجا؟» را وارد کنید');
  expect(text).not.toContain('«شماره پرسنلی»');
  const early = await citizen.post('/services/service-record-certificate/apply', { ...base, purpose: 'bank', end_date: '۱۳۸۰/۰۱/۰۱' });
  expect(textOf(early.html)).toContain('«تاریخ پایان همکاری» نمی‌تواند پیش از «تاریخ شروع همکاری» باشد');
});

test('the card links each law to its page and gives a document\'s size in the unit the card used', async () => {
  const page = await (await loginCitizen(desk, uniqueMobile())).get('/services/cond-cert');
  expect(page.html).toContain('<a href="https://example.org/laws/86" rel="noopener noreferrer">قانون مدیریت خدمات کشوری</a>');
  expect(textOf(page.html)).toContain('حداکثر ۱٫۵ مگابایت');
});
