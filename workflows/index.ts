export { serviceRequest } from './request';
export { deliverSms } from './sms';
export { retentionSweep } from './retention';
export { deliverWebhooks } from './webhooks';
