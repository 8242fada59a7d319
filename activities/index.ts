// All activities, built from their dependencies so tests and the worker pass real clients alike.
import type { InquiryClient } from '../adapters/agencies';
import type { SmsProvider } from '../adapters/sms';
import type { Db } from '../lib/db';
import { createDeliverableActivities } from './deliverables';
import { createInquiryActivities } from './inquiries';
import { createLetterActivities } from './letters';
import { createPaymentActivities } from './payments';
import { createRequestActivities } from './requests';
import { createSmsActivities } from './sms';

export interface ActivityDeps {
  db: Db;
  sms: SmsProvider;
  inquiries: InquiryClient;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createRequestActivities(deps.db),
    ...createSmsActivities(deps.db, deps.sms),
    ...createInquiryActivities(deps.db, deps.inquiries),
    ...createLetterActivities(deps.db),
    ...createPaymentActivities(deps.db),
    ...createDeliverableActivities(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
