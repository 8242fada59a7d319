// An SMS outside any request (login codes, staff replies): still through the outbox, still exactly once.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SmsRequest } from '../activities/sms';

const messaging = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function deliverSms(request: SmsRequest): Promise<string> {
  return messaging.sendSms(request);
}
