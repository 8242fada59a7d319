// One webhook event to its subscribers: each delivery retried on its own with exponential backoff.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebhookDelivery } from '../activities/webhooks';

const lookup = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// 2 s, 4 s, 8 s … capped at an hour: about a day of trying before the event is left to a redelivery.
const post = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30, nonRetryableErrorTypes: ['WebhookRefused'] },
});

export async function deliverWebhooks(input: WebhookDelivery): Promise<{ delivered: number; failed: number }> {
  const targets = await lookup.webhookTargets(input);
  const outcomes = await Promise.allSettled(targets.map((subscriptionId) => post.deliverWebhook({ eventId: input.eventId, subscriptionId })));
  const failed = outcomes.filter((o) => o.status === 'rejected').length;
  return { delivered: outcomes.length - failed, failed };
}
