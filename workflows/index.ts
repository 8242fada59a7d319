export { serviceRequest } from './request';
export { deliverSms } from './sms';
