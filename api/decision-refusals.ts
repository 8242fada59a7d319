// Why Temporal refused a staff decision, as one of the codes pages and the API translate.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { REFUSALS, type Refusal } from '../workflows/messages';

/** Why Temporal refused a decision, as one of the codes pages translate. */
export function refusalOf(error: unknown): Refusal | null {
  if (error instanceof WorkflowNotFoundError) return 'not-awaiting-review';
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === 'DecisionRefused') {
    return REFUSALS.includes(error.cause.message as Refusal) ? (error.cause.message as Refusal) : null;
  }
  if (/already completed|workflow execution already completed/i.test(String((error as Error)?.message))) return 'not-awaiting-review';
  return null;
}

