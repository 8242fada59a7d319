// Admins choose who hears about status changes and letters, read the delivery log, and send an event again.
import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { WEBHOOK_EVENT_TYPES, webhookWorkflowId, type WebhookDelivery } from '../../activities/webhooks';
import { translate } from '../../lib/i18n';
import { requireAdmin } from '../admin-access';
import { audit } from '../audit';
import { decodeCursor, keysetPage, type AppContext } from '../context';
import { notFound } from '../errors';

const PAGE = 50;

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

function subscriberUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || raw.length > 500) return null;
    return url.toString();
  } catch {
    return null;
  }
}

export function adminWebhookRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin/webhooks', requireAdmin);

  const subscriptionsPage = async (req: Request) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('webhook_subscriptions')
      .modify((q) => {
        if (cursor) q.where('id', '<', Number(cursor[0]));
      })
      .orderBy('id', 'desc')
      .limit(PAGE + 1)
      .select('id', 'url', 'events', 'active', 'created_at');
    const { items, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    return { subscriptions: items, next, eventTypes: WEBHOOK_EVENT_TYPES, pageTitle: 'webhooks.title' };
  };

  const refuse = async (req: Request, res: Response, errors: { id: string; messageKey: string }[], input: Record<string, unknown>) =>
    res.status(422).render('admin/webhooks', {
      ...(await subscriptionsPage(req)),
      input,
      errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
      errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
    });

  const existing = async (raw: unknown) => {
    const id = Number(raw);
    const row = Number.isSafeInteger(id) ? await ctx.db('webhook_subscriptions').where({ id }).first() : null;
    if (!row) throw notFound();
    return row;
  };

  router.get('/admin/webhooks', async (req, res) => {
    const done = ['activated', 'deactivated'].includes(String(req.query.done)) ? String(req.query.done) : null;
    res.render('admin/webhooks', { ...(await subscriptionsPage(req)), done });
  });

  router.post('/admin/webhooks', async (req, res) => {
    const rawUrl = String(req.body.url ?? '').trim().slice(0, 600);
    const events = [...new Set(asList(req.body.events))];
    const url = subscriberUrl(rawUrl);
    const errors: { id: string; messageKey: string }[] = [];
    if (!url) errors.push({ id: 'url', messageKey: 'webhooks.errors.url' });
    if (!events.length || events.some((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e))) errors.push({ id: 'event-0', messageKey: 'webhooks.errors.events' });
    if (errors.length) return refuse(req, res, errors, { url: rawUrl, events });
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const [row] = await ctx.db('webhook_subscriptions').insert({ url, secret, events, created_by: req.staff!.id }).returning('id');
    await audit(ctx.db, req, 'webhook_created', { subscriptionId: row.id, url, events });
    res.set('Cache-Control', 'no-store');
    res.status(201).render('admin/webhooks', { ...(await subscriptionsPage(req)), createdSecret: secret, createdUrl: url });
  });

  for (const [action, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/admin/webhooks/:id/${action}`, async (req, res) => {
      const subscription = await existing(req.params.id);
      await ctx.db('webhook_subscriptions').where({ id: subscription.id }).update({ active });
      await audit(ctx.db, req, `webhook_${action}d`, { subscriptionId: subscription.id, url: subscription.url });
      res.redirect(303, `/admin/webhooks?done=${action}d`);
    });
  }

  router.get('/admin/webhooks/deliveries', async (req, res) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('webhook_deliveries as d')
      .join('webhook_events as e', 'e.id', 'd.event_id')
      .join('webhook_subscriptions as s', 's.id', 'd.subscription_id')
      .modify((q) => {
        if (cursor) q.where('d.id', '<', Number(cursor[0]));
      })
      .orderBy('d.id', 'desc')
      .limit(PAGE + 1)
      .select('d.id', 'd.attempt', 'd.status_code', 'd.error', 'd.attempted_at', 'd.delivered_at', 'e.id as event_id', 'e.type', ctx.db.raw("e.payload->>'trackingCode' as tracking_code"), 's.url');
    const { items, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    res.render('admin/webhook-deliveries', {
      deliveries: items,
      next,
      redelivered: req.query.done === 'redelivered',
      pageTitle: 'webhooks.deliveriesTitle',
    });
  });

  router.post('/admin/webhooks/deliveries/:id/redeliver', async (req, res) => {
    const id = Number(req.params.id);
    const delivery = Number.isSafeInteger(id) ? await ctx.db('webhook_deliveries').where({ id }).first() : null;
    if (!delivery) throw notFound();
    const input: WebhookDelivery = { eventId: delivery.event_id, subscriptionIds: [delivery.subscription_id] };
    // Its own workflow: the original one may still be retrying, and both are recorded in the log.
    await ctx.temporal.workflow.start('deliverWebhooks', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: `${webhookWorkflowId(delivery.event_id)}-again-${randomUUID()}`,
      args: [input],
    });
    await audit(ctx.db, req, 'webhook_redelivered', { eventId: delivery.event_id, subscriptionId: delivery.subscription_id });
    res.redirect(303, '/admin/webhooks/deliveries?done=redelivered');
  });

  return router;
}
