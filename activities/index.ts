// All activities, built from their dependencies so tests and the worker pass real clients alike.
import type { InquiryClient } from '../adapters/agencies';
import type { ExternalLetterRegistry } from '../adapters/letter-registry';
import type { DocumentStore } from '../adapters/documents';
import type { PdfEngine } from '../adapters/pdf';
import type { SmsProvider } from '../adapters/sms';
import type { PayloadKeys } from '../lib/config';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import type { Letterhead } from './deliverable-document';
import { createDeliverableActivities } from './deliverables';
import { createExternalLetterActivities } from './external-letters';
import { createInquiryActivities } from './inquiries';
import { createLetterActivities } from './letters';
import { createPaymentActivities } from './payments';
import { createRequestActivities } from './requests';
import { createRetentionActivities } from './retention';
import { createSmsActivities } from './sms';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  sms: SmsProvider;
  inquiries: InquiryClient;
  /** Where uploaded files live; the retention sweep removes them. */
  documents?: DocumentStore;
  /** The worker's Prometheus metrics; absent in callers that do not export any. */
  metrics?: Metrics;
  /** The agency's correspondence system numbers letters (LETTER_REGISTRY=http); absent: our own registry. */
  letterRegistry?: ExternalLetterRegistry;
  /** Opens login codes sealed by the web app (only their row id travels through Temporal). */
  payloadKeys?: PayloadKeys;
  /** WEBHOOK_ALLOW_PRIVATE: subscribers on loopback, private or link-local addresses are reached too. */
  webhookAllowPrivate?: boolean;
  /** Prints issued documents to PDF; absent, they are HTML and say so. */
  pdf?: PdfEngine | null;
  /** The organisation's name, logo and address on every issued document. */
  letterhead: Letterhead;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createRequestActivities(deps.db, deps.metrics),
    ...createSmsActivities(deps.db, deps.sms, deps.metrics, deps.payloadKeys),
    ...createInquiryActivities(deps.db, deps.inquiries, deps.metrics),
    ...(deps.letterRegistry ? createExternalLetterActivities(deps.db, deps.letterRegistry) : createLetterActivities(deps.db)),
    ...createWebhookActivities(deps.db, deps.metrics, { allowPrivate: deps.webhookAllowPrivate ?? false }),
    ...createPaymentActivities(deps.db),
    ...createDeliverableActivities(deps.db, { pdf: deps.pdf, letterhead: deps.letterhead }),
    ...createRetentionActivities(deps.db, deps.documents),
  };
}

export type Activities = ReturnType<typeof createActivities>;
