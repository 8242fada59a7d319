// Finished requests that together walk every path of the request workflow: their histories are what
// the replay test checks the current workflow code against (fresh ones and the recorded fixtures).
import { surveyAnswered, paymentSettled, resubmit } from '../../workflows/messages';
import { eventually, type Desk } from './desk';
import { letterAnswers } from './journeys';
import {
  decideAs, departmentId, eventsOf, fault, handleOf, publish, step, submit, testFee, testService, waitForRow, waitForState, settled } from './workflow-services';

export interface FinishedRun {
  name: string;
  workflowId: string;
}

const SMS = {
  submitted: 'درخواست {{trackingCode}} ثبت شد.',
  rejected: 'درخواست {{trackingCode}} پذیرفته نشد: {{reason}}',
  needs_info: 'برای درخواست {{trackingCode}} اطلاعات بیشتری لازم است: {{reason}}',
  letter_registered: 'نامه شما با شماره {{letterNumber}} ثبت شد.',
  delivered: 'پاسخ درخواست {{trackingCode}} صادر شد.',
  survey: 'نظر شما: {{link}}',
};
const survey = (windowSeconds: number) => ({ windowDays: 14, windowSeconds, questions: [{ key: 'ok', text: 'راضی بودید؟', type: 'yes-no' as const }] });

async function publishScenarioServices(desk: Desk) {
  await publish(desk, testService('wf-replay-letter', [step.identity('review'), step.secretariatReview(), step.letterByField(), step.departmentReview(), step.deliver(), step.notify(), step.survey()], { sms: SMS, survey: survey(60) }));
  await publish(desk, testService('wf-replay-inquiry', [step.identity('reject'), step.secretariatReview()], { sms: SMS }));
  await publish(desk, testService('wf-replay-payment', [step.payment(1), step.deliver(), step.survey()], { sms: SMS, fees: [testFee], survey: survey(1) }));
  await publish(desk, testService('wf-replay-sla', [step.secretariatReview()], { sms: SMS, sla: { workingDays: 1, durationSeconds: 2, reminderAt: 0.5 } }));
}

/** Approve, needs_info and resubmission, forward, letter, certificate, notify, answered survey. */
async function letterJourney(desk: Desk): Promise<FinishedRun> {
  const request = await submit(desk, 'wf-replay-letter', letterAnswers('legal'));
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await settled(desk, request.code);
  await decideAs(desk, request.code, 'legal', 'needs_info', { reason: 'پیوست را بفرستید' });
  await handleOf(desk, request.code).signal(resubmit, { note: 'فرستادم' });
  await waitForState(desk, request.code, (s) => s.awaiting === 'review', 'back in review');
  await decideAs(desk, request.code, 'legal', 'forward', { forwardToDepartmentId: await departmentId(desk, 'hr'), reason: 'موضوع اداری است' });
  await settled(desk, request.code);
  await decideAs(desk, request.code, 'hr', 'approve');
  await waitForState(desk, request.code, (s) => s.awaiting === 'survey', 'waiting for the survey');
  await handleOf(desk, request.code).signal(surveyAnswered);
  await handleOf(desk, request.code).result();
  return { name: 'letter-forwarded-delivered', workflowId: request.workflowId };
}

async function inquiryRejected(desk: Desk): Promise<FinishedRun> {
  await fault(desk, 'civil-registry', 'reject', 1);
  const request = await submit(desk, 'wf-replay-inquiry');
  await handleOf(desk, request.code).result();
  return { name: 'inquiry-rejected', workflowId: request.workflowId };
}

async function paymentExpired(desk: Desk): Promise<FinishedRun> {
  const request = await submit(desk, 'wf-replay-payment');
  await handleOf(desk, request.code).result();
  return { name: 'payment-expired', workflowId: request.workflowId };
}

async function paidThenSurveyWindow(desk: Desk): Promise<FinishedRun> {
  const request = await submit(desk, 'wf-replay-payment');
  await waitForRow(desk, request.code, (r) => r.status === 'awaiting_payment', 'awaiting payment');
  const payment = await desk.db('payments').where({ request_id: request.requestId }).first();
  await handleOf(desk, request.code).signal(paymentSettled, { paymentId: payment.id, paid: true, reference: 'REPLAY-1' });
  await handleOf(desk, request.code).result();
  return { name: 'paid-survey-unanswered', workflowId: request.workflowId };
}

async function escalatedThenRejected(desk: Desk): Promise<FinishedRun> {
  const request = await submit(desk, 'wf-replay-sla');
  await eventually(async () => (await eventsOf(desk, request.requestId)).some((e) => e.kind === 'sla_escalated'), 20_000, 'the escalation');
  await decideAs(desk, request.code, 'dabir', 'reject', { reason: 'خارج از موعد بررسی شد و ناقص است' });
  await handleOf(desk, request.code).result();
  return { name: 'sla-escalated-rejected', workflowId: request.workflowId };
}

/** Runs every scenario to its end on `desk`; the inquiry failure goes first, alone, so its fault hits only it. */
export async function runReplayScenarios(desk: Desk): Promise<FinishedRun[]> {
  await publishScenarioServices(desk);
  const first = await inquiryRejected(desk);
  const rest = await Promise.all([letterJourney(desk), paymentExpired(desk), paidThenSurveyWindow(desk), escalatedThenRejected(desk)]);
  return [first, ...rest];
}
