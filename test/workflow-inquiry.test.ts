// The inquiry step against the sandbox civil registry: evidence, retries of outages, and each onFailure path.
import { toLatinDigits } from '../lib/persian';
import fa from '../locales/fa.json';
import { textOf } from '../scripts/stack/http-browser';
import { startDesk, type Desk } from './helpers/desk';
import { loginStaff, smsTo } from './helpers/journeys';
import {
  activityAttempts, eventKinds, eventsOf, fault, handleOf, outboxOf, publish, requestRow, step, submit, testService, waitForRow,
} from './helpers/workflow-services';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService('wf-inquiry-review', [step.identity('review'), step.secretariatReview()]));
  await publish(desk, testService('wf-inquiry-reject', [step.identity('reject'), step.secretariatReview()], {
    sms: { rejected: 'درخواست {{trackingCode}} پذیرفته نشد. دلیل: {{reason}}' },
  }));
  await publish(desk, testService('wf-inquiry-stop', [step.identity('stop'), step.secretariatReview()]));
});
afterAll(async () => {
  await desk?.stop();
});

const inquiryOf = (requestId: number) => desk.db('inquiries').where({ request_id: requestId }).first();

test('a successful inquiry stores the registry answer as evidence and the request goes on to review', async () => {
  const request = await submit(desk, 'wf-inquiry-review');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  const inquiry = await inquiryOf(request.requestId);
  expect(inquiry).toMatchObject({ step_id: 'identity', agency: 'civil-registry', operation: 'person', outcome: 'ok', error: null });
  expect(inquiry.response).toMatchObject({ nationalCode: '0499370899', birthDate: '1365/04/21', alive: true });
  expect(await eventKinds(desk, request.requestId)).toEqual(['submitted', 'inquiry_done', 'status']);
  expect(await activityAttempts(desk, request.code, 'runInquiry')).toEqual([1]);
});

test('an agency that is down twice is asked again and the third answer is kept', async () => {
  await fault(desk, 'civil-registry', 'down', 2);
  const request = await submit(desk, 'wf-inquiry-review');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review after retries');
  expect(await activityAttempts(desk, request.code, 'runInquiry')).toEqual([3]);
  expect(await inquiryOf(request.requestId)).toMatchObject({ outcome: 'ok' });
  expect(await eventKinds(desk, request.requestId)).not.toContain('inquiry_failed');
});

test('a refusal by the agency (4xx) is not retried; with onFailure "review" the request goes on and staff see the failure', async () => {
  await fault(desk, 'civil-registry', 'reject', 1);
  const request = await submit(desk, 'wf-inquiry-review');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review despite the failed inquiry');
  expect(await activityAttempts(desk, request.code, 'runInquiry')).toEqual([1]);
  const inquiry = await inquiryOf(request.requestId);
  expect(inquiry.outcome).toBe('failed');
  expect(inquiry.error).toMatch(/422/);
  const failed = (await eventsOf(desk, request.requestId)).find((e) => e.kind === 'inquiry_failed');
  expect(failed).toMatchObject({ note: 'استعلام هویت از ثبت احوال', data: { agency: 'civil-registry' } });

  const clerk = await loginStaff(desk, 'dabir');
  const page = textOf((await clerk.get(`/staff/requests/${request.code}`)).html);
  expect(page).toContain(fa.events.inquiry_failed);
  expect(page).toContain(fa.inquiryOutcome.failed);
});

test('an outage that outlasts the retries counts as a failed inquiry', async () => {
  await fault(desk, 'civil-registry', 'down', 5);
  const request = await submit(desk, 'wf-inquiry-review');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review after three failed tries');
  await fault(desk, 'civil-registry', 'ok');
  expect(await activityAttempts(desk, request.code, 'runInquiry')).toEqual([3]);
  expect((await inquiryOf(request.requestId)).error).toMatch(/503/);
  expect(await eventKinds(desk, request.requestId)).toContain('inquiry_failed');
});

test('with onFailure "reject" a failed inquiry rejects the request with the reason in Persian, told by SMS once', async () => {
  await fault(desk, 'civil-registry', 'reject', 1);
  const request = await submit(desk, 'wf-inquiry-reject');
  expect(await handleOf(desk, request.code).result()).toBe('rejected');
  const reason = fa.reasons.inquiryFailed.replace('{title}', 'استعلام هویت از ثبت احوال');
  const row = await requestRow(desk, request.code);
  expect(row).toMatchObject({ status: 'rejected', decision_reason: reason, awaiting: null });
  expect(row.closed_at).not.toBeNull();
  const sms = (await smsTo(desk, request.mobile)).filter((m) => toLatinDigits(m.body).includes(request.code));
  expect(sms).toHaveLength(1);
  expect(sms[0].body).toContain(reason);
  expect((await outboxOf(desk, request.requestId)).map((m) => [m.purpose, m.status])).toEqual([['rejected', 'sent']]);
  expect(await eventKinds(desk, request.requestId)).not.toContain('approved_step');
});

test('with onFailure "stop" a failed inquiry cancels the request and never reaches review', async () => {
  await fault(desk, 'civil-registry', 'reject', 1);
  const request = await submit(desk, 'wf-inquiry-stop');
  expect(await handleOf(desk, request.code).result()).toBe('cancelled');
  const row = await requestRow(desk, request.code);
  expect(row.status).toBe('cancelled');
  expect(row.closed_at).not.toBeNull();
  const statuses = (await eventsOf(desk, request.requestId)).filter((e) => e.status).map((e) => e.status);
  expect(statuses).toEqual(['submitted', 'cancelled']);
});
