// The state of one running request and the few things every step does with it.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { StatusKey } from './search-attributes';
import { SMS_RETRY } from './sms-policy';
import type { Decision, PaymentOutcome, RequestInput, RequestState, RequestStatus, ReviewStep, Step } from './types';

const MINUTE = 60_000;

// Database writes: quick, retried until they succeed.
const PROJECTION_RETRY: wf.RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute' };
const projection = wf.proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: PROJECTION_RETRY });
// The same writes run by the worker inside the workflow task that asks for them: no round trip through the
// server's task queue, so a request's automatic steps take one or two workflow tasks instead of one each.
// Each write carries its dedupe key, so running one twice (a task retried) writes it once.
const localProjection = wf.proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: PROJECTION_RETRY });
// SMS: a few tries, then given up on; a failed SMS never fails the request.
const messaging = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: SMS_RETRY,
});

/** Calls to outside systems or long work (letters from a correspondence system, documents): regular activities. */
export const activities = projection;

/** Who decided: a staff member by id, the correspondence system by its client name. */
export const deciderOf = (decision: Decision) => (decision.actor.role === 'integration' ? decision.actor.username : `staff:${decision.actor.staffId}`);

/** Requests started since this change answer each action once it is recorded, keep replies that arrive early, and separate duties. */
export const TRUSTED_ACTIONS_PATCH = 'actions-answered-when-recorded';
/**
 * Requests started since this change write their projection with local activities, and send their SMS in
 * order beside the steps instead of waiting for each before the next step.
 */
export const FAST_PATH_PATCH = 'automatic-steps-fast';

/**
 * Since this change an answer that overtakes the workflow is answered as soon as it is kept, not when its
 * department step begins (an inquiry or a payment may come first and take long); one that is never applied
 * is written into the request's history.
 */
export const EARLY_ANSWERS_PATCH = 'early-answers-kept-at-once';

/** Requests started since this change skip a step whose `when` does not hold for their answers. */
export const CONDITIONAL_STEPS_PATCH = 'conditional-steps';

export class RequestRun {
  readonly state: RequestState;
  /** False only when replaying a request started before TRUSTED_ACTIONS_PATCH: it keeps its old path. */
  readonly trusted: boolean;
  /** The projection's short database writes: local activities, or regular ones for requests started before FAST_PATH_PATCH. */
  readonly writes: typeof projection;
  /** Since FAST_PATH_PATCH: SMS go out one after another in the order asked, while the steps go on. */
  readonly smsBeside: boolean;
  private outbox: Promise<void> = Promise.resolve();
  decision: Decision | null = null;
  /** The correspondence system's answer that came before the department step began; applied when it begins. */
  earlyDecision: Decision | null = null;
  /** The early answer was answered when kept (EARLY_ANSWERS_PATCH): if it is never applied, the history says so. */
  earlyAnsweredAtOnce = false;
  decisionsReceived = 0;
  decisionsSettled = 0;
  /** Every action (decision, reply, payment, survey answer) takes a ticket; its answer waits until `recorded` reaches it. */
  actionsReceived = 0;
  actionsRecorded = 0;
  /** Who approved each review step (step id → decider), for separation of duties. */
  readonly approvedBy: Record<string, string> = {};
  stepIndex = -1;
  /** Steps whose `when` did not hold for the answers: passed over. */
  readonly skipped = new Set<string>();
  /** The payment the request waits for now; a settlement for another one is refused. */
  paymentId: string | null = null;
  resubmitted = 0;
  payment: PaymentOutcome | null = null;
  surveyDone = false;
  reviewStep: ReviewStep | null = null;
  finished = false;
  slaStartedAt: number;
  slaDueAt: number;
  clockPausedSince: number | null = null;
  replyText = '';
  /** Each inquiry step's answer (step id → answer), for later steps and the issued document. */
  readonly inquiryAnswers: Record<string, Record<string, unknown>> = {};
  /** The organisation's part is done (delivered, or only the citizen's survey is left): no more SLA marks. */
  slaStopped = false;
  private seq = 0;

  constructor(readonly input: RequestInput) {
    this.trusted = wf.patched(TRUSTED_ACTIONS_PATCH);
    const fast = wf.patched(FAST_PATH_PATCH);
    this.writes = fast ? localProjection : projection;
    this.smsBeside = fast;
    this.state = {
      status: 'submitted',
      stepId: null,
      awaiting: null,
      reviewRole: null,
      departmentId: input.secretariatDepartmentId,
      letterNumber: null,
    };
    this.slaStartedAt = Date.parse(input.slaStartedAt);
    this.slaDueAt = Date.parse(input.slaDueAt);
  }

  get service() {
    return this.input.service.definition;
  }

  /** A key unique to this moment of this request: the same on replay, different for a repeated status. */
  nextKey(purpose: string): string {
    this.seq += 1;
    return `${this.input.trackingCode}:${this.seq}:${purpose}`;
  }

  templateVars(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      trackingCode: this.input.trackingCode,
      serviceTitle: this.service.title,
      letterNumber: this.state.letterNumber ?? '',
      answers: this.input.answers,
      applicantName: this.input.applicantName,
      reply: this.replyText,
      link: `${this.input.publicUrl}/track/${this.input.trackingCode}`,
      inquiries: this.inquiryAnswers,
      ...extra,
    };
  }

  /** Takes a ticket for an action the workflow accepted; its answer waits for `recorded(ticket)`. */
  takeTicket(): number {
    return ++this.actionsReceived;
  }

  async recorded(ticket: number): Promise<void> {
    if (this.trusted) await wf.condition(() => this.actionsRecorded >= ticket || this.finished);
  }

  /** The state as last recorded for an action: what its answer reports, whatever the workflow did since. */
  recordedState: RequestState | null = null;

  /** What the pending action changed is now in the projection: its answer may go. */
  markRecorded(): void {
    this.actionsRecorded = this.actionsReceived;
    this.recordedState = { ...this.state };
  }

  async setStatus(
    status: RequestStatus,
    opts: {
      step?: Step | null;
      awaiting?: RequestState['awaiting'];
      reason?: string;
      note?: string;
      actor?: string;
      kind?: string;
      data?: Record<string, unknown>;
      /** This write records the pending action: its answer may go now, before the SMS. */
      records?: boolean;
    } = {},
  ): Promise<void> {
    const previous = this.state.status;
    this.state.status = status;
    this.state.stepId = opts.step?.id ?? this.state.stepId;
    this.state.awaiting = opts.awaiting ?? null;
    this.state.reviewRole = opts.awaiting === 'review' && opts.step?.type === 'review' ? opts.step.role : null;
    wf.upsertSearchAttributes([{ key: StatusKey, value: status }]);
    await this.writes.recordStatus({
      requestId: this.input.requestId,
      dedupeKey: this.nextKey(`status-${status}`),
      status,
      kind: opts.kind,
      stepId: this.state.stepId,
      awaiting: this.state.awaiting,
      reviewRole: this.state.reviewRole,
      departmentId: this.state.departmentId,
      reason: opts.reason,
      note: opts.note,
      actor: opts.actor,
      data: opts.data,
    });
    if (opts.records) this.markRecorded();
    const template = this.service.sms[status];
    // One SMS per change of status: a forward, a reply or a new step in the same status says nothing new.
    if (template && (!this.trusted || previous !== status || status === 'submitted')) await this.sms(status, template, { reason: opts.reason ?? '' });
  }

  async event(kind: string, note?: string, data?: Record<string, unknown>, actor?: string, records = false): Promise<void> {
    await this.writes.recordEvent({ requestId: this.input.requestId, dedupeKey: this.nextKey(kind), kind, note, data, actor });
    if (records) this.markRecorded();
  }

  /** Sends an SMS with the request as it is now; a failure is noted, never fails the request. */
  async sms(purpose: string, template: string, extra: Record<string, unknown> = {}): Promise<void> {
    const dedupeKey = this.nextKey(`sms-${purpose}`);
    const message = { dedupeKey, requestId: this.input.requestId, mobile: this.input.mobile, purpose, template, vars: this.templateVars(extra) };
    const send = async () => {
      try {
        await messaging.sendSms(message);
      } catch (error) {
        await this.event('sms_failed', (error as Error).message, { purpose });
      }
    };
    if (!this.smsBeside) return send();
    // Queued behind the SMS asked for before it, so the citizen reads them in order; the step goes on meanwhile.
    this.outbox = this.outbox.then(send);
  }

  /** Every queued SMS has been sent (or given up on). */
  async smsSent(): Promise<void> {
    await this.outbox;
  }

  /** Waits for the citizen or staff; a decision that arrived is settled when the next wait begins. */
  async waitFor(awaiting: NonNullable<RequestState['awaiting']>, ready: () => boolean, timeoutMs?: number): Promise<boolean> {
    this.state.awaiting = awaiting;
    // (Requests started before TRUSTED_ACTIONS_PATCH only: their decisions are answered when the next wait begins.)
    this.decisionsSettled = this.decisionsReceived;
    if (timeoutMs === undefined) {
      await wf.condition(ready);
      return true;
    }
    return wf.condition(ready, Math.max(timeoutMs, 1));
  }

  /** Time waiting for the citizen does not count against the organisation's SLA. */
  pauseClock(): void {
    if (this.clockPausedSince === null) this.clockPausedSince = Date.now();
  }

  async resumeClock(): Promise<void> {
    if (this.clockPausedSince === null) return;
    const paused = Date.now() - this.clockPausedSince;
    this.clockPausedSince = null;
    this.slaStartedAt += paused;
    this.slaDueAt += paused;
    if (paused >= MINUTE / 60) {
      await this.writes.updateSlaDue({ requestId: this.input.requestId, slaDueAt: new Date(this.slaDueAt).toISOString() });
    }
  }
}
