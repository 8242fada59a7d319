// An SMS outside any request (login codes, staff replies): still through the outbox, still exactly once.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SmsRequest } from '../activities/sms';
import { SMS_RETRY } from './sms-policy';

const messaging = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: SMS_RETRY,
});

export async function deliverSms(request: SmsRequest): Promise<string> {
  return messaging.sendSms(request);
}
