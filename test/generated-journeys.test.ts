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
const RUNS = Number(process.env.FC_RUNS ?? 30);
const STAFF = ['dabir', 'legal', 'inspection', 'hr', 'supervisor', 'admin'] as const;
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
  /** `who: 'right'` is whoever the step is for (a clerk who looks at their inbox); the others may be anyone. */
  | { type: 'decide'; who: Who | 'right'; kind: DecisionKind; reason: boolean; forwardTo: 'legal' | 'hr' | 'inspection'; replyDuringSms: boolean }
  | { type: 'reply' }
  | { type: 'pay'; wrongPayment: boolean }
  | { type: 'survey' }
  | { type: 'restart' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('decide' as const), who: fc.oneof(fc.constant('right' as const), fc.constant('right' as const), fc.constantFrom(...STAFF)), kind: fc.constantFrom(...KINDS), reason: fc.boolean(), forwardTo: fc.constantFrom('legal' as const, 'hr' as const, 'inspection' as const), replyDuringSms: fc.boolean() }) },
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

/** The person the step waits for, as a clerk finds it in their inbox: not one who approved another step if avoidable. */
function rightPerson(model: Model, row: Record<string, any>): Who {
  const step = model.service.steps.find((s) => s.id === row.step_id);
  const members = STAFF.filter((who) => actors[who].role !== 'admin' && actors[who].departmentIds.includes(row.department_id));
  const role = step?.type === 'review' ? step.role : 'secretariat';
  const fits = members.filter((who) => (role === 'secretariat' ? actors[who].role === 'secretariat' : role === 'supervisor' ? actors[who].role === 'supervisor' : true));
  const fresh = fits.filter((who) => !Object.entries(model.approvedBy).some(([id, by]) => id !== row.step_id && by === who));
  return fresh[0] ?? (Object.values(model.approvedBy).includes('admin') ? fits[0] ?? 'admin' : 'admin');
}

/** Why the workflow must refuse this decision given where the projection says the request stands, or null. */
function expectedRefusal(model: Model, row: Record<string, any>, action: Extract<Action, { type: 'decide' }> & { who: Who }): string | null {
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

/** An action's answer within a bound: an accepted action the workflow never records (a lost reply) fails here, not at the test's timeout. */
function within<T>(promise: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (accepted but never recorded?)`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What was accepted over the whole run: a generator that never gets past the first refusal proves nothing. */
const accepted: Record<string, number> = {};

async function runJourney(shape: Shape, actions: Action[], runId: number): Promise<void> {
  const serviceId = `wf-gen-${runId}-${Date.now() % 100000}`;
  const service = testService(serviceId, stepsOf(shape), { sms: SMS, fees: [testFee], survey: { windowDays: 1, questions: [] } });
  await publish(desk, service);
  const request = await submit(desk, serviceId, letterAnswers('legal'));
  const model: Model = { service, approvedBy: {}, lastAccepted: null, surveyAnswered: false };
  await settled(desk, request.code);

  // The generated actions, then what the people the request waits for do next, until it ends.
  const finishing = (row: Record<string, any>): Action | null => {
    switch (row.awaiting) {
      case 'review':
        return { type: 'decide', who: 'right', kind: 'approve', reason: true, forwardTo: 'legal', replyDuringSms: false };
      case 'citizen':
        return { type: 'reply' };
      case 'payment':
        return { type: 'pay', wrongPayment: false };
      case 'survey':
        return { type: 'survey' };
      default:
        return null;
    }
  };
  let finishingRefused = false;
  for (let i = 0; i < actions.length + 12; i++) {
    const row = await requestRow(desk, request.code);
    if (row.closed_at) break;
    const action = i < actions.length ? actions[i] : finishing(row);
    if (!action) break;
    const before = await footprint(desk, request.requestId);
    let refusal: string | null = null;
    let expected: string | null = null;
    let replied = false;
    switch (action.type) {
      case 'decide': {
        const person = action.who === 'right' ? rightPerson(model, row) : action.who;
        const decision = { ...action, who: person };
        expected = expectedRefusal(model, row, decision);
        const extra = { reason: action.reason ? 'دلیل آزمایشی' : undefined, forwardToDepartmentId: action.kind === 'forward' ? departments[action.forwardTo] : undefined };
        const race = action.kind === 'needs_info' && action.replyDuringSms && expected === null;
        if (race) await fault(desk, 'sms', 'hold');
        try {
          refusal = await within(decideAs(desk, request.code, person, action.kind, extra), 'a decision').then(() => null, refusalCode);
          // The citizen answers while the SMS asking for it is still at the operator.
          if (race && refusal === null) {
            const replying = handleOf(desk, request.code).executeUpdate(reply, { args: [{ note: 'همزمان' }] });
            await new Promise((r) => setTimeout(r, 300));
            await fault(desk, 'sms', 'ok');
            await within(replying, 'a reply sent during the SMS');
            replied = true;
            accepted.reply = (accepted.reply ?? 0) + 1;
          }
        } finally {
          if (race) await fault(desk, 'sms', 'ok');
        }
        if (refusal === null) {
          model.lastAccepted = action.kind;
          if (action.kind === 'approve') model.approvedBy[row.step_id] = person;
        }
        break;
      }
      case 'reply':
        expected = row.awaiting === 'citizen' ? null : 'not-awaiting-reply';
        refusal = await within(handleOf(desk, request.code).executeUpdate(reply, { args: [{ note: 'پاسخ' }] }), 'a reply').then(() => null, refusalCode);
        replied = refusal === null;
        break;
      case 'pay': {
        const payment = await desk.db('payments').where({ request_id: request.requestId, status: 'pending' }).first();
        expected = row.awaiting === 'payment' && payment && !action.wrongPayment ? null : 'not-awaiting-payment';
        const paymentId = action.wrongPayment || !payment ? '00000000-0000-4000-8000-000000000000' : payment.id;
        refusal = await within(handleOf(desk, request.code).executeUpdate(settlePayment, { args: [{ paymentId, paid: true, reference: 'GEN' }] }), 'a payment').then(() => null, refusalCode);
        break;
      }
      case 'survey':
        expected = row.awaiting === 'survey' && !model.surveyAnswered ? null : 'survey-not-open';
        refusal = await within(handleOf(desk, request.code).executeUpdate(answerSurvey, {}), 'a survey answer').then(() => null, refusalCode);
        if (refusal === null) {
          model.surveyAnswered = true;
          await desk.db('surveys').insert({ request_id: request.requestId, service_id: serviceId, rating: 5, answers: '{}' });
        }
        break;
      case 'restart':
        await restartWorker();
        break;
    }
    if (refusal === null && action.type !== 'restart') {
      const name = action.type === 'decide' ? `decide:${action.kind}` : action.type;
      accepted[name] = (accepted[name] ?? 0) + 1;
    }
    // The model and the workflow agree on every action; a refused one changes nothing.
    expect({ action, refusal }).toEqual({ action, refusal: expected });
    if (action.type !== 'restart' && refusal !== null) expect(without(await footprint(desk, request.requestId))).toEqual(without(before));
    const after = await settled(desk, request.code);
    // A reply just accepted has taken the request back to review: it was not lost.
    if (replied) expect(after.awaiting).not.toBe('citizen');
    await checkInvariants(model, request.requestId, request.code, shape);
    if (i >= actions.length && refusal !== null) finishingRefused = true;
    if (finishingRefused) break;
  }
  // Taken to its end by the right people, the request ends: rejected by its last decision, or closed.
  if (!finishingRefused) {
    const end = await requestRow(desk, request.code);
    expect({ status: end.status, ended: end.closed_at !== null }).toEqual({ status: model.lastAccepted === 'reject' ? 'rejected' : 'closed', ended: true });
  }
}

test('generated services and interleavings keep every invariant', async () => {
  let runId = 0;
  const numbersBefore = await desk.db('letters').max('id as id').first();
  await fc.assert(
    fc.asyncProperty(shapeArb, fc.array(actionArb, { minLength: 4, maxLength: 12 }), async (shape, actions) => {
      runId += 1;
      await runJourney(shape, actions, runId);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
  );
  // The journeys went deep: every kind of action was accepted somewhere.
  console.log(`generated journeys (seed ${SEED}, ${RUNS} runs) accepted: ${JSON.stringify(accepted)}`);
  for (const name of ['decide:approve', 'decide:reject', 'decide:needs_info', 'decide:forward', 'reply', 'pay', 'survey']) expect({ name, accepted: (accepted[name] ?? 0) > 0 }).toEqual({ name, accepted: true });
  // Letter numbers made in these journeys are unique, and no number in their range was skipped: incoming and outgoing each.
  for (const direction of ['incoming', 'outgoing']) {
    // These journeys' own letters: other test files make letters meanwhile, some numbered by an outside system (no sequence of ours).
    const letters = await desk.db('letters as l')
      .join('requests as r', 'r.id', 'l.request_id')
      .where('l.id', '>', numbersBefore?.id ?? 0)
      .where('r.service_id', 'like', 'wf-gen-%')
      .where({ 'l.direction': direction, 'l.registry': 'builtin' })
      .select('l.number', 'l.year', 'l.seq');
    expect(new Set(letters.map((l) => l.number)).size).toBe(letters.length);
    const seqs = letters.map((l) => Number(l.seq)).sort((a: number, b: number) => a - b);
    if (seqs.length) {
      const present = new Set((await desk.db('letters').where({ year: letters[0].year, direction }).whereBetween('seq', [seqs[0], seqs[seqs.length - 1]]).pluck('seq')).map(Number));
      for (let s = seqs[0]; s <= seqs[seqs.length - 1]; s++) expect({ direction, seq: s, present: present.has(s) }).toEqual({ direction, seq: s, present: true });
    }
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
  // The SMS asking for the reply may have been handed to the stopping worker's poller and lost with it:
  // Temporal gives it to the new worker once its start-to-close timeout (30 s) passes, and the SMS after it
  // waits in line. The request itself is back in review at once.
  expect((await waitForRow(desk, request.code, (r) => r.status === 'pending_review' && r.awaiting === 'review', 'back in review')).status).toBe('pending_review');
  expect((await settled(desk, request.code, 70_000)).status).toBe('pending_review');
  expect((await decideAs(desk, request.code, 'dabir', 'approve')).status).toBe('approved');
});
