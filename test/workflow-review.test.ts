// Review steps: approve, reject, needs_info with the citizen's resubmission, and forward between departments.
import fa from '../locales/fa.json';
import { resubmit } from '../workflows/messages';
import { textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, type Desk } from './helpers/desk';
import { letterAnswers, loginStaff, smsTo } from './helpers/journeys';
import {
  decideAs, departmentId, eventKinds, eventsOf, handleOf, publish, requestRow, step, submit, testService, waitForRow,
  settled,
} from './helpers/workflow-services';

let desk: Desk;
const SERVICE = 'wf-review';

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService(SERVICE, [step.secretariatReview(), step.letterByField(), step.departmentReview(), step.notify()], {
    sms: {
      rejected: 'درخواست {{trackingCode}} پذیرفته نشد. دلیل: {{reason}}',
      needs_info: 'برای درخواست {{trackingCode}} اطلاعات بیشتری لازم است: {{reason}}',
    },
  }));
});
afterAll(async () => {
  await desk?.stop();
});

async function pendingReview(department = 'legal') {
  const request = await submit(desk, SERVICE, letterAnswers(department));
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  return request;
}

test('approval at the secretariat registers the letter and hands the request to the department review', async () => {
  const request = await pendingReview('legal');
  const result = await decideAs(desk, request.code, 'dabir', 'approve');
  // The clerk is answered once the approval is recorded; the letter follows.
  expect(result).toEqual({ status: 'in_progress', letterNumber: null });
  const row = await settled(desk, request.code);
  expect(row.letter_number).toMatch(/^14\d\d\/\d{3}\/\d{4}$/);
  expect(row).toMatchObject({ status: 'in_progress', step_id: 'department-review', awaiting: 'review', review_role: 'department', department_id: await departmentId(desk, 'legal') });
  expect(await eventKinds(desk, request.requestId)).toEqual(['submitted', 'status', 'approved_step', 'letter_registered', 'status']);

  const done = await decideAs(desk, request.code, 'legal', 'approve');
  expect(done.status).toBe('approved');
  expect(await handleOf(desk, request.code).result()).toBe('closed');
  const statuses = (await eventsOf(desk, request.requestId)).filter((e) => e.status).map((e) => e.status);
  expect(statuses).toEqual(['submitted', 'pending_review', 'in_progress', 'in_progress', 'in_progress', 'approved', 'closed']);
});

test('rejection ends the request with the reviewer\'s reason, sent to the citizen by SMS', async () => {
  const request = await pendingReview();
  const reason = 'نامه امضا ندارد';
  expect((await decideAs(desk, request.code, 'dabir', 'reject', { reason })).status).toBe('rejected');
  expect(await handleOf(desk, request.code).result()).toBe('rejected');
  expect(await requestRow(desk, request.code)).toMatchObject({ status: 'rejected', decision_reason: reason, letter_number: null });
  const rejected = (await eventsOf(desk, request.requestId)).find((e) => e.status === 'rejected');
  expect(rejected).toMatchObject({ actor: 'dabir', note: reason });
  const told = await eventually(async () => {
    const found = (await smsTo(desk, request.mobile)).filter((m) => m.body.includes(reason));
    return found.length ? found : null;
  });
  expect(told).toHaveLength(1);
});

test('needs_info waits for the citizen; the resubmission resumes the same workflow at the same review', async () => {
  const request = await pendingReview();
  const handle = handleOf(desk, request.code);
  const { runId } = await handle.describe();
  const reason = 'تصویر کارت ملی را بفرستید';
  const asked = await decideAs(desk, request.code, 'dabir', 'needs_info', { reason });
  expect(asked.status).toBe('needs_info');
  expect(await requestRow(desk, request.code)).toMatchObject({ status: 'needs_info', awaiting: 'citizen', step_id: 'secretariat-review', decision_reason: reason });
  const told = await eventually(async () => {
    const found = (await smsTo(desk, request.mobile)).filter((m) => m.body.includes(reason));
    return found.length ? found : null;
  });
  expect(told).toHaveLength(1);

  await handle.signal(resubmit, { note: 'فرستادم' });
  const back = await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'back in review');
  expect(back).toMatchObject({ step_id: 'secretariat-review', awaiting: 'review', review_role: 'secretariat' });
  expect((await handle.describe()).runId).toBe(runId);
  const kinds = await eventKinds(desk, request.requestId);
  expect(kinds.slice(-1)).toEqual(['resubmitted']);

  // The same review decides again, and the request goes on from there.
  expect((await decideAs(desk, request.code, 'dabir', 'approve')).status).toBe('in_progress');
  expect((await handle.describe()).runId).toBe(runId);
});

test('forwarding moves the request to the new department: the old one loses it, the new one sees and decides it', async () => {
  const request = await pendingReview('legal');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await settled(desk, request.code);
  const hrId = await departmentId(desk, 'hr');

  const lawyer = await loginStaff(desk, 'legal');
  expect((await lawyer.get(`/staff?find=${request.code}`)).html).toContain(`/staff/requests/${request.code}`);
  const forwarded = await lawyer.post(`/staff/requests/${request.code}/decision`, { kind: 'forward', forwardTo: String(hrId), reason: 'موضوع اداری است' });
  expect(forwarded.status).toBe(200);
  expect(textOf(forwarded.html)).toContain(fa.staffRequest.done.forward);
  expect(await requestRow(desk, request.code)).toMatchObject({ status: 'in_progress', department_id: hrId, awaiting: 'review' });
  const event = (await eventsOf(desk, request.requestId)).find((e) => e.kind === 'forwarded');
  expect(event).toMatchObject({ actor: 'legal', data: { departmentId: hrId } });

  expect((await lawyer.get(`/staff?find=${request.code}`)).html).not.toContain(`/staff/requests/${request.code}`);
  expect((await lawyer.get(`/staff/requests/${request.code}`)).status).toBe(404);
  const hr = await loginStaff(desk, 'hr');
  expect((await hr.get(`/staff?find=${request.code}`)).html).toContain(`/staff/requests/${request.code}`);
  const approved = await hr.post(`/staff/requests/${request.code}/decision`, { kind: 'approve' });
  expect(approved.status).toBe(200);
  expect(await handleOf(desk, request.code).result()).toBe('closed');
});

test('forwarding to a department that does not exist is refused on the page and the request stays where it was', async () => {
  const request = await pendingReview('legal');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await settled(desk, request.code);
  const lawyer = await loginStaff(desk, 'legal');
  const refused = await lawyer.post(`/staff/requests/${request.code}/decision`, { kind: 'forward', forwardTo: '987654' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain(fa.refusals['forward-department-required']);
  expect(await requestRow(desk, request.code)).toMatchObject({ status: 'in_progress', department_id: await departmentId(desk, 'legal'), awaiting: 'review' });
});
