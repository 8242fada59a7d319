// Generated journeys: service shapes the schema allows, and what people do to a request in any order — decisions by
// the right and the wrong people, refused decisions followed by valid ones, replies (also while the SMS is under way),
// payments, survey answers, a worker restart — run against the real Temporal dev server and PostgreSQL. A small model
// predicts whether each action is accepted; invariants are checked after each action and at the end.
// The run is seeded (FC_SEED to replay a failure; the seed is printed when it fails) and bounded (FC_RUNS).
import fc from 'fast-check';
import { answerSurvey, reply, settlePayment } from '../workflows/messages';
import type { DecisionKind, RequestStatus, ReviewRole, ServiceDefinition, Step } from '../workflows/types';
import { startDesk, type Desk } from './helpers/desk';
import { letterAnswers } from './helpers/journeys';
import {
  actorOf, decideAs, departmentId, fault, footprint, handleOf, publish, refusalCode, requestRow, settled, submit, testFee, testService, waitForRow,
} from './helpers/workflow-services';

const SEED = Number(process.env.FC_SEED ?? 20261130);
const RUNS = Number(process.env.FC_RUNS ?? 14);
const STAFF = ['dabir', 'legal', 'inspection', 'supervisor', 'admin'] as const;
type Who = (typeof STAFF)[number];
const KINDS: DecisionKind[] = ['approve', 'reject', 'needs_info', 'forward'];

let desk: Desk;
const departments: Record<string, number> = {};
const actors: Record<string, Awaited<ReturnType<typeof actorOf>>> = {};

beforeAll(async () => {
  desk = await startDesk();
  for (const code of ['secretariat', 'legal', 'inspection', 'hr']) departments[code] = await departmentId(desk, code);
  for (const who of STAFF) actors[who] = await actorOf(desk, who);
});
afterAll(async () => {
  await fault(desk, 'sms', 'ok').catch(() => undefined);
  await desk?.stop();
});

// ---- the shapes -------------------------------------------------------------------------------------------------

interface Shape {
  payment: 'none' | 'first' | 'afterReviews';
  secretariat: boolean;
  letter: boolean;
  department: boolean;
  supervisor: boolean;
  relaxSupervisor: boolean;
  departmentForward: boolean;
  deliver: boolean;
  notify: boolean;
  survey: boolean;
  surveyBeforeDeliver: boolean;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  payment: fc.constantFrom('none', 'first', 'afterReviews'),
  secretariat: fc.boolean(),
  letter: fc.boolean(),
  department: fc.boolean(),
  supervisor: fc.boolean(),
  relaxSupervisor: fc.boolean(),
  departmentForward: fc.boolean(),
  deliver: fc.boolean(),
  notify: fc.boolean(),
  survey: fc.boolean(),
  surveyBeforeDeliver: fc.boolean(),
});

const SMS = {
  submitted: 'ثبت شد {{trackingCode}}',
  pending_review: 'در انتظار بررسی {{trackingCode}}',
  needs_info: 'تکمیل کنید {{trackingCode}}: {{reason}}',
  awaiting_payment: 'پرداخت کنید {{trackingCode}}',
  in_progress: 'در حال رسیدگی {{trackingCode}}',
  approved: 'تأیید شد {{trackingCode}}',
  rejected: 'رد شد {{trackingCode}}: {{reason}}',
  delivered: 'تحویل شد {{trackingCode}}',
  closed: 'بسته شد {{trackingCode}}',
  cancelled: 'لغو شد {{trackingCode}}',
  survey: 'نظر دهید {{link}}',
};

function stepsOf(shape: Shape): Step[] {
  const steps: Step[] = [];
  const pay: Step = { id: 'pay', type: 'payment', title: 'پرداخت', fee: 'fee', deadlineSeconds: 600 };
  if (shape.payment === 'first') steps.push(pay);
  if (shape.secretariat) steps.push({ id: 'secretariat-review', type: 'review', title: 'دبیرخانه', role: 'secretariat', decisions: ['approve', 'reject', 'needs_info'] });
  if (shape.letter) steps.push({ id: 'register', type: 'register-letter', title: 'ثبت نامه', department: 'inspection' });
  if (shape.department) {
    steps.push({ id: 'department-review', type: 'review', title: 'واحد', role: 'department', decisions: shape.departmentForward ? ['approve', 'reject', 'needs_info', 'forward'] : ['approve', 'reject', 'needs_info'] });
  }
  if (shape.supervisor) steps.push({ id: 'supervisor-review', type: 'review', title: 'سرپرست', role: 'supervisor', decisions: ['approve', 'reject'], sameDeciderAllowed: shape.relaxSupervisor });
  if (shape.payment === 'afterReviews') steps.push(pay);
  const survey: Step = { id: 'survey', type: 'survey', title: 'نظرسنجی' };
  if (shape.survey && shape.surveyBeforeDeliver) steps.push(survey);
  if (shape.deliver) steps.push({ id: 'issue', type: 'deliver', title: 'صدور', document: 'certificate', body: 'گواهی {{trackingCode}}' });
  if (shape.notify) steps.push({ id: 'tell', type: 'notify', title: 'اطلاع', template: 'پایان {{trackingCode}}' });
  if (shape.survey && !shape.surveyBeforeDeliver) steps.push(survey);
  return steps;
}

// ---- what people do ---------------------------------------------------------------------------------------------

type Action =
  | { type: 'decide'; who: Who; kind: DecisionKind; reason: boolean; forwardTo: 'legal' | 'hr' | 'inspection'; replyDuringSms: boolean }
  | { type: 'reply' }
  | { type: 'pay'; wrongPayment: boolean }
  | { type: 'survey' }
  | { type: 'restart' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('decide' as const), who: fc.constantFrom(...STAFF), kind: fc.constantFrom(...KINDS), reason: fc.boolean(), forwardTo: fc.constantFrom('legal' as const, 'hr' as const, 'inspection' as const), replyDuringSms: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ type: 'reply' as const }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('pay' as const), wrongPayment: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ type: 'survey' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'restart' as const }) },
);

// ---- the model ----------------------------------------------------------------------------------------------------

interface Model {
  service: ServiceDefinition;
  approvedBy: Record<string, string>;
  lastAccepted: DecisionKind | null;
  surveyAnswered: boolean;
}

/** Why the workflow must refuse this decision given where the projection says the request stands, or null. */
function expectedRefusal(model: Model, row: Record<string, any>, action: Extract<Action, { type: 'decide' }>): string | null {
  const step = model.service.steps.find((s) => s.id === row.step_id);
  if (row.awaiting !== 'review' || step?.type !== 'review') return 'not-awaiting-review';
  const allowed = step.decisions ?? ['approve', 'reject', 'needs_info'];
  if (!allowed.includes(action.kind)) return 'decision-not-allowed';
  if ((action.kind === 'reject' || action.kind === 'needs_info') && !action.reason) return 'reason-required';
  if (action.kind === 'forward' && departments[action.forwardTo] === row.department_id) return 'forward-department-required';
  const actor = actors[action.who];
  const role: ReviewRole = step.role;
  if (actor.role !== 'admin') {
    if (role === 'secretariat' && actor.role !== 'secretariat') return 'role-not-allowed';
    if (role === 'supervisor' && actor.role !== 'supervisor') return 'role-not-allowed';
    if (role !== 'secretariat' && !actor.departmentIds.includes(row.department_id)) return 'not-your-department';
  }
  if (!step.sameDeciderAllowed && Object.entries(model.approvedBy).some(([id, who]) => id !== step.id && who === action.who)) return 'same-decider';
  return null;
}

const without = <T extends Record<string, unknown>>(value: T) => {
  const { updatedAt: _u, ...rest } = value;
  return rest;
};

async function restartWorker(): Promise<void> {
  await desk.restartWorker();
}

/** Statuses in the order they were recorded, and the SMS sent per status. */
async function historyOf(requestId: number) {
  const statuses = (await desk.db('request_events').where({ request_id: requestId }).whereNotNull('status').orderBy('id').pluck('status')) as RequestStatus[];
  const sms = (await desk.db('sms_outbox').where({ request_id: requestId }).pluck('purpose')) as string[];
  return { statuses, sms };
}

async function checkInvariants(model: Model, requestId: number, code: string, shape: Shape): Promise<void> {
  const row = await requestRow(desk, code);
  // The final status follows the last accepted decision.
  if (model.lastAccepted === 'reject') expect(row.status).toBe('rejected');
  if (model.lastAccepted === 'needs_info' && row.awaiting === 'citizen') expect(row.status).toBe('needs_info');
  // One person never decides two review steps (unless the step relaxes it).
  const approvals = await desk.db('request_events').where({ request_id: requestId }).where((b) => b.where('kind', 'approved_step').orWhere('status', 'approved')).select('actor', 'kind', 'status');
  const byActor = new Map<string, number>();
  for (const a of approvals) byActor.set(a.actor, (byActor.get(a.actor) ?? 0) + 1);
  const relaxed = shape.supervisor && shape.relaxSupervisor ? 1 : 0;
  for (const count of byActor.values()) expect(count).toBeLessThanOrEqual(1 + relaxed);
  // One SMS per change into a status: never more SMS of a status than times the request entered it.
  const { statuses, sms } = await historyOf(requestId);
  const entered = new Map<string, number>();
  statuses.forEach((status, i) => {
    if (i === 0 || statuses[i - 1] !== status) entered.set(status, (entered.get(status) ?? 0) + 1);
  });
  const tooMany = Object.keys(SMS)
    .filter((status) => status !== 'survey')
    .map((status) => ({ status, sms: sms.filter((p) => p === status).length, entered: entered.get(status) ?? 0 }))
    .filter((s) => s.sms > s.entered);
  expect(tooMany).toEqual([]);
  // The survey is answered at most once.
  expect(Number((await desk.db('surveys').where({ request_id: requestId }).count({ n: '*' }).first())!.n)).toBeLessThanOrEqual(1);
}

async function runJourney(shape: Shape, actions: Action[], runId: number): Promise<void> {
  const serviceId = `wf-gen-${runId}-${Date.now() % 100000}`;
  const service = testService(serviceId, stepsOf(shape), { sms: SMS, fees: [testFee], survey: { windowDays: 1, questions: [] } });
  await publish(desk, service);
  const request = await submit(desk, serviceId, letterAnswers('legal'));
  const model: Model = { service, approvedBy: {}, lastAccepted: null, surveyAnswered: false };
  await settled(desk, request.code);

  for (const action of actions) {
    const row = await requestRow(desk, request.code);
    if (row.closed_at) break;
    const before = await footprint(desk, request.requestId);
    let refusal: string | null = null;
    let expected: string | null = null;
    let replied = false;
    switch (action.type) {
      case 'decide': {
        expected = expectedRefusal(model, row, action);
        const extra = { reason: action.reason ? 'دلیل آزمایشی' : undefined, forwardToDepartmentId: action.kind === 'forward' ? departments[action.forwardTo] : undefined };
        const race = action.kind === 'needs_info' && action.replyDuringSms && expected === null;
        if (race) await fault(desk, 'sms', 'hold');
        try {
          refusal = await decideAs(desk, request.code, action.who, action.kind, extra).then(() => null, refusalCode);
          // The citizen answers while the SMS asking for it is still at the operator.
          if (race && refusal === null) {
            const replying = handleOf(desk, request.code).executeUpdate(reply, { args: [{ note: 'همزمان' }] });
            await new Promise((r) => setTimeout(r, 300));
            await fault(desk, 'sms', 'ok');
            await replying;
            replied = true;
          }
        } finally {
          if (race) await fault(desk, 'sms', 'ok');
        }
        if (refusal === null) {
          model.lastAccepted = action.kind;
          if (action.kind === 'approve') model.approvedBy[row.step_id] = action.who;
        }
        break;
      }
      case 'reply':
        expected = row.awaiting === 'citizen' ? null : 'not-awaiting-reply';
        refusal = await handleOf(desk, request.code).executeUpdate(reply, { args: [{ note: 'پاسخ' }] }).then(() => null, refusalCode);
        replied = refusal === null;
        break;
      case 'pay': {
        const payment = await desk.db('payments').where({ request_id: request.requestId, status: 'pending' }).first();
        expected = row.awaiting === 'payment' && payment && !action.wrongPayment ? null : 'not-awaiting-payment';
        const paymentId = action.wrongPayment || !payment ? '00000000-0000-4000-8000-000000000000' : payment.id;
        refusal = await handleOf(desk, request.code).executeUpdate(settlePayment, { args: [{ paymentId, paid: true, reference: 'GEN' }] }).then(() => null, refusalCode);
        break;
      }
      case 'survey':
        expected = row.awaiting === 'survey' && !model.surveyAnswered ? null : 'survey-not-open';
        refusal = await handleOf(desk, request.code).executeUpdate(answerSurvey, {}).then(() => null, refusalCode);
        if (refusal === null) {
          model.surveyAnswered = true;
          await desk.db('surveys').insert({ request_id: request.requestId, service_id: serviceId, rating: 5, answers: '{}' });
        }
        break;
      case 'restart':
        await restartWorker();
        break;
    }
    // The model and the workflow agree on every action; a refused one changes nothing.
    expect({ action, refusal }).toEqual({ action, refusal: expected });
    if (action.type !== 'restart' && refusal !== null) expect(without(await footprint(desk, request.requestId))).toEqual(without(before));
    const after = await settled(desk, request.code);
    // A reply just accepted has taken the request back to review: it was not lost.
    if (replied) expect(after.awaiting).not.toBe('citizen');
    await checkInvariants(model, request.requestId, request.code, shape);
  }
}

test('generated services and interleavings keep every invariant', async () => {
  let runId = 0;
  const numbersBefore = await desk.db('letters').max('id as id').first();
  await fc.assert(
    fc.asyncProperty(shapeArb, fc.array(actionArb, { minLength: 3, maxLength: 10 }), async (shape, actions) => {
      runId += 1;
      await runJourney(shape, actions, runId);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
  );
  // Letter numbers made in these journeys are unique, and no number in their range was skipped.
  const letters = await desk.db('letters').where('id', '>', numbersBefore?.id ?? 0).pluck('number');
  expect(new Set(letters).size).toBe(letters.length);
  const seqs = letters.map((n: string) => Number(n.split('/')[2])).sort((a: number, b: number) => a - b);
  if (seqs.length) {
    const year = letters[0].split('/')[0];
    const all = (await desk.db('letters').where('number', 'like', `${year}/%`).pluck('number')).map((n: string) => Number(n.split('/')[2]));
    const present = new Set(all);
    for (let s = seqs[0]; s <= seqs[seqs.length - 1]; s++) expect({ seq: s, present: present.has(s) }).toEqual({ seq: s, present: true });
  }
}, 600_000);

test('a request waiting for a reply still answers after the worker restarts', async () => {
  const service = testService(`wf-gen-restart-${Date.now() % 100000}`, stepsOf({ payment: 'none', secretariat: true, letter: false, department: false, supervisor: false, relaxSupervisor: false, departmentForward: false, deliver: false, notify: false, survey: false, surveyBeforeDeliver: false }), { sms: SMS });
  await publish(desk, service);
  const request = await submit(desk, service.id);
  await waitForRow(desk, request.code, (r) => r.awaiting === 'review', 'review');
  await decideAs(desk, request.code, 'dabir', 'needs_info', { reason: 'بفرستید' });
  await restartWorker();
  await handleOf(desk, request.code).executeUpdate(reply, { args: [{ note: 'فرستادم' }] });
  expect((await settled(desk, request.code)).status).toBe('pending_review');
  expect((await decideAs(desk, request.code, 'dabir', 'approve')).status).toBe('approved');
});
