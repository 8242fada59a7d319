// The satisfaction survey: sent by SMS after delivery, answered once by the owner within the window, then the request closes.
import fs from 'node:fs';
import path from 'node:path';
import { validateService } from '../lib/catalog';
import { publishService } from '../lib/catalog-sync';
import type { ServiceDefinition } from '../workflows/types';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, statusOf, submitThroughPages, waitForStatus } from './helpers/journeys';

let desk: Desk;
const letter: ServiceDefinition = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', 'general-letter.json'), 'utf8'));

/** The general letter's form, answered by the secretariat alone, delivered, then surveyed for `windowSeconds`. */
function surveyedService(id: string, windowSeconds: number): ServiceDefinition {
  const { $schema: _schema, ...base } = letter as ServiceDefinition & { $schema?: string };
  return {
    ...base,
    id,
    title: `خدمت آزمایشی نظرسنجی ${id}`,
    steps: [
      { id: 'secretariat-review', type: 'review', title: 'بررسی در دبیرخانه', role: 'secretariat', decisions: ['approve', 'reject'] },
      { id: 'reply', type: 'deliver', title: 'صدور پاسخ', document: 'reply-letter' },
      { id: 'survey', type: 'survey', title: 'نظرسنجی' },
    ],
    survey: {
      windowDays: 1,
      windowSeconds,
      questions: [
        { key: 'speed', text: 'سرعت رسیدگی را چطور ارزیابی می‌کنید؟', type: 'rating' },
        { key: 'again', text: 'آیا دوباره از این خدمت استفاده می‌کنید؟', type: 'yes-no' },
        { key: 'improve', text: 'چه چیزی را بهتر کنیم؟', type: 'text' },
      ],
    },
  };
}

beforeAll(async () => {
  desk = await startDesk();
  for (const service of [surveyedService('test-survey', 300), surveyedService('test-survey-window', 2)]) {
    expect(validateService(service).problems).toEqual([]);
    await publishService(desk.db, service, 'test');
  }
});
afterAll(async () => {
  await desk?.stop();
});

/** A request of `serviceId` the secretariat approved and the desk delivered; returns the survey link from the SMS. */
async function deliveredRequest(serviceId: string) {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, serviceId, letterAnswers());
  await waitForStatus(desk, code, 'pending_review');
  // Before delivery there is nothing to answer yet.
  const early = await citizen.get(`/survey/${code}`);
  expect(textOf(early.html)).toContain('نظرسنجی وقتی درخواست به مرحلهٔ نظرسنجی برسد باز می‌شود');
  expect(early.html).not.toContain('name="rating"');

  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForStatus(desk, code, 'delivered');
  const sms = await eventually(async () => (await smsTo(desk, mobile)).find((m) => m.body.includes('/survey/')), 20_000, 'the survey SMS');
  const link = /(https?:\/\/\S+\/survey\/\d{12})/.exec(sms.body)![1];
  return { mobile, citizen, code, link };
}

const fullAnswer = { rating: '۴', q_speed: '5', q_again: 'yes', q_improve: 'پیامک‌ها زودتر برسد', comment: 'از رسیدگی سریع سپاسگزارم' };

test('after delivery the owner answers the survey from the SMS link once, and the request closes', async () => {
  const { citizen, code, link } = await deliveredRequest('test-survey');
  expect(link).toBe(`${desk.url}/survey/${code}`);

  const anonymous = await new Browser(desk.url).get(`/survey/${code}`, false);
  expect(anonymous.status).toBe(303);
  expect(anonymous.location).toBe(`/login?next=${encodeURIComponent(`/survey/${code}`)}`);
  const stranger = await loginCitizen(desk, uniqueMobile());
  expect((await stranger.get(`/survey/${code}`)).status).toBe(404);
  expect((await stranger.post(`/survey/${code}`, fullAnswer)).status).toBe(404);

  const form = await citizen.get(link);
  expect(form.status).toBe(200);
  for (const value of ['1', '2', '3', '4', '5']) expect(form.html).toContain(`type="radio" id="rating-${value}" name="rating" value="${value}"`);
  const text = textOf(form.html);
  for (const question of ['سرعت رسیدگی را چطور ارزیابی می‌کنید؟', 'آیا دوباره از این خدمت استفاده می‌کنید؟', 'چه چیزی را بهتر کنیم؟']) expect(text).toContain(question);
  expect(form.html).toContain('name="q_again" value="yes"');
  expect(form.html).toContain('<textarea id="comment" name="comment"');

  // Missing answers: Persian messages, 422, and what was given is kept (Arabic ي normalised to ی).
  const refused = await citizen.post(`/survey/${code}`, { q_speed: '2', comment: 'خيلي خوب بود' });
  expect(refused.status).toBe(422);
  const problems = textOf(refused.html);
  expect(problems).toContain('میزان رضایت خود را از ۱ تا ۵ انتخاب کنید');
  expect(problems).toContain('برای «آیا دوباره از این خدمت استفاده می‌کنید؟» بله یا خیر را انتخاب کنید');
  expect(problems).not.toContain('برای «سرعت رسیدگی را چطور ارزیابی می‌کنید؟» یکی از گزینه‌های');
  expect(refused.html).toContain('href="#rating-1"');
  expect(refused.html).toContain('id="q_speed-2" name="q_speed" value="2" checked');
  expect(refused.html).toContain('خیلی خوب بود</textarea>');
  expect(await desk.db('surveys').join('requests', 'requests.id', 'surveys.request_id').where('requests.tracking_code', code)).toEqual([]);

  const answered = await citizen.post(`/survey/${code}`, fullAnswer);
  expect(answered.status).toBe(200);
  expect(answered.url).toBe(`/survey/${code}`);
  expect(textOf(answered.html)).toContain('نظر شما ثبت شد');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const rows = await desk.db('surveys').where({ request_id: request.id });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ service_id: 'test-survey', rating: 4, comment: 'از رسیدگی سریع سپاسگزارم', answers: { speed: '5', again: 'yes', improve: 'پیامک‌ها زودتر برسد' } });
  await waitForStatus(desk, code, 'closed');

  const twice = await citizen.post(`/survey/${code}`, { ...fullAnswer, rating: '1' });
  expect(twice.status).toBe(409);
  expect(textOf(twice.html)).toContain('نظر شما درباره این درخواست پیش‌تر ثبت شده است');
  const still = await desk.db('surveys').where({ request_id: request.id });
  expect(still).toHaveLength(1);
  expect(still[0].rating).toBe(4);
});

test('after the window the survey says it is closed and an answer is refused', async () => {
  const { citizen, code, link } = await deliveredRequest('test-survey-window');
  await new Promise((r) => setTimeout(r, 2_500));
  const page = await citizen.get(link);
  expect(textOf(page.html)).toContain('مهلت نظرسنجی این درخواست تمام شده است.');
  expect(page.html).not.toContain('name="rating"');

  const late = await citizen.post(`/survey/${code}`, fullAnswer);
  expect(late.status).toBe(410);
  expect(textOf(late.html)).toContain('مهلت نظرسنجی این درخواست تمام شده است.');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  expect(await desk.db('surveys').where({ request_id: request.id })).toEqual([]);
  // The workflow stops waiting at the end of the window and closes the request.
  await waitForStatus(desk, code, 'closed');
  expect(await statusOf(desk, code)).toBe('closed');
});
