// A custom SMS from staff to the applicant: sent through the outbox like every other SMS, logged and audited.
import type { Request } from 'express';
import type { AppContext } from './context';
import { audit } from './audit';
import { normalizePersianText } from '../lib/persian';
import type { RequestRow } from './request-reader';

export const STAFF_SMS_MAX = 480;

/** The form carries a one-time token: a double click or a resent form makes the same dedupe key, so one SMS. */
export function checkStaffSms(body: Record<string, unknown>): { message: string; token: string; error?: string } {
  const message = normalizePersianText(String(body.message ?? '').replace(/\r\n/g, '\n')).slice(0, STAFF_SMS_MAX + 1);
  const token = String(body.smsToken ?? '');
  if (!/^[0-9a-f-]{36}$/.test(token)) return { message, token, error: 'staffSms.errors.expired' };
  if (!message) return { message, token, error: 'staffSms.errors.empty' };
  if (message.length > STAFF_SMS_MAX) return { message, token, error: 'staffSms.errors.tooLong' };
  return { message, token };
}

export async function sendStaffSms(ctx: AppContext, req: Request, request: RequestRow, message: string, token: string): Promise<void> {
  const dedupeKey = `staff-sms:${request.id}:${token}`;
  const already = await ctx.db('request_events').where({ dedupe_key: dedupeKey }).first('id');
  if (already) return;
  await ctx.temporal.workflow.start('deliverSms', {
    workflowId: `sms-${dedupeKey}`,
    taskQueue: ctx.config.temporal.taskQueue,
    args: [{ dedupeKey, requestId: request.id, mobile: request.mobile, purpose: 'staff_reply', template: '{{message}}', vars: { message } }],
  });
  await ctx.db('request_events')
    .insert({ request_id: request.id, kind: 'staff_sms', actor: req.staff!.username, note: message, dedupe_key: dedupeKey })
    .onConflict('dedupe_key')
    .ignore();
  // The text stays in the request's history (cleared by retention); the audit entry points at it.
  await audit(ctx.db, req, 'custom_sms', { requestId: request.id, event: dedupeKey, length: message.length });
}
