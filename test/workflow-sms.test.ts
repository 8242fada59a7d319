// Exactly one SMS per purpose: retries never send twice, a permanent refusal is not retried and never stops a request.
import { MockActivityEnvironment } from '@temporalio/testing';
import { TemporaryError } from '../adapters/http';
import { sandboxSms, type SmsProvider } from '../adapters/sms';
import { createSmsActivities, type SmsRequest } from '../activities/sms';
import { SMS_MAX_ATTEMPTS } from '../workflows/sms-policy';
import { toPersianDigits } from '../lib/persian';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { smsTo } from './helpers/journeys';
import { activityAttempts, eventsOf, fault, outboxOf, publish, step, submit, testService, waitForRow, settled } from './helpers/workflow-services';

let desk: Desk;
const SUBMITTED_SMS = 'درخواست شما با کد رهگیری {{trackingCode}} ثبت شد.';

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService('wf-sms', [step.secretariatReview()], { sms: { submitted: SUBMITTED_SMS } }));
});
afterAll(async () => {
  await desk?.stop();
});

/** The sandbox operator, counting the sends; `loseFirstAnswer` drops the operator's reply to the first one. */
function countingOperator(desk: Desk, loseFirstAnswer = false): SmsProvider & { sends: number } {
  const operator = sandboxSms(desk.config.sms.sandboxUrl);
  const counting = {
    name: operator.name,
    sends: 0,
    async send(message: Parameters<SmsProvider['send']>[0]) {
      counting.sends += 1;
      const result = await operator.send(message);
      if (loseFirstAnswer && counting.sends === 1) throw new TemporaryError('the connection dropped before the answer arrived');
      return result;
    },
  };
  return counting;
}

const smsRequest = (mobile: string): SmsRequest => ({
  dedupeKey: `wf-sms-test:${mobile}:reply`,
  mobile,
  purpose: 'staff_reply',
  template: 'پاسخ شما: {{text}}',
  vars: { text: 'مدارک رسید' },
});

test('the SMS activity run twice with the same dedupe key sends once: the second run answers "already-sent"', async () => {
  const operator = countingOperator(desk);
  const { sendSms } = createSmsActivities(desk.db, operator);
  const request = smsRequest(uniqueMobile());
  const env = new MockActivityEnvironment();
  expect(await env.run(sendSms, request)).toBe('sent');
  expect(await env.run(sendSms, request)).toBe('already-sent');
  expect(operator.sends).toBe(1);
  expect(await smsTo(desk, request.mobile)).toHaveLength(1);
  const row = await desk.db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first();
  expect(row).toMatchObject({ status: 'sent', attempts: 1, body: 'پاسخ شما: مدارک رسید' });
});

test('when the operator accepted but its answer was lost, the retry reuses the dedupe key and the phone gets one SMS', async () => {
  const operator = countingOperator(desk, true);
  const { sendSms } = createSmsActivities(desk.db, operator);
  const request = smsRequest(uniqueMobile());
  const env = new MockActivityEnvironment({ attempt: 1 });
  await expect(env.run(sendSms, request)).rejects.toThrow(/connection dropped/);
  expect(await desk.db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first()).toMatchObject({ status: 'retrying', attempts: 1 });
  expect(await new MockActivityEnvironment({ attempt: 2 }).run(sendSms, request)).toBe('sent');
  expect(operator.sends).toBe(2);
  const phone = await smsTo(desk, request.mobile);
  expect(phone).toHaveLength(1);
  expect(phone[0].dedupeKey).toBe(request.dedupeKey);
  expect(await desk.db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first()).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
});

test('an outage that lasts through the last allowed try leaves the outbox row failed, not waiting for a retry that never comes', async () => {
  const down: SmsProvider = { name: 'sandbox', send: async () => Promise.reject(new TemporaryError('the operator is down')) };
  const { sendSms } = createSmsActivities(desk.db, down);
  const request = smsRequest(uniqueMobile());
  await expect(new MockActivityEnvironment({ attempt: SMS_MAX_ATTEMPTS - 1 }).run(sendSms, request)).rejects.toThrow(/operator is down/);
  expect(await desk.db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first()).toMatchObject({ status: 'retrying' });
  await expect(new MockActivityEnvironment({ attempt: SMS_MAX_ATTEMPTS }).run(sendSms, request)).rejects.toThrow(/operator is down/);
  expect(await desk.db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first()).toMatchObject({ status: 'failed', attempts: 2 });
});

test('an operator outage is retried by the workflow: one SMS arrives, the outbox shows two attempts', async () => {
  await fault(desk, 'sms', 'down', 1);
  const request = await submit(desk, 'wf-sms');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  // The SMS goes out beside the steps: the request may be pending review while the retry is still on its way.
  await settled(desk, request.code);
  const [row] = await outboxOf(desk, request.requestId);
  expect(row).toMatchObject({ purpose: 'submitted', status: 'sent', attempts: 2, last_error: null });
  expect(await activityAttempts(desk, request.code, 'sendSms')).toEqual([2]);
  const phone = await smsTo(desk, request.mobile);
  expect(phone.map((m) => m.body)).toEqual([`درخواست شما با کد رهگیری ${toPersianDigits(request.code)} ثبت شد.`]);
});

test('a permanent refusal is not retried: the outbox row fails, sms_failed is recorded and the request goes on', async () => {
  await fault(desk, 'sms', 'reject', 1);
  const request = await submit(desk, 'wf-sms');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review despite the failed SMS');
  await settled(desk, request.code);
  const [row] = await outboxOf(desk, request.requestId);
  expect(row).toMatchObject({ purpose: 'submitted', status: 'failed', attempts: 1 });
  expect(row.last_error).toMatch(/400/);
  expect(await activityAttempts(desk, request.code, 'sendSms')).toEqual([1]);
  const failed = (await eventsOf(desk, request.requestId)).find((e) => e.kind === 'sms_failed');
  expect(failed).toMatchObject({ data: { purpose: 'submitted' } });
  expect(await smsTo(desk, request.mobile)).toEqual([]);
});
