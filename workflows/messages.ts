// How the outside world talks to a running request. Every human action is an update: its validator refuses it at
// once when the request is not waiting for it, and its handler answers once the workflow has recorded it.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, DecisionResult, PaymentOutcome, RequestState, Resubmission } from './types';

/** A staff decision (or the correspondence system's answer for the department). */
export const decide = defineUpdate<DecisionResult, [Decision]>('decide');
/** The citizen sent the missing information (already saved by the API). */
export const reply = defineUpdate<RequestState, [Resubmission]>('reply');
/** The payment gateway's verified callback. */
export const settlePayment = defineUpdate<RequestState, [PaymentOutcome]>('settlePayment');
/** The citizen answered the survey (the answer is saved by the API in the same transaction). */
export const answerSurvey = defineUpdate<RequestState, []>('answerSurvey');
export const currentState = defineQuery<RequestState>('state');

// The signals requests started before the updates above still receive in their histories.
export const resubmit = defineSignal<[Resubmission]>('resubmit');
export const paymentSettled = defineSignal<[PaymentOutcome]>('paymentSettled');
export const surveyAnswered = defineSignal<[]>('surveyAnswered');

/** Codes a refused action carries; pages translate them (`refusals.<code>`). */
export const REFUSALS = [
  'not-awaiting-review',
  'decision-in-progress',
  'decision-not-allowed',
  'reason-required',
  'forward-department-required',
  'not-your-department',
  'role-not-allowed',
  'same-decider',
  'registered-by-you',
  'not-awaiting-reply',
  'not-awaiting-payment',
  'survey-not-open',
] as const;
export type Refusal = (typeof REFUSALS)[number];
