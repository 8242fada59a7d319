// What a service card implies without saying it in words: who the applicant is, when a fee is paid,
// which steps a request runs, how large a document may be. Pure: used by the workflow, the pages and the checks.
import { holds, type Answers } from './conditions';
import type { FeeTiming, RequiredDocument, ServiceDefinition, Step } from './types';

/** The field keyed `full_name` named the applicant before cards could say so; old cards keep working. */
const LEGACY_NAME_FIELD = 'full_name';

export function applicantOf(def: Pick<ServiceDefinition, 'applicant'>, answers: Answers): { name: string; nationalCode: string; mobile: string } {
  const mapping = def.applicant ?? {};
  const nameKeys = mapping.name === undefined ? [LEGACY_NAME_FIELD] : Array.isArray(mapping.name) ? mapping.name : [mapping.name];
  return {
    name: nameKeys.map((k) => (answers[k] ?? '').trim()).filter(Boolean).join(' '),
    nationalCode: mapping.nationalCode ? (answers[mapping.nationalCode] ?? '') : '',
    mobile: mapping.mobile ? (answers[mapping.mobile] ?? '') : '',
  };
}

/** When a fee is paid, from where its payment step sits: before any review, after one, or after the delivery. */
export function feeTiming(def: Pick<ServiceDefinition, 'steps'>, feeKey: string): FeeTiming | null {
  const at = def.steps.findIndex((s) => s.type === 'payment' && s.fee === feeKey);
  if (at < 0) return null;
  const before = def.steps.slice(0, at);
  if (before.some((s) => s.type === 'deliver')) return 'on-delivery';
  if (before.some((s) => s.type === 'review')) return 'after-review';
  return 'on-submit';
}

/** Whether a step runs for these answers (a step without `when` always runs). */
export const stepRuns = (step: Step, answers: Answers): boolean => !step.when || holds(step.when, answers);

/** A document's largest size in KB, whichever unit the card used. */
export const maxSizeKbOf = (doc: Pick<RequiredDocument, 'maxSizeKb' | 'maxSizeMb'>): number => doc.maxSizeKb ?? Math.round((doc.maxSizeMb ?? 0) * 1024);
