// One request, from submission to survey: walks the steps of the service snapshot it started with.
// Running requests replay this code: a change to what they do goes behind `wf.patched('<change-id>')`
// (old path kept until no history needs it); test/workflow-versioning.test.ts replays recorded histories.
import * as wf from '@temporalio/workflow';
import { answerSurvey, currentState, decide, paymentSettled, reply, resubmit, settlePayment, surveyAnswered, type Refusal } from './messages';
import { CONDITIONAL_STEPS_PATCH, deciderOf, EARLY_ANSWERS_PATCH, RequestRun } from './run';
import { stepRuns } from './service-facts';
import * as steps from './steps';
import type { Decision, RequestInput, RequestStatus, ReviewStep } from './types';

function refuse(code: Refusal): never {
  throw wf.ApplicationFailure.create({ type: 'DecisionRefused', message: code, nonRetryable: true });
}

/** The department review the correspondence system answers for: the next department step once the letter is being registered. */
function upcomingDepartmentStep(run: RequestRun): ReviewStep | null {
  const all = run.service.steps;
  const letterAt = all.findIndex((s, i) => s.type === 'register-letter' && i <= run.stepIndex && !run.skipped.has(s.id));
  if (letterAt < 0) return null;
  const next = all.slice(run.stepIndex + 1).find((s): s is ReviewStep => s.type === 'review' && !run.skipped.has(s.id));
  return next?.role === 'department' ? next : null;
}

/** The checks of one decision against one review step. */
function checkDecision(run: RequestRun, step: ReviewStep, decision: Decision): void {
  const allowed = step.decisions ?? ['approve', 'reject', 'needs_info'];
  if (!allowed.includes(decision.kind)) refuse('decision-not-allowed');
  if ((decision.kind === 'reject' || decision.kind === 'needs_info') && !(decision.reason ?? '').trim()) refuse('reason-required');
  if (decision.kind === 'forward' && (!decision.forwardToDepartmentId || decision.forwardToDepartmentId === run.state.departmentId)) {
    refuse('forward-department-required');
  }
  // The clerk who registered a walk-in citizen's request at the counter does not decide it (validators do not run on replay).
  if (run.input.registeredBy && deciderOf(decision) === run.input.registeredBy) refuse('registered-by-you');
  checkRole(run, step, decision);
  // Two review steps of one request are decided by two people; admins are held to it too.
  if (run.trusted && !step.sameDeciderAllowed) {
    const decider = deciderOf(decision);
    if (Object.entries(run.approvedBy).some(([stepId, who]) => stepId !== step.id && who === decider)) refuse('same-decider');
  }
}

/** Whether this actor may decide this step at all. */
function checkRole(run: RequestRun, step: ReviewStep, decision: Decision): void {
  const { role, departmentIds } = decision.actor;
  if (role === 'admin') return;
  // The correspondence system answers for the department its letter went to, and for nothing else.
  if (role === 'integration') {
    if (step.role !== 'department') refuse('role-not-allowed');
    // A key answers for its own departments (an early answer was checked against its letter's department by the API).
    if (run.trusted && run.state.awaiting === 'review' && !departmentIds.includes(run.state.departmentId ?? -1)) refuse('not-your-department');
    return;
  }
  if (role === 'counter') refuse('role-not-allowed');
  if (step.role === 'secretariat' && role !== 'secretariat') refuse('role-not-allowed');
  if (step.role === 'supervisor' && role !== 'supervisor') refuse('role-not-allowed');
  if (step.role !== 'secretariat' && !departmentIds.includes(run.state.departmentId ?? -1)) refuse('not-your-department');
}

/** Checks a decision before it is accepted: the page shows the refusal at once. */
function validateDecision(run: RequestRun, decision: Decision): void {
  if (run.decision !== null || run.earlyDecision !== null) refuse('decision-in-progress');
  const step = run.reviewStep;
  if (run.state.awaiting === 'review' && step) return checkDecision(run, step, decision);
  // An answer from the correspondence system may overtake the workflow on its way to the department step: it is kept.
  const ahead = run.trusted && !run.finished && decision.actor.role === 'integration' ? upcomingDepartmentStep(run) : null;
  if (!ahead) refuse('not-awaiting-review');
  checkDecision(run, ahead, decision);
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
      await run.writes.markSla({ requestId: run.input.requestId, dedupeKey: run.nextKey('sla-warning'), state: 'warning', ...slaContext(run) });
    } else {
      escalated = true;
      await run.writes.markSla({ requestId: run.input.requestId, dedupeKey: run.nextKey('sla-breached'), state: 'breached', ...slaContext(run) });
    }
  }
}

function setHandlers(run: RequestRun, onDecision: (decision: Decision) => void): void {
  wf.setHandler(currentState, () => run.state);
  wf.setHandler(
    decide,
    async (decision) => {
      onDecision(decision);
      const ticket = ++run.decisionsReceived;
      const action = run.takeTicket();
      if (run.state.awaiting === 'review' && run.reviewStep) run.decision = decision;
      else {
        run.earlyDecision = decision;
        // Kept in the workflow (its history holds the update) until the department step begins: said so now.
        if (run.trusted && wf.patched(EARLY_ANSWERS_PATCH)) {
          run.earlyAnsweredAtOnce = true;
          return { status: run.state.status, letterNumber: run.state.letterNumber, kept: true };
        }
      }
      if (run.trusted) {
        await run.recorded(action);
        // Kept for a department step the request never reached (it ended, or went back): the caller learns it was not applied.
        if (run.earlyDecision === decision) refuse('not-awaiting-review');
        const recorded = run.recordedState ?? run.state;
        return { status: recorded.status, letterNumber: recorded.letterNumber };
      }
      await wf.condition(() => run.decisionsSettled >= ticket || run.finished);
      return { status: run.state.status, letterNumber: run.state.letterNumber };
    },
    { validator: (decision) => validateDecision(run, decision) },
  );
  wf.setHandler(
    reply,
    async (_reply) => {
      const ticket = run.takeTicket();
      run.resubmitted += 1;
      await run.recorded(ticket);
      return run.recordedState ?? run.state;
    },
    { validator: (_reply) => (run.state.awaiting === 'citizen' ? undefined : refuse('not-awaiting-reply')) },
  );
  wf.setHandler(
    settlePayment,
    async (outcome) => {
      const ticket = run.takeTicket();
      run.payment = outcome;
      await run.recorded(ticket);
      return run.recordedState ?? run.state;
    },
    { validator: (outcome) => (run.state.awaiting === 'payment' && run.paymentId === outcome.paymentId && outcome.paid ? undefined : refuse('not-awaiting-payment')) },
  );
  wf.setHandler(
    answerSurvey,
    async () => {
      const ticket = run.takeTicket();
      run.surveyDone = true;
      await run.recorded(ticket);
      return run.recordedState ?? run.state;
    },
    { validator: () => (run.state.awaiting === 'survey' && !run.surveyDone ? undefined : refuse('survey-not-open')) },
  );
  // Requests started before the updates keep receiving these in their histories.
  wf.setHandler(resubmit, () => {
    if (run.state.awaiting === 'citizen') run.resubmitted += 1;
  });
  wf.setHandler(paymentSettled, (outcome) => {
    run.payment = outcome;
  });
  wf.setHandler(surveyAnswered, () => {
    run.surveyDone = true;
  });
}

export async function serviceRequest(input: RequestInput): Promise<RequestStatus> {
  const run = new RequestRun(input);
  let lastActor = 'system';
  setHandlers(run, (decision) => {
    lastActor = decision.actor.username;
  });

  const sla = watchSla(run);
  await run.setStatus('submitted', { kind: 'submitted' });
  const all = input.service.definition.steps;
  // A step whose `when` does not hold for the answers is skipped; the answers do not change while the request runs.
  for (const step of all) {
    if (step.when && wf.patched(CONDITIONAL_STEPS_PATCH) && !stepRuns(step, input.answers)) run.skipped.add(step.id);
  }
  const reviews = all.filter((s) => s.type === 'review' && !run.skipped.has(s.id));
  const lastReview = reviews[reviews.length - 1];
  let outcome: steps.StepOutcome = 'next';
  for (const [index, step] of all.entries()) {
    run.stepIndex = index;
    if (run.skipped.has(step.id)) {
      await run.event('step_skipped', step.title, { step: step.id });
      continue;
    }
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
  if (outcome === 'next') await run.setStatus('closed', { awaiting: null, records: true });
  // An answer kept for a department step the request never reached: staff read in the history that it was not used.
  if (run.earlyDecision && run.earlyAnsweredAtOnce) {
    const { kind, actor } = run.earlyDecision;
    await run.event('early_answer_unused', run.earlyDecision.reason, { decision: kind }, actor.username);
  }
  run.finished = true;
  run.decisionsSettled = run.decisionsReceived;
  run.markRecorded();
  await run.smsSent();
  await sla;
  await wf.condition(wf.allHandlersFinished);
  return run.state.status;
}
