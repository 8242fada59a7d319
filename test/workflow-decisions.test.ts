// The decision validator: a wrong decision is refused at once with a code and leaves PostgreSQL untouched.
import { resubmit } from '../workflows/messages';
import type { DecisionKind } from '../workflows/types';
import { startDesk, type Desk } from './helpers/desk';
import { letterAnswers } from './helpers/journeys';
import {
  decideAs, departmentId, footprint, handleOf, publish, refusalCode, step, submit, testService, waitForRow, type Submitted, settled } from './helpers/workflow-services';

let desk: Desk;
const SERVICE = 'wf-decide';

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService(SERVICE, [step.secretariatReview(), step.letterByField(), step.departmentReview(), step.supervisorReview()]));
});
afterAll(async () => {
  await desk?.stop();
});

async function pendingReview(): Promise<Submitted> {
  const request = await submit(desk, SERVICE, letterAnswers('inspection'));
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  return request;
}

async function atDepartmentReview(): Promise<Submitted> {
  const request = await pendingReview();
  await decideAs(desk, request.code, 'dabir', 'approve');
  await settled(desk, request.code);
  return request;
}

/** Asserts the decision is refused with `code`, quickly, and that nothing in PostgreSQL changed. */
async function expectRefused(request: Submitted, username: string, kind: DecisionKind, code: string, extra: Record<string, unknown> = {}) {
  const before = await footprint(desk, request.requestId);
  const started = Date.now();
  const error = await decideAs(desk, request.code, username, kind, extra).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  expect(refusalCode(error)).toBe(code);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(await footprint(desk, request.requestId)).toEqual(before);
}

test('a decision while the request waits for the citizen is refused: not awaiting review', async () => {
  const request = await pendingReview();
  await decideAs(desk, request.code, 'dabir', 'needs_info', { reason: 'کد پستی را بنویسید' });
  await expectRefused(request, 'dabir', 'approve', 'not-awaiting-review');
  await handleOf(desk, request.code).signal(resubmit, {});
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'back in review');
  expect((await decideAs(desk, request.code, 'dabir', 'approve')).status).toBe('in_progress');
});

test('a reject or needs_info without a reason is refused', async () => {
  const request = await pendingReview();
  await expectRefused(request, 'dabir', 'reject', 'reason-required');
  await expectRefused(request, 'dabir', 'reject', 'reason-required', { reason: '   ' });
  await expectRefused(request, 'dabir', 'needs_info', 'reason-required');
});

test('a decision the step does not offer is refused, as is a forward that goes nowhere', async () => {
  const request = await pendingReview();
  await expectRefused(request, 'dabir', 'forward', 'decision-not-allowed', { forwardToDepartmentId: await departmentId(desk, 'hr') });
  const atDepartment = await atDepartmentReview();
  await expectRefused(atDepartment, 'inspection', 'forward', 'forward-department-required');
  await expectRefused(atDepartment, 'inspection', 'forward', 'forward-department-required', { forwardToDepartmentId: await departmentId(desk, 'inspection') });
});

test('a role that may not decide the step is refused', async () => {
  const request = await pendingReview();
  await expectRefused(request, 'inspection', 'approve', 'role-not-allowed');
  await expectRefused(request, 'supervisor', 'approve', 'role-not-allowed');

  const atDepartment = await atDepartmentReview();
  await decideAs(desk, atDepartment.code, 'inspection', 'approve');
  await waitForRow(desk, atDepartment.code, (r) => r.step_id === 'supervisor-review', 'at the supervisor');
  await expectRefused(atDepartment, 'inspection', 'approve', 'role-not-allowed');
  expect((await decideAs(desk, atDepartment.code, 'supervisor', 'approve')).status).toBe('approved');
});

test('a reviewer of another department is refused: not your department', async () => {
  const request = await atDepartmentReview();
  await expectRefused(request, 'legal', 'approve', 'not-your-department');
  await expectRefused(request, 'hr', 'reject', 'not-your-department', { reason: 'مربوط به ما نیست' });
  expect((await decideAs(desk, request.code, 'admin', 'approve')).status).toBe('in_progress');
});

test('two simultaneous approvals: exactly one is accepted and one letter is registered', async () => {
  // Several pairs at once, so both orders of arrival (same workflow task or the next one) are likely to occur.
  const requests = await Promise.all([1, 2, 3, 4, 5].map(() => pendingReview()));
  await Promise.all(requests.map(async (request) => {
    const results = await Promise.allSettled([
      decideAs(desk, request.code, 'dabir', 'approve'),
      decideAs(desk, request.code, 'admin', 'approve'),
    ]);
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(['decision-in-progress', 'not-awaiting-review']).toContain(refusalCode(refused[0].reason));
    await settled(desk, request.code);
    const letters = await desk.db('letters').where({ request_id: request.requestId }).count({ n: '*' }).first();
    expect(Number(letters!.n)).toBe(1);
    const history = await handleOf(desk, request.code).fetchHistory();
    expect(history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
  }));
});
