// The state of one running request and the few things every step does with it.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { SMS_RETRY } from './sms-policy';
import type { Decision, PaymentOutcome, RequestInput, RequestState, RequestStatus, ReviewStep, Step } from './types';

const MINUTE = 60_000;
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);

// Database writes: quick, retried until they succeed.
const projection = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// SMS: a few tries, then given up on; a failed SMS never fails the request.
const messaging = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: SMS_RETRY,
});

export const activities = projection;

export class RequestRun {
  readonly state: RequestState;
  decision: Decision | null = null;
  decisionsReceived = 0;
  decisionsSettled = 0;
  resubmitted = 0;
  payment: PaymentOutcome | null = null;
  surveyDone = false;
  reviewStep: ReviewStep | null = null;
  finished = false;
  slaStartedAt: number;
  slaDueAt: number;
  clockPausedSince: number | null = null;
  replyText = '';
  /** The organisation's part is done (delivered, or only the citizen's survey is left): no more SLA marks. */
  slaStopped = false;
  private seq = 0;

  constructor(readonly input: RequestInput) {
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
      ...extra,
    };
  }

  async setStatus(
    status: RequestStatus,
    opts: { step?: Step | null; awaiting?: RequestState['awaiting']; reason?: string; actor?: string; kind?: string; data?: Record<string, unknown> } = {},
  ): Promise<void> {
    this.state.status = status;
    this.state.stepId = opts.step?.id ?? this.state.stepId;
    this.state.awaiting = opts.awaiting ?? null;
    this.state.reviewRole = opts.awaiting === 'review' && opts.step?.type === 'review' ? opts.step.role : null;
    wf.upsertSearchAttributes([{ key: StatusKey, value: status }]);
    await projection.recordStatus({
      requestId: this.input.requestId,
      dedupeKey: this.nextKey(`status-${status}`),
      status,
      kind: opts.kind,
      stepId: this.state.stepId,
      awaiting: this.state.awaiting,
      reviewRole: this.state.reviewRole,
      departmentId: this.state.departmentId,
      reason: opts.reason,
      actor: opts.actor,
      data: opts.data,
    });
    const template = this.service.sms[status];
    if (template) await this.sms(status, template, { reason: opts.reason ?? '' });
  }

  async event(kind: string, note?: string, data?: Record<string, unknown>, actor?: string): Promise<void> {
    await projection.recordEvent({ requestId: this.input.requestId, dedupeKey: this.nextKey(kind), kind, note, data, actor });
  }

  async sms(purpose: string, template: string, extra: Record<string, unknown> = {}): Promise<void> {
    const dedupeKey = this.nextKey(`sms-${purpose}`);
    try {
      await messaging.sendSms({
        dedupeKey,
        requestId: this.input.requestId,
        mobile: this.input.mobile,
        purpose,
        template,
        vars: this.templateVars(extra),
      });
    } catch (error) {
      await this.event('sms_failed', (error as Error).message, { purpose });
    }
  }

  /** Waits for the citizen or staff; a decision that arrived is settled when the next wait begins. */
  async waitFor(awaiting: NonNullable<RequestState['awaiting']>, ready: () => boolean, timeoutMs?: number): Promise<boolean> {
    this.state.awaiting = awaiting;
    // Decisions already taken are settled; one that arrived before this wait began is settled by the next.
    this.decisionsSettled = this.decisionsReceived - (this.decision !== null ? 1 : 0);
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
      await projection.updateSlaDue({ requestId: this.input.requestId, slaDueAt: new Date(this.slaDueAt).toISOString() });
    }
  }
}
