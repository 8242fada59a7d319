// How hard an SMS is tried: shared by the workflows that send and the activity that marks the last try.
import type { RetryPolicy } from '@temporalio/common';

export const SMS_MAX_ATTEMPTS = 5;

export const SMS_RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: SMS_MAX_ATTEMPTS,
};
