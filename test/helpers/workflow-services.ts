// Services of the workflow tests (ids `wf-…`) and the desk-level shortcuts that drive them: the real
// submission, real workflow updates and signals, and readers of what the request left in PostgreSQL.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createSubmitter } from '../../api/submission';
import { currentServiceVersion, publishService } from '../../lib/catalog-sync';
import { workflowIdFor } from '../../lib/temporal';
import generalLetter from '../../service-catalog/general-letter.json';
import { currentState, decide } from '../../workflows/messages';
import type { Actor, Decision, DecisionKind, RequestState, ServiceDefinition, Step } from '../../workflows/types';
import { eventually, uniqueMobile, type Desk } from './desk';
import { letterAnswers } from './journeys';

/** A service with the general letter's form and texts, but the given steps; no SMS unless asked for. */
export function testService(id: string, steps: Step[], extra: Partial<ServiceDefinition> = {}): ServiceDefinition {
  const { $schema: _schema, ...base } = structuredClone(generalLetter) as unknown as ServiceDefinition & { $schema?: string };
  return { ...base, id, title: `خدمت آزمایشی ${id}`, keywords: [], steps, sms: {}, ...extra };
}

export async function publish(desk: Desk, definition: ServiceDefinition): Promise<number> {
  return (await publishService(desk.db, definition, 'workflow-tests')).version;
}

export interface Submitted {
  code: string;
  requestId: number;
  mobile: string;
  workflowId: string;
}

/** Submits through the same function the submit page calls, for a citizen with their own mobile. */
export async function submit(desk: Desk, serviceId: string, answers: Record<string, string> = letterAnswers(), mobile = uniqueMobile()): Promise<Submitted> {
  const [citizen] = await desk.db('citizens').insert({ mobile }).onConflict('mobile').merge(['mobile']).returning('id');
  const service = await currentServiceVersion(desk.db, serviceId);
  if (!service) throw new Error(`the service ${serviceId} is not published`);
  const { trackingCode, requestId } = await createSubmitter(desk.db, desk.temporal, desk.config)({ citizenId: citizen.id, mobile, service, answers });
  return { code: trackingCode, requestId: Number(requestId), mobile, workflowId: workflowIdFor(trackingCode) };
}

export const handleOf = (desk: Desk, code: string) => desk.temporal.workflow.getHandle(workflowIdFor(code));

export async function actorOf(desk: Desk, username: string): Promise<Actor> {
  const staff = await desk.db('staff').where({ username }).first();
  const departmentIds = (await desk.db('staff_departments').where({ staff_id: staff.id }).pluck('department_id')).map(Number);
  return { staffId: staff.id, username, role: staff.role, departmentIds };
}

export async function departmentId(desk: Desk, code: string): Promise<number> {
  return (await desk.db('departments').where({ code }).first('id')).id;
}

/** A staff decision as the staff page sends it: a workflow update, refused or accepted at once. */
export async function decideAs(desk: Desk, code: string, username: string, kind: DecisionKind, extra: Partial<Decision> = {}) {
  const decision: Decision = { kind, ...extra, actor: await actorOf(desk, username) };
  return handleOf(desk, code).executeUpdate(decide, { args: [decision] });
}

/** The refusal code of a refused decision, or a failed test when the decision was not refused that way. */
export function refusalCode(error: unknown): string {
  if (!(error instanceof WorkflowUpdateFailedError)) throw error;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== 'DecisionRefused') throw error;
  return cause.message;
}

export async function requestRow(desk: Desk, code: string) {
  return desk.db('requests').where({ tracking_code: code }).first();
}

/** Waits until the request's row satisfies `check`; returns the row. */
export function waitForRow(desk: Desk, code: string, check: (row: Record<string, any>) => boolean, what: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const row = await requestRow(desk, code);
    return row && check(row) ? row : null;
  }, timeoutMs, `${code}: ${what}`);
}

/**
 * An action answers once it is recorded; this waits for the automatic steps after it: the request waits for someone
 * again (or has ended) and the workflow has nothing in flight, no activity (an SMS) and no task.
 */
export async function settled(desk: Desk, code: string, timeoutMs = 20_000) {
  let seen = 'nothing yet';
  try {
    return await eventually(async () => {
      const row = await requestRow(desk, code);
      seen = `status ${row?.status}, awaiting ${row?.awaiting}`;
      if (!row || (row.awaiting === null && row.closed_at === null)) return null;
      const { raw } = await handleOf(desk, code).describe();
      const pending = (raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} (attempt ${a.attempt}, ${a.state})`);
      if (raw.pendingWorkflowTask) pending.push(`a workflow task (attempt ${raw.pendingWorkflowTask.attempt}, ${raw.pendingWorkflowTask.state})`);
      seen = `${seen}; in flight: ${pending.join(', ') || 'nothing'}`;
      if (pending.length) return null;
      const again = await requestRow(desk, code);
      return again.awaiting === row.awaiting && again.status === row.status ? again : null;
    }, timeoutMs, `${code}: the request to settle`);
  } catch (error) {
    throw new Error(`${(error as Error).message} (last seen: ${seen})`, { cause: error });
  }
}

/** Waits until the workflow's own state (the status query) satisfies `check`. */
export function waitForState(desk: Desk, code: string, check: (state: RequestState) => boolean, what: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const state = await handleOf(desk, code).query(currentState);
    return check(state) ? state : null;
  }, timeoutMs, `${code}: ${what}`);
}

export async function eventsOf(desk: Desk, requestId: number) {
  return desk.db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'status', 'actor', 'note', 'data', 'created_at');
}

export async function eventKinds(desk: Desk, requestId: number): Promise<string[]> {
  return (await eventsOf(desk, requestId)).map((e) => e.kind);
}

export async function outboxOf(desk: Desk, requestId: number) {
  return desk.db('sms_outbox').where({ request_id: requestId }).orderBy('id');
}

/** What the request left in PostgreSQL; equal before and after means a refused decision changed nothing. */
export async function footprint(desk: Desk, requestId: number) {
  const count = async (table: string) => Number((await desk.db(table).where({ request_id: requestId }).count({ n: '*' }).first())!.n);
  const { updated_at: _u, ...row } = await desk.db('requests').where({ id: requestId }).first();
  return { row, events: await count('request_events'), sms: await count('sms_outbox'), letters: await count('letters'), updatedAt: _u };
}

/** The attempt numbers Temporal recorded for each started activity of this type (history keeps the last attempt). */
export async function activityAttempts(desk: Desk, code: string, activityType: string): Promise<number[]> {
  const history = await handleOf(desk, code).fetchHistory();
  const scheduled = new Set<string>();
  const attempts: number[] = [];
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === activityType) scheduled.add(String(event.eventId));
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.has(String(started.scheduledEventId))) attempts.push(started.attempt ?? 0);
  }
  return attempts;
}

/** Makes a sandbox service fail on purpose (sandbox/faults.ts). */
export async function fault(desk: Desk, target: string, kind: 'down' | 'reject' | 'slow' | 'hold' | 'ok', times?: number): Promise<void> {
  const response = await fetch(`${desk.sandboxUrl}/control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target, fault: kind, times }),
  });
  if (!response.ok) throw new Error(`the fault switch refused: ${response.status}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Step builders for the test services: the same shapes the catalogue uses. */
export const step = {
  identity: (onFailure: 'stop' | 'review' | 'reject'): Step => ({
    id: 'identity',
    type: 'inquiry',
    title: 'استعلام هویت از ثبت احوال',
    agency: 'civil-registry',
    operation: 'person',
    input: { nationalCode: 'national_code', birthDate: 'birth_date' },
    onFailure,
  }),
  secretariatReview: (decisions: DecisionKind[] = ['approve', 'reject', 'needs_info']): Step => ({
    id: 'secretariat-review', type: 'review', title: 'بررسی در دبیرخانه', role: 'secretariat', decisions,
  }),
  departmentReview: (decisions: DecisionKind[] = ['approve', 'reject', 'needs_info', 'forward']): Step => ({
    id: 'department-review', type: 'review', title: 'رسیدگی در واحد', role: 'department', decisions,
  }),
  supervisorReview: (): Step => ({ id: 'supervisor-review', type: 'review', title: 'تأیید سرپرست', role: 'supervisor', decisions: ['approve', 'reject'] }),
  letterByField: (): Step => ({ id: 'register', type: 'register-letter', title: 'ثبت نامه', departmentFromField: 'department', subject: 'نامه شهروند: {{answers.subject}}' }),
  letterTo: (department: string): Step => ({ id: 'register', type: 'register-letter', title: 'ثبت نامه', department }),
  payment: (deadlineSeconds: number): Step => ({ id: 'pay', type: 'payment', title: 'پرداخت هزینه', fee: 'fee', deadlineSeconds }),
  deliver: (): Step => ({ id: 'issue', type: 'deliver', title: 'صدور گواهی', document: 'certificate', body: 'گواهی می‌شود {{answers.full_name}} درخواست {{trackingCode}} را ثبت کرده است.' }),
  notify: (id = 'tell', template = 'درخواست {{trackingCode}} به مرحله پایانی رسید.'): Step => ({ id, type: 'notify', title: 'اطلاع‌رسانی', template }),
  survey: (): Step => ({ id: 'survey', type: 'survey', title: 'نظرسنجی' }),
};

export const testFee = { key: 'fee', title: 'هزینه صدور', amountRials: 500_000, when: 'on-submit' as const };
