// How the outside world talks to a running request.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, DecisionResult, PaymentOutcome, RequestState, Resubmission } from './types';

/** A staff decision; refused at once by its validator when the request is not waiting for it. */
export const decide = defineUpdate<DecisionResult, [Decision]>('decide');
/** The citizen sent the missing information (already saved by the API). */
export const resubmit = defineSignal<[Resubmission]>('resubmit');
/** The payment gateway's verified callback. */
export const paymentSettled = defineSignal<[PaymentOutcome]>('paymentSettled');
/** The citizen answered the survey. */
export const surveyAnswered = defineSignal<[]>('surveyAnswered');
export const currentState = defineQuery<RequestState>('state');

/** Codes a refused decision carries; pages translate them. */
export const REFUSALS = [
  'not-awaiting-review',
  'decision-in-progress',
  'decision-not-allowed',
  'reason-required',
  'forward-department-required',
  'not-your-department',
  'role-not-allowed',
] as const;
export type Refusal = (typeof REFUSALS)[number];
