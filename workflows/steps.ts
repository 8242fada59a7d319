// One function per step type. Each returns 'next' to go on or 'stop' when the request has ended.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activities, deciderOf, RequestRun } from './run';
import { LETTER_REFUSED, type DeliverStep, type InquiryOutcome, type InquiryStep, type NotifyStep, type PaymentStep, type RegisterLetterStep, type ReviewStep, type SurveyStep } from './types';
import { systemReasons } from './reasons';

export type StepOutcome = 'next' | 'stop';

const DAY = 24 * 60 * 60 * 1000;
/** How long a request waits for missing information before it expires. */
export const CITIZEN_REPLY_WINDOW_MS = 30 * DAY;

const inquiries = wf.proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: ['InquiryRefused'] },
});

/** Requests started since this change judge each inquiry's answer against the form and act on a disagreement as the step says. */
export const INQUIRY_CHECKS_PATCH = 'inquiry-compares-answers';

/** A value the step names: a form field, the applicant's mobile (`$mobile`) or an earlier answer (`inquiries.<step>.<key>`). */
function sourceValue(run: RequestRun, source: string): string {
  if (source === '$mobile') return run.input.mobile;
  if (source.startsWith('inquiries.')) {
    const [, stepId, key] = source.split('.');
    const value = run.inquiryAnswers[stepId]?.[key];
    return value === undefined || value === null ? '' : String(value);
  }
  return run.input.answers[source] ?? '';
}

export async function inquiry(run: RequestRun, step: InquiryStep): Promise<StepOutcome> {
  const judged = wf.patched(INQUIRY_CHECKS_PATCH);
  const input: Record<string, string> = {};
  for (const [param, source] of Object.entries(step.input)) input[param] = judged ? sourceValue(run, source) : (run.input.answers[source] ?? '');
  const expected: Record<string, { field: string | null; value: string | boolean }> = {};
  if (judged) for (const [key, source] of Object.entries(step.compare ?? {})) expected[key] = typeof source === 'boolean' ? { field: null, value: source } : { field: source, value: sourceValue(run, source) };
  let outcome: InquiryOutcome;
  try {
    outcome = await inquiries.runInquiry({ requestId: run.input.requestId, stepId: step.id, agency: step.agency, operation: step.operation, input, ...(judged ? { expected } : {}) });
    await run.event('inquiry_done', step.title, { agency: step.agency });
  } catch (error) {
    const detail = wf.isCancellation(error) ? 'cancelled' : String((error as Error).cause ?? (error as Error).message);
    await run.event('inquiry_failed', step.title, { agency: step.agency, error: detail.slice(0, 300) });
    if (step.onFailure === 'review') return 'next';
    const reason = systemReasons.inquiryFailed(step.title);
    await run.setStatus(step.onFailure === 'reject' ? 'rejected' : 'cancelled', { step, reason });
    return 'stop';
  }
  if (!judged) return 'next';
  // Later steps and the issued document read the answer as `inquiries.<step>.<key>`.
  run.inquiryAnswers[step.id] = outcome.answer;
  if (outcome.verdict !== 'mismatch') return 'next';
  const onMismatch = step.onMismatch ?? 'review';
  await run.event('inquiry_mismatch', step.title, { agency: step.agency, mismatched: outcome.mismatched, onMismatch });
  // Review: the request goes on, and staff see the warning beside the answer.
  if (onMismatch === 'review') return 'next';
  const reason = step.mismatchReason ?? systemReasons.inquiryMismatch(step.title);
  await run.setStatus(onMismatch === 'reject' ? 'rejected' : 'cancelled', { step, reason });
  return 'stop';
}

export async function review(run: RequestRun, step: ReviewStep, isLastReview: boolean): Promise<StepOutcome> {
  for (;;) {
    run.reviewStep = step;
    const status = step.role === 'secretariat' ? 'pending_review' : 'in_progress';
    if (run.state.status !== status || run.state.stepId !== step.id || run.state.awaiting !== 'review') {
      await run.setStatus(status, { step, awaiting: 'review' });
    }
    // The correspondence system's answer that overtook the workflow is applied as this department step begins.
    if (run.trusted && run.earlyDecision && step.role === 'department') {
      run.decision = run.earlyDecision;
      run.earlyDecision = null;
    }
    await run.waitFor('review', () => run.decision !== null);
    const decision = run.decision!;
    run.decision = null;
    run.reviewStep = null;
    const actor = decision.actor.username;
    switch (decision.kind) {
      case 'approve':
        // The note of the last approval is the organisation's reply, printed on the reply letter.
        if (decision.reason?.trim()) run.replyText = decision.reason.trim();
        if (run.trusted) run.approvedBy[step.id] = deciderOf(decision);
        if (isLastReview) await run.setStatus('approved', { step, actor, records: true });
        // The step is passed: the projection leaves "awaiting review" at once, before the next step's work.
        else if (run.trusted) await run.setStatus('in_progress', { step, actor, kind: 'approved_step', note: step.title, records: true });
        else await run.event('approved_step', step.title, undefined, actor);
        return 'next';
      case 'reject':
        await run.setStatus('rejected', { step, reason: decision.reason, actor, records: true });
        return 'stop';
      case 'forward':
        run.state.departmentId = decision.forwardToDepartmentId!;
        // Open for the next decision from the moment the projection says so.
        if (run.trusted) run.reviewStep = step;
        await run.setStatus(status, {
          step,
          awaiting: 'review',
          actor,
          kind: 'forwarded',
          reason: decision.reason,
          data: { departmentId: decision.forwardToDepartmentId },
          records: true,
        });
        continue;
      case 'needs_info': {
        // Counted before the status write: a reply that arrives while it (or its SMS) is under way is not lost.
        const repliesBefore = run.resubmitted;
        await run.setStatus('needs_info', { step, awaiting: 'citizen', reason: decision.reason, actor, records: true });
        run.pauseClock();
        const before = run.trusted ? repliesBefore : run.resubmitted;
        const answered = await run.waitFor('citizen', () => run.resubmitted > before, CITIZEN_REPLY_WINDOW_MS);
        await run.resumeClock();
        if (!answered) {
          await run.setStatus('expired', { step, reason: systemReasons.noReply() });
          return 'stop';
        }
        if (run.trusted) {
          run.reviewStep = step;
          await run.setStatus(status, { step, awaiting: 'review', actor: 'citizen', kind: 'resubmitted', records: true });
        }
        else await run.event('resubmitted', undefined, undefined, 'citizen');
        continue;
      }
    }
  }
}

export async function payment(run: RequestRun, step: PaymentStep): Promise<StepOutcome> {
  const fee = run.service.fees.find((f) => f.key === step.fee)!;
  const paymentId = wf.uuid4();
  run.paymentId = paymentId;
  const windowMs = step.deadlineSeconds ? step.deadlineSeconds * 1000 : (step.deadlineHours ?? 72) * 60 * 60 * 1000;
  await run.writes.openPayment({
    paymentId,
    requestId: run.input.requestId,
    feeKey: fee.key,
    amountRials: fee.amountRials,
    depositId: fee.depositId,
    account: fee.account,
    deadlineAt: new Date(Date.now() + windowMs).toISOString(),
  });
  await run.setStatus('awaiting_payment', { step, awaiting: 'payment', data: { paymentId, amountRials: fee.amountRials } });
  run.pauseClock();
  const paid = await run.waitFor('payment', () => run.payment?.paymentId === paymentId && run.payment.paid, windowMs);
  await run.resumeClock();
  if (!paid) {
    await run.writes.expirePayment({ paymentId });
    await run.setStatus('cancelled', { step, reason: systemReasons.unpaid() });
    return 'stop';
  }
  const settled = { paymentId, reference: run.payment?.reference, amountRials: fee.amountRials };
  // Paid is a change of status the citizen sees at once, not a note beside "awaiting payment".
  if (run.trusted) await run.setStatus('in_progress', { step, kind: 'paid', note: fee.title, data: settled, actor: 'citizen', records: true });
  else await run.event('paid', fee.title, settled, 'citizen');
  run.paymentId = null;
  return 'next';
}

function reviewBefore(run: RequestRun, step: RegisterLetterStep): ReviewStep | null {
  const steps = run.service.steps;
  const before = steps.slice(0, steps.indexOf(step)).filter((s): s is ReviewStep => s.type === 'review');
  return before[before.length - 1] ?? null;
}

export async function registerLetter(run: RequestRun, step: RegisterLetterStep, actor: string): Promise<StepOutcome> {
  const departmentCode = step.departmentFromField ? run.input.answers[step.departmentFromField] : step.department!;
  let letter: { number: string; departmentId: number };
  for (;;) {
    try {
      letter = await activities.registerIncomingLetter({
        requestId: run.input.requestId,
        departmentCode,
        subjectTemplate: step.subject ?? run.service.title,
        vars: run.templateVars(),
        sender: run.input.applicantName,
        registeredBy: actor,
      });
      break;
    } catch (error) {
      // Refused for good by the correspondence system: back to the review before this step, with the reason on file.
      const back = reviewBefore(run, step);
      const cause = (error as wf.ActivityFailure).cause;
      if (!back || !(cause instanceof wf.ApplicationFailure) || cause.type !== LETTER_REFUSED) throw error;
      await run.event('letter_refused', cause.message);
      if ((await review(run, back, false)) === 'stop') return 'stop';
    }
  }
  run.state.letterNumber = letter.number;
  run.state.departmentId = letter.departmentId;
  await run.setStatus('in_progress', { step, kind: 'letter_registered', data: { letterNumber: letter.number }, actor });
  const template = run.service.sms.letter_registered;
  if (template) await run.sms('letter_registered', template);
  return 'next';
}

export async function deliver(run: RequestRun, step: DeliverStep): Promise<StepOutcome> {
  // The document's language is the applicant's choice where the service offers one; Persian otherwise.
  const asked = step.languageField ? run.input.answers[step.languageField] : undefined;
  const locale = asked === 'en' && (step.templates?.en || step.titles?.en) ? 'en' : 'fa';
  await activities.issueDeliverable({
    requestId: run.input.requestId,
    kind: step.document,
    stepId: step.id,
    title: step.titles?.[locale],
    stepTitle: step.title,
    locale,
    bodyTemplate: step.templates?.[locale] ?? step.body ?? run.service.title,
    vars: run.templateVars(),
    publicUrl: run.input.publicUrl,
  });
  await run.setStatus('delivered', { step });
  run.slaStopped = true;
  return 'next';
}

export async function notify(run: RequestRun, step: NotifyStep): Promise<StepOutcome> {
  await run.sms(step.id, step.template);
  await run.event('notified', step.title);
  return 'next';
}

export async function survey(run: RequestRun, step: SurveyStep): Promise<StepOutcome> {
  run.slaStopped = true;
  const windowMs = run.service.survey.windowSeconds ? run.service.survey.windowSeconds * 1000 : run.service.survey.windowDays * DAY;
  const template = run.service.sms.survey;
  if (template) await run.sms('survey', template, { link: `${run.input.publicUrl}/survey/${run.input.trackingCode}` });
  run.state.stepId = step.id;
  // The survey is open from here, whatever came before (a delivery or not): the projection says so.
  if (run.trusted) {
    const closesAt = new Date(Date.now() + windowMs).toISOString();
    await run.setStatus(run.state.status, { step, awaiting: 'survey', kind: 'survey_opened', data: { closesAt } });
  }
  await run.waitFor('survey', () => run.surveyDone, windowMs);
  return 'next';
}
