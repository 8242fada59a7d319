// SLA with second-long service clocks: reminder, escalation to the department's supervisor, and paused time.
import fa from '../locales/fa.json';
import { currentState, paymentSettled, resubmit } from '../workflows/messages';
import { textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, type Desk } from './helpers/desk';
import { loginStaff } from './helpers/journeys';
import {
  decideAs, departmentId, eventsOf, handleOf, publish, requestRow, sleep, step, submit, testFee, testService, waitForRow, type Submitted,
} from './helpers/workflow-services';

let desk: Desk;
const sla = (durationSeconds: number) => ({ workingDays: 1, durationSeconds, reminderAt: 0.5 });

beforeAll(async () => {
  // Documents as HTML: printing a PDF takes a good part of these seconds-long SLAs on a busy machine.
  desk = await startDesk({ PDF_ENGINE: 'none' });
  await publish(desk, testService('wf-sla-escalate', [step.secretariatReview(), step.letterTo('inspection'), step.departmentReview()], { sla: sla(4) }));
  await publish(desk, testService('wf-sla-needs-info', [step.secretariatReview()], { sla: sla(4) }));
  await publish(desk, testService('wf-sla-payment', [step.payment(30), step.secretariatReview()], { sla: sla(4), fees: [testFee] }));
  await publish(desk, testService('wf-sla-delivered', [step.secretariatReview(), step.deliver(), step.survey()], {
    sla: sla(3),
    survey: { windowDays: 14, windowSeconds: 30, questions: [{ key: 'ok', text: 'راضی بودید؟', type: 'yes-no' }] },
  }));
});
afterAll(async () => {
  await desk?.stop();
});

const at = (value: Date | string) => new Date(value).getTime();

async function slaEvent(request: Submitted, kind: 'sla_reminder' | 'sla_escalated', timeoutMs = 20_000) {
  return eventually(async () => (await eventsOf(desk, request.requestId)).find((e) => e.kind === kind), timeoutMs, `${request.code}: ${kind}`);
}

test('the reminder comes at the reminder point and the escalation at 100 %; the supervisor finds it under "breached"', async () => {
  const request = await submit(desk, 'wf-sla-escalate');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  await decideAs(desk, request.code, 'dabir', 'approve');
  const submitted = at((await requestRow(desk, request.code)).created_at);
  const inspection = await departmentId(desk, 'inspection');

  const reminder = await slaEvent(request, 'sla_reminder');
  expect(at(reminder.created_at) - submitted).toBeGreaterThanOrEqual(1900);
  expect(reminder.data).toEqual({ status: 'in_progress', departmentId: inspection });
  const warned = await requestRow(desk, request.code);
  expect(warned.sla_state).toBe(at(reminder.created_at) < at(warned.sla_due_at) ? 'warning' : 'breached');

  const escalation = await slaEvent(request, 'sla_escalated');
  expect(at(escalation.created_at) - submitted).toBeGreaterThanOrEqual(3900);
  const designated = await desk.db('departments as d').join('staff as s', 's.id', 'd.supervisor_staff_id').where('d.id', inspection).pluck('s.username');
  expect(escalation.data).toEqual({ status: 'in_progress', departmentId: inspection, supervisors: designated.length ? designated : ['supervisor'] });
  expect((await requestRow(desk, request.code)).sla_state).toBe('breached');
  expect((await eventsOf(desk, request.requestId)).filter((e) => e.kind.startsWith('sla_'))).toHaveLength(2);

  const supervisor = await loginStaff(desk, 'supervisor');
  // The inbox tells the supervisor that something was escalated to them, and lists it.
  expect(textOf((await supervisor.get('/staff')).html)).toMatch(/درخواست باز از واحدهای شما از موعد پاسخ گذشته/);
  expect((await supervisor.get(`/staff?sla=breached&find=${request.code}`)).html).toContain(`/staff/requests/${request.code}`);
  expect((await supervisor.get(`/staff?sla=warning&find=${request.code}`)).html).not.toContain(`/staff/requests/${request.code}`);
  expect(textOf((await supervisor.get(`/staff/requests/${request.code}`)).html)).toContain(fa.events.sla_escalated);
  const lawyer = await loginStaff(desk, 'legal');
  expect((await lawyer.get(`/staff?sla=breached&find=${request.code}`)).html).not.toContain(`/staff/requests/${request.code}`);
  expect(textOf((await lawyer.get('/staff')).html)).not.toMatch(/از موعد پاسخ گذشته و به شما گزارش/);
});

test('time waiting for the citizen (needs_info) pauses the clock: the due date moves later by the paused time', async () => {
  const request = await submit(desk, 'wf-sla-needs-info');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  const dueBefore = at((await requestRow(desk, request.code)).sla_due_at);
  await decideAs(desk, request.code, 'dabir', 'needs_info', { reason: 'نشانی را کامل کنید' });
  await sleep(2500);
  await handleOf(desk, request.code).signal(resubmit, {});
  const moved = await waitForRow(desk, request.code, (r) => at(r.sla_due_at) > dueBefore, 'the due date to move');

  // The due date is written a moment before the 'resubmitted' row.
  const events = await eventually(async () => {
    const rows = await eventsOf(desk, request.requestId);
    return rows.some((e) => e.kind === 'resubmitted') ? rows : null;
  }, 20_000, 'the resubmitted event');
  const paused = at(events.find((e) => e.kind === 'resubmitted')!.created_at) - at(events.find((e) => e.status === 'needs_info')!.created_at);
  const shift = at(moved.sla_due_at) - dueBefore;
  expect(shift).toBeGreaterThanOrEqual(2400);
  expect(Math.abs(shift - paused)).toBeLessThan(1500);
  // No reminder fell due while the clock stood still: it comes half-way through the moved window.
  const reminder = await slaEvent(request, 'sla_reminder');
  expect(at(reminder.created_at)).toBeGreaterThanOrEqual(at(moved.created_at) + 2000 + shift - 200);
  expect(await handleOf(desk, request.code).query(currentState)).toMatchObject({ status: 'pending_review' });
});

test('time waiting for a payment pauses the clock as well', async () => {
  const request = await submit(desk, 'wf-sla-payment');
  await waitForRow(desk, request.code, (r) => r.status === 'awaiting_payment', 'awaiting payment');
  const dueBefore = at((await requestRow(desk, request.code)).sla_due_at);
  const payment = await desk.db('payments').where({ request_id: request.requestId }).first();
  await sleep(2500);
  expect((await eventsOf(desk, request.requestId)).map((e) => e.kind)).not.toContain('sla_reminder');
  await handleOf(desk, request.code).signal(paymentSettled, { paymentId: payment.id, paid: true, reference: 'R-7' });
  const moved = await waitForRow(desk, request.code, (r) => r.status === 'pending_review' && at(r.sla_due_at) > dueBefore, 'paid and the due date moved');
  expect(at(moved.sla_due_at) - dueBefore).toBeGreaterThanOrEqual(2400);
});

test('once the result is delivered the clock stops: waiting for the survey is never escalated', async () => {
  const request = await submit(desk, 'wf-sla-delivered');
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await waitForRow(desk, request.code, (r) => r.status === 'delivered', 'delivered');
  await sleep(3500);
  expect((await eventsOf(desk, request.requestId)).map((e) => e.kind).filter((k) => k.startsWith('sla_'))).toEqual([]);
  expect((await requestRow(desk, request.code)).sla_state).toBe('on_time');
});
