// The shapes shared by the catalogue, the workflow and the activities. Types only: safe in the workflow bundle.

export type StepType = 'inquiry' | 'review' | 'payment' | 'register-letter' | 'deliver' | 'notify' | 'survey';

import type { Condition, CrossFieldRule } from './conditions';
import type { RequestStatus } from './statuses';

export type { RequestStatus };

/** The failure type of a letter the correspondence system refused for good (activities/external-letters.ts). */
export const LETTER_REFUSED = 'LetterRefused';

interface StepBase {
  id: string;
  title: string;
  description?: string;
  /** the step runs only when this holds for the answers; skipped otherwise */
  when?: Condition;
}

export interface InquiryStep extends StepBase {
  type: 'inquiry';
  agency: string;
  operation: string;
  /** agency parameter → form field key, `$mobile` (the applicant's mobile) or `inquiries.<step>.<key>` (an earlier answer) */
  input: Record<string, string>;
  onFailure: 'stop' | 'review' | 'reject';
  /** What the answer must say: answer key → form field key (or `$mobile`) it must agree with, or the constant it must be. */
  compare?: Record<string, string | boolean>;
  /** What a disagreement does: stop (cancelled), review (staff see a warning; the default), reject (the reason goes to the citizen). */
  onMismatch?: 'stop' | 'review' | 'reject';
  /** The reason a rejected or stopped citizen reads; a general one when absent. */
  mismatchReason?: string;
}

/** What the inquiry activity reports: the agency's answer, and how it compared with the form. */
export interface InquiryOutcome {
  answer: Record<string, unknown>;
  verdict: 'match' | 'mismatch' | null;
  /** the answer keys that disagreed */
  mismatched: string[];
}

export type ReviewRole = 'secretariat' | 'department' | 'supervisor';
export type DecisionKind = 'approve' | 'reject' | 'needs_info' | 'forward';

export interface ReviewStep extends StepBase {
  type: 'review';
  role: ReviewRole;
  decisions?: DecisionKind[];
  /** Separation of duties is the rule: whoever approved another review step of the request may not decide this one, unless this is true. */
  sameDeciderAllowed?: boolean;
}

export interface PaymentStep extends StepBase {
  type: 'payment';
  fee: string;
  deadlineHours?: number;
  deadlineSeconds?: number;
}

export interface RegisterLetterStep extends StepBase {
  type: 'register-letter';
  department?: string;
  departmentFromField?: string;
  subject?: string;
}

export interface DeliverStep extends StepBase {
  type: 'deliver';
  /** the kind of document: certificate, reply-letter, permit, or any kind the author names */
  document: string;
  /** the title printed on it per language; by default the kind's own (گواهی, پاسخ نامه) or the step's title */
  titles?: Partial<Record<'fa' | 'en', string>>;
  body?: string;
  /** the body per language, chosen by the answer of `languageField` (fa or en) */
  templates?: Partial<Record<'fa' | 'en', string>>;
  languageField?: string;
}

export interface NotifyStep extends StepBase {
  type: 'notify';
  template: string;
}

export interface SurveyStep extends StepBase {
  type: 'survey';
}

export type Step = InquiryStep | ReviewStep | PaymentStep | RegisterLetterStep | DeliverStep | NotifyStep | SurveyStep;

export type FieldType =
  | 'text'
  | 'number'
  | 'jalali-date'
  | 'select'
  | 'mobile'
  | 'national-code'
  | 'postal-code'
  | 'email'
  | 'textarea'
  | 'checkbox'
  | 'department'
  | 'digits';

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  hint?: string;
  options?: { value: string; label: string }[];
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  pattern?: string;
  patternMessage?: string;
  /** the field is shown (and its answer kept) only when this holds for the answers above it */
  showIf?: Condition;
}

export interface RequiredDocument {
  key: string;
  title: string;
  description?: string;
  acceptedTypes: string[];
  /** one of the two sizes is given */
  maxSizeKb?: number;
  maxSizeMb?: number;
  required: boolean;
}

export type FeeTiming = 'on-submit' | 'after-review' | 'on-delivery';

/** Which answers name the applicant; without it the field keyed `full_name` is the name. */
export interface ApplicantFields {
  /** one field, or several joined with a space (first name, last name) */
  name?: string | string[];
  nationalCode?: string;
  mobile?: string;
}

export interface Fee {
  key: string;
  title: string;
  amountRials: number;
  /** derived from where the payment step sits; when given it must agree */
  when?: FeeTiming;
  legalBasis?: string;
  /** the treasury deposit id (شناسه واریز) the fee is paid under */
  depositId?: string;
  /** the account it goes to (an IBAN) */
  account?: string;
}

export interface ServiceDefinition {
  id: string;
  title: string;
  summary: string;
  description: string;
  category: string;
  audience: string[];
  keywords?: string[];
  responsibleUnit: { name: string; department: string };
  official: { title: string; name?: string; phone: string; hours: string };
  steps: Step[];
  documents: RequiredDocument[];
  fields: FormField[];
  rules?: CrossFieldRule[];
  applicant?: ApplicantFields;
  fees: Fee[];
  sla: { workingDays: number; durationSeconds?: number; reminderAt?: number };
  laws: { title: string; reference: string; url?: string }[];
  faq: { question: string; answer: string }[];
  complaint: { procedure: string; contact: string; escalation?: string };
  delivery: { channels: ('electronic' | 'in-person' | 'post')[]; description?: string };
  inPersonDesk: { address: string; hours: string; phone?: string };
  sms: Partial<Record<RequestStatus | 'letter_registered' | 'survey', string>>;
  survey: { windowDays: number; windowSeconds?: number; questions: { key: string; text: string; type: 'rating' | 'text' | 'yes-no' }[] };
}

/** A published version of a service: the snapshot a request runs with. */
export interface ServiceSnapshot {
  version: number;
  definition: ServiceDefinition;
}

/** A staff member, or (`integration`, staffId 0, username `api:<client>`) a system answering through the integration API. */
export interface Actor {
  staffId: number;
  username: string;
  role: 'secretariat' | 'reviewer' | 'supervisor' | 'admin' | 'counter' | 'integration';
  departmentIds: number[];
}

export interface Decision {
  kind: DecisionKind;
  reason?: string;
  forwardToDepartmentId?: number;
  actor: Actor;
}

export interface RequestInput {
  requestId: number;
  trackingCode: string;
  mobile: string;
  service: ServiceSnapshot;
  answers: Record<string, string>;
  applicantName: string;
  /** the secretariat receives every request first */
  secretariatDepartmentId: number;
  slaStartedAt: string;
  slaDueAt: string;
  publicUrl: string;
  /** The counter clerk who registered the request for a walk-in citizen (as `deciderOf` names them): they may not decide it. */
  registeredBy?: string;
}

export interface DecisionResult {
  status: RequestStatus;
  letterNumber: string | null;
  /** The answer came before its department step began: kept, and applied as that step begins. */
  kept?: boolean;
}

export interface Resubmission {
  note?: string;
}

export interface PaymentOutcome {
  paymentId: string;
  paid: boolean;
  reference?: string;
}

export interface RequestState {
  status: RequestStatus;
  stepId: string | null;
  awaiting: 'review' | 'citizen' | 'payment' | 'survey' | null;
  reviewRole: ReviewRole | null;
  departmentId: number | null;
  letterNumber: string | null;
}
