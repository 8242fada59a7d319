// One request, from submission to survey: walks the steps of the service snapshot it started with.
// Running requests replay this code: a change to what they do goes behind `wf.patched('<change-id>')`
// (old path kept until no history needs it); test/workflow-versioning.test.ts replays recorded histories.
import * as wf from '@temporalio/workflow';
import { currentState, decide, paymentSettled, resubmit, surveyAnswered, type Refusal } from './messages';
import { activities, RequestRun } from './run';
import * as steps from './steps';
import type { Decision, RequestInput, RequestStatus } from './types';

function refuse(code: Refusal): never {
  throw wf.ApplicationFailure.create({ type: 'DecisionRefused', message: code, nonRetryable: true });
}

/** Checks a decision before it is accepted: the page shows the refusal at once. */
function validateDecision(run: RequestRun, decision: Decision): void {
  const step = run.reviewStep;
  if (run.state.awaiting !== 'review' || !step) refuse('not-awaiting-review');
  if (run.decision !== null) refuse('decision-in-progress');
  const allowed = step.decisions ?? ['approve', 'reject', 'needs_info'];
  if (!allowed.includes(decision.kind)) refuse('decision-not-allowed');
  if ((decision.kind === 'reject' || decision.kind === 'needs_info') && !(decision.reason ?? '').trim()) refuse('reason-required');
  if (decision.kind === 'forward' && (!decision.forwardToDepartmentId || decision.forwardToDepartmentId === run.state.departmentId)) {
    refuse('forward-department-required');
  }
  const { role, departmentIds } = decision.actor;
  if (role === 'admin') return;
  // The correspondence system answers for the department its letter went to, and for nothing else.
  if (role === 'integration') {
    if (step.role !== 'department') refuse('role-not-allowed');
    return;
  }
  if (step.role === 'secretariat' && role !== 'secretariat') refuse('role-not-allowed');
  if (step.role === 'supervisor' && role !== 'supervisor') refuse('role-not-allowed');
  if (step.role !== 'secretariat' && !departmentIds.includes(run.state.departmentId ?? -1)) refuse('not-your-department');
}

/** Where the request stands when its SLA mark is made: the supervisor of that department is the one told. */
const slaContext = (run: RequestRun) => ({ status: run.state.status, departmentId: run.state.departmentId });

/** Reminds the handling department at the reminder point and escalates at the due date. */
async function watchSla(run: RequestRun): Promise<void> {
  const reminderShare = run.service.sla.reminderAt ?? 0.8;
  let reminded = false;
  let escalated = false;
  while (!run.finished && !run.slaStopped && !escalated) {
    if (run.clockPausedSince !== null) {
      await wf.condition(() => run.clockPausedSince === null || run.finished || run.slaStopped);
      continue;
    }
    const due = run.slaDueAt;
    const target = reminded ? due : run.slaStartedAt + (due - run.slaStartedAt) * reminderShare;
    const interrupted = await wf.condition(
      () => run.finished || run.slaStopped || run.clockPausedSince !== null || run.slaDueAt !== due,
      Math.max(target - Date.now(), 1),
    );
    if (interrupted) continue;
    if (!reminded) {
      reminded = true;
      await activities.markSla({ requestId: run.input.requestId, dedupeKey: run.nextKey('sla-warning'), state: 'warning', ...slaContext(run) });
    } else {
      escalated = true;
      await activities.markSla({ requestId: run.input.requestId, dedupeKey: run.nextKey('sla-breached'), state: 'breached', ...slaContext(run) });
    }
  }
}

export async function serviceRequest(input: RequestInput): Promise<RequestStatus> {
  const run = new RequestRun(input);
  let lastActor = 'system';
  wf.setHandler(currentState, () => run.state);
  wf.setHandler(
    decide,
    async (decision) => {
      run.decision = decision;
      lastActor = decision.actor.username;
      const ticket = ++run.decisionsReceived;
      await wf.condition(() => run.decisionsSettled >= ticket || run.finished);
      return { status: run.state.status, letterNumber: run.state.letterNumber };
    },
    { validator: (decision) => validateDecision(run, decision) },
  );
  wf.setHandler(resubmit, () => {
    if (run.state.awaiting === 'citizen') run.resubmitted += 1;
  });
  wf.setHandler(paymentSettled, (outcome) => {
    run.payment = outcome;
  });
  wf.setHandler(surveyAnswered, () => {
    run.surveyDone = true;
  });

  const sla = watchSla(run);
  await run.setStatus('submitted', { kind: 'submitted' });
  const reviews = input.service.definition.steps.filter((s) => s.type === 'review');
  const lastReview = reviews[reviews.length - 1];
  let outcome: steps.StepOutcome = 'next';
  for (const step of input.service.definition.steps) {
    switch (step.type) {
      case 'inquiry':
        outcome = await steps.inquiry(run, step);
        break;
      case 'review':
        outcome = await steps.review(run, step, step === lastReview);
        break;
      case 'payment':
        outcome = await steps.payment(run, step);
        break;
      case 'register-letter':
        outcome = await steps.registerLetter(run, step, lastActor);
        break;
      case 'deliver':
        outcome = await steps.deliver(run, step);
        break;
      case 'notify':
        outcome = await steps.notify(run, step);
        break;
      case 'survey':
        outcome = await steps.survey(run, step);
        break;
    }
    if (outcome === 'stop') break;
  }
  if (outcome === 'next') await run.setStatus('closed', { awaiting: null });
  run.finished = true;
  run.decisionsSettled = run.decisionsReceived;
  await sla;
  await wf.condition(wf.allHandlersFinished);
  return run.state.status;
}
