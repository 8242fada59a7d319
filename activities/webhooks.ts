// Webhooks: an event row written with the status it announces, one workflow per event, one signed POST per attempt.
import { createHmac, randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import { postWebhook, RefusedAddressError } from '../adapters/webhooks';

export const WEBHOOK_EVENT_TYPES = ['status_changed', 'letter_registered'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What a subscriber receives: where a request stands, never who asked or what they wrote. */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  trackingCode: string;
  serviceId: string;
  status: string;
  letterNumber?: string;
}

export interface WebhookDelivery {
  eventId: string;
  /** Only these subscriptions (a redelivery); otherwise every active subscriber of the event's type. */
  subscriptionIds?: number[];
}

/** `X-Pishkhan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export const webhookWorkflowId = (eventId: string) => `webhook-${eventId}`;

interface StatusFacts {
  requestId: number;
  dedupeKey: string;
  status: string;
  kind?: string;
  data?: Record<string, unknown>;
}

/** Inside the status transaction: one event row per type somebody subscribed to; returns how many were written. */
export async function queueWebhookEvents(trx: Knex.Transaction, change: StatusFacts, previousStatus: string | undefined): Promise<number> {
  const types: WebhookEventType[] = [];
  if (previousStatus !== change.status || change.kind === 'submitted') types.push('status_changed');
  if (change.kind === 'letter_registered') types.push('letter_registered');
  if (!types.length) return 0;
  const subscribed = await trx.raw('select distinct unnest(events) as type from webhook_subscriptions where active');
  const wanted = (subscribed.rows as { type: string }[]).map((r) => r.type);
  const chosen = types.filter((t) => wanted.includes(t));
  if (!chosen.length) return 0;
  const request = await trx('requests').where({ id: change.requestId }).first('tracking_code', 'service_id', 'letter_number');
  const letterNumber = (change.data?.letterNumber as string | undefined) ?? request.letter_number ?? undefined;
  const rows = chosen.map((type) => {
    const id = randomUUID();
    const payload: WebhookPayload = {
      id,
      type,
      occurredAt: new Date().toISOString(),
      trackingCode: request.tracking_code,
      serviceId: request.service_id,
      status: change.status,
      ...(letterNumber ? { letterNumber } : {}),
    };
    return { id, type, request_id: change.requestId, dedupe_key: change.dedupeKey, payload: JSON.stringify(payload) };
  });
  await trx('webhook_events').insert(rows).onConflict(['dedupe_key', 'type']).ignore();
  return rows.length;
}

/** After the commit: starts `webhook-<eventId>` for each event of this history row; a repeat finds it started. */
export async function dispatchWebhookEvents(db: Db, dedupeKey: string): Promise<void> {
  const events: { id: string }[] = await db('webhook_events').where({ dedupe_key: dedupeKey }).select('id');
  if (!events.length) return;
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return; // called outside a worker (a script or a test of the projection alone): nothing to start from
  }
  const { client, info } = context;
  for (const event of events) {
    try {
      await client.workflow.start('deliverWebhooks', {
        taskQueue: info.taskQueue,
        workflowId: webhookWorkflowId(event.id),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [{ eventId: event.id } satisfies WebhookDelivery],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}

const RETRYABLE_4XX = [408, 425, 429];

export function createWebhookActivities(db: Db, metrics?: Metrics, options: { allowPrivate: boolean } = { allowPrivate: false }) {
  return {
    async webhookTargets(input: WebhookDelivery): Promise<number[]> {
      const event = await db('webhook_events').where({ id: input.eventId }).first('type');
      if (!event) return [];
      return db('webhook_subscriptions')
        .where({ active: true })
        .whereRaw('? = any(events)', [event.type])
        .modify((q) => {
          if (input.subscriptionIds) q.whereIn('id', input.subscriptionIds);
        })
        .orderBy('id')
        .pluck('id');
    },

    /** One POST; every attempt lands in webhook_deliveries. Failures are thrown so Temporal retries with backoff. */
    async deliverWebhook(input: { eventId: string; subscriptionId: number }): Promise<'delivered' | 'skipped'> {
      const subscription = await db('webhook_subscriptions').where({ id: input.subscriptionId }).first();
      const event = await db('webhook_events').where({ id: input.eventId }).first();
      if (!subscription?.active || !event) return 'skipped';
      const p = event.payload as WebhookPayload;
      // Fields in a fixed order, whatever order the database kept them in.
      const body = JSON.stringify({ id: p.id, type: p.type, occurredAt: p.occurredAt, trackingCode: p.trackingCode, serviceId: p.serviceId, status: p.status, ...(p.letterNumber ? { letterNumber: p.letterNumber } : {}) });
      let statusCode: number | null = null;
      let error: string | null = null;
      let refusedAddress = false;
      try {
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Pishkhan-Webhooks/1',
          'x-pishkhan-event': p.type,
          'x-pishkhan-event-id': p.id,
          'x-pishkhan-signature': signatureHeader(subscription.secret, body, Math.floor(Date.now() / 1000)),
        };
        statusCode = await postWebhook(subscription.url, headers, body, { allowPrivate: options.allowPrivate, timeoutMs: 10_000 });
        if (statusCode < 200 || statusCode >= 300) error = `answered ${statusCode}`;
      } catch (e) {
        refusedAddress = e instanceof RefusedAddressError;
        error = (refusedAddress ? `refused: ${(e as Error).message}` : `did not answer: ${(e as Error).message}`).slice(0, 500);
      }
      await db.raw(
        `insert into webhook_deliveries (subscription_id, event_id, attempt, status_code, error, delivered_at)
         select ?, ?, coalesce(max(attempt), 0) + 1, ?, ?, ${error ? 'null' : 'now()'}
         from webhook_deliveries where subscription_id = ? and event_id = ?`,
        [input.subscriptionId, input.eventId, statusCode, error, input.subscriptionId, input.eventId],
      );
      if (!error) {
        metrics?.webhookDeliveries.inc({ outcome: 'delivered' });
        return 'delivered';
      }
      // A subscriber on this machine or the agency's network is never contacted, however often it is tried.
      if (refusedAddress) {
        metrics?.webhookDeliveries.inc({ outcome: 'refused' });
        throw ApplicationFailure.nonRetryable(error, 'WebhookAddressRefused');
      }
      // A 4xx says the subscriber will refuse it again; an admin may redeliver once it is fixed.
      if (statusCode && statusCode >= 400 && statusCode < 500 && !RETRYABLE_4XX.includes(statusCode)) {
        metrics?.webhookDeliveries.inc({ outcome: 'refused' });
        throw ApplicationFailure.nonRetryable(error, 'WebhookRefused');
      }
      metrics?.webhookDeliveries.inc({ outcome: 'failed' });
      throw ApplicationFailure.retryable(error, 'WebhookFailed');
    },
  };
}
