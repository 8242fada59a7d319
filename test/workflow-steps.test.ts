// The steps after review: payment (paid or not), register-letter routing, deliver, notify and survey.
import { createHash } from 'node:crypto';
import fa from '../locales/fa.json';
import { paymentSettled, surveyAnswered } from '../workflows/messages';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';
import { toPersianDigits } from '../lib/persian';
import {
  decideAs, departmentId, eventKinds, eventsOf, handleOf, outboxOf, publish, requestRow, sleep, step, submit, testFee, testService, waitForRow, waitForState, settled } from './helpers/workflow-services';

let desk: Desk;
const SURVEY_SMS = 'نظر شما درباره درخواست {{trackingCode}}: {{link}}';

beforeAll(async () => {
  // Issued documents as HTML (no PDF engine), so their text can be read from the row.
  desk = await startDesk({ PDF_ENGINE: 'none' });
  await publish(desk, testService('wf-pay', [step.payment(3), step.deliver(), step.notify(), step.survey()], {
    fees: [testFee],
    sms: { delivered: 'گواهی درخواست {{trackingCode}} صادر شد.', survey: SURVEY_SMS },
    survey: { windowDays: 14, windowSeconds: 60, questions: [{ key: 'ok', text: 'راضی بودید؟', type: 'yes-no' }] },
  }));
  await publish(desk, testService('wf-survey-window', [step.survey()], {
    survey: { windowDays: 14, windowSeconds: 2, questions: [{ key: 'ok', text: 'راضی بودید؟', type: 'yes-no' }] },
  }));
  await publish(desk, testService('wf-letter-field', [step.secretariatReview(), step.letterByField()]));
  await publish(desk, testService('wf-letter-fixed', [step.secretariatReview(), step.letterTo('finance')]));
});
afterAll(async () => {
  await desk?.stop();
});

async function awaitingPayment() {
  const request = await submit(desk, 'wf-pay');
  await waitForRow(desk, request.code, (r) => r.status === 'awaiting_payment', 'awaiting payment');
  const payment = await desk.db('payments').where({ request_id: request.requestId }).first();
  return { request, payment };
}

test('a settled payment moves the request on: certificate issued, notify SMS sent once, survey answered, closed', async () => {
  const { request, payment } = await awaitingPayment();
  expect(payment).toMatchObject({ fee_key: 'fee', status: 'pending' });
  expect(Number(payment.amount_rials)).toBe(500_000);
  const handle = handleOf(desk, request.code);
  await handle.signal(paymentSettled, { paymentId: payment.id, paid: true, reference: 'REF-1' });

  const waiting = await waitForState(desk, request.code, (s) => s.awaiting === 'survey', 'waiting for the survey');
  expect(waiting).toMatchObject({ status: 'delivered', stepId: 'survey' });
  expect((await requestRow(desk, request.code)).status).toBe('delivered');
  const paid = (await eventsOf(desk, request.requestId)).find((e) => e.kind === 'paid');
  expect(paid).toMatchObject({ actor: 'citizen', data: { paymentId: payment.id, reference: 'REF-1', amountRials: 500_000 } });

  const certificate = await desk.db('deliverables').where({ request_id: request.requestId }).first();
  expect(certificate.kind).toBe('certificate');
  const text = `گواهی می‌شود مریم احمدی درخواست ${request.code} را ثبت کرده است.`;
  expect(certificate.text).toBe(text);
  // The issued sheet is Persian: its digits are too.
  expect(certificate.body).toContain(toPersianDigits(text));
  expect(certificate.sha256).toBe(createHash('sha256').update(certificate.body).digest('hex'));
  expect(certificate.verification_token).toMatch(/^[0-9a-f]{32}$/);

  await settled(desk, request.code);
  const outbox = await outboxOf(desk, request.requestId);
  expect(outbox.map((m) => m.purpose)).toEqual(['delivered', 'tell', 'survey']);
  expect(outbox.every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
  const phone = await smsTo(desk, request.mobile);
  expect(phone.filter((m) => m.body === `درخواست ${toPersianDigits(request.code)} به مرحله پایانی رسید.`)).toHaveLength(1);
  expect(phone.filter((m) => m.body.includes(`/survey/${request.code}`))).toHaveLength(1);

  await handle.signal(surveyAnswered);
  expect(await handle.result()).toBe('closed');
  expect(await eventKinds(desk, request.requestId)).toEqual(['submitted', 'status', 'paid', 'status', 'notified', 'survey_opened', 'status']);
});

test('a payment not made by the deadline cancels the request and expires the payment; a failed payment does not count', async () => {
  const { request, payment } = await awaitingPayment();
  await handleOf(desk, request.code).signal(paymentSettled, { paymentId: payment.id, paid: false });
  await sleep(500);
  expect((await requestRow(desk, request.code)).status).toBe('awaiting_payment');

  expect(await handleOf(desk, request.code).result()).toBe('cancelled');
  expect(await requestRow(desk, request.code)).toMatchObject({ status: 'cancelled', decision_reason: fa.reasons.unpaid });
  expect((await desk.db('payments').where({ id: payment.id }).first()).status).toBe('expired');
  expect(await desk.db('deliverables').where({ request_id: request.requestId }).first()).toBeUndefined();
});

test('the survey waits only for its window, then the request closes without an answer', async () => {
  const request = await submit(desk, 'wf-survey-window');
  await waitForState(desk, request.code, (s) => s.awaiting === 'survey', 'waiting for the survey');
  const started = Date.now();
  expect(await handleOf(desk, request.code).result()).toBe('closed');
  expect(Date.now() - started).toBeGreaterThan(1000);
  expect(await desk.db('surveys').where({ request_id: request.requestId }).first()).toBeUndefined();
});

test('register-letter sends the letter to the department the citizen chose in the form', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, 'wf-letter-field', letterAnswers('hr'));
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);

  const row = await settled(desk, code);
  const letter = await desk.db('letters').where({ request_id: row.id }).first();
  expect(letter).toMatchObject({ department_id: await departmentId(desk, 'hr'), registered_by: 'dabir', subject: 'نامه شهروند: درخواست نسخه قرارداد', sender: 'مریم احمدی' });
  expect(row).toMatchObject({ department_id: letter.department_id, letter_number: letter.number });
  expect(letter.number.split('/')[1]).toBe(String(letter.department_id).padStart(3, '0'));
});

test('register-letter with a fixed department ignores the department in the answers', async () => {
  const request = await submit(desk, 'wf-letter-fixed', letterAnswers('legal'));
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  const result = await decideAs(desk, request.code, 'dabir', 'approve');
  expect(result.status).toBe('approved');
  expect((await settled(desk, request.code)).status).toBe('closed');
  const letter = await desk.db('letters').where({ request_id: request.requestId }).first();
  expect(letter.department_id).toBe(await departmentId(desk, 'finance'));
  expect((await requestRow(desk, request.code)).letter_number).toBe(letter.number);
  expect((await requestRow(desk, request.code)).department_id).toBe(letter.department_id);
});
