// Every SMS goes through the outbox: the dedupe key made in the workflow is unique there, so a
// retried activity finds the row and never sends twice.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SmsProvider } from '../adapters/sms';
import { PermanentError } from '../adapters/http';
import type { PayloadKeys } from '../lib/config';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import { unsealText } from '../lib/payload-codec';
import { toPersianDigitsInWords } from '../lib/persian';
import { renderText } from '../lib/text-template';
import { SMS_MAX_ATTEMPTS } from '../workflows/sms-policy';

export interface SmsRequest {
  dedupeKey: string;
  requestId?: number;
  mobile: string;
  purpose: string;
  template: string;
  vars: Record<string, unknown>;
  /** vars kept out of the stored copy (a login code is stored only as a hash) */
  secretVars?: string[];
  /** A login code's row: its sealed text becomes the `code` var here, so the code itself never enters Temporal. */
  loginCodeId?: number;
}

/** Messages are Persian: their digits are Persian too, except in links and other Latin words. */
const smsText = (template: string, vars: Record<string, unknown>) => toPersianDigitsInWords(renderText(template, vars));

function storedCopy(request: SmsRequest): string {
  const masked = { ...request.vars };
  for (const name of request.secretVars ?? []) masked[name] = '••••••';
  return smsText(request.template, masked);
}

/** The attempt number Temporal is on; 1 when called outside an activity (tests, scripts). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export function createSmsActivities(db: Db, provider: SmsProvider, metrics?: Metrics, payloadKeys?: PayloadKeys) {
  /** The vars to send with: a login code is read from its sealed row, never from the workflow's input. */
  async function varsToSend(request: SmsRequest): Promise<Record<string, unknown>> {
    if (request.loginCodeId === undefined) return request.vars;
    if (!payloadKeys) throw new PermanentError('the worker has no payload keys to open the login code with');
    // The web app starts this workflow inside the transaction that writes the row: wait a moment for its commit.
    const read = (): Promise<{ code_sealed: string | null } | undefined> => db('otp_codes').where({ id: request.loginCodeId }).first('code_sealed');
    let row = await read();
    for (let wait = 0; wait < 30 && !row; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      row = await read();
    }
    // Not there yet: tried again later (a code whose transaction rolled back ends as a failed SMS).
    if (!row) throw new Error('the login code is not stored yet');
    if (!row.code_sealed) throw new PermanentError('the login code was already sent or has been removed');
    return { ...request.vars, code: unsealText(payloadKeys, row.code_sealed) };
  }

  return {
    async sendSms(request: SmsRequest): Promise<'sent' | 'already-sent'> {
      await db('sms_outbox')
        .insert({
          dedupe_key: request.dedupeKey,
          request_id: request.requestId ?? null,
          mobile: request.mobile,
          purpose: request.purpose,
          body: storedCopy(request),
          provider: provider.name,
        })
        .onConflict('dedupe_key')
        .ignore();
      const row = await db('sms_outbox').where({ dedupe_key: request.dedupeKey }).first();
      if (row.status === 'sent') return 'already-sent';
      await db('sms_outbox').where({ id: row.id }).increment('attempts', 1);
      try {
        const body = smsText(request.template, await varsToSend(request));
        const { providerMessageId } = await provider.send({ to: row.mobile, body, dedupeKey: row.dedupe_key });
        // Once on its way to the phone, the code's text is kept nowhere: only its hash checks what is typed.
        if (request.loginCodeId !== undefined) await db('otp_codes').where({ id: request.loginCodeId }).update({ code_sealed: null });
        await db('sms_outbox')
          .where({ id: row.id })
          .update({ status: 'sent', provider_message_id: providerMessageId, sent_at: db.fn.now(), last_error: null });
        metrics?.sms.inc({ provider: provider.name, outcome: 'sent' });
        return 'sent';
      } catch (error) {
        // A refusal, or the last of the tries the workflow allows, is final: the outbox says so.
        const permanent = error instanceof PermanentError || currentAttempt() >= SMS_MAX_ATTEMPTS;
        metrics?.sms.inc({ provider: provider.name, outcome: permanent ? 'failed' : 'retrying' });
        await db('sms_outbox')
          .where({ id: row.id })
          .update({ status: permanent ? 'failed' : 'retrying', last_error: (error as Error).message.slice(0, 500) });
        if (error instanceof PermanentError) throw ApplicationFailure.nonRetryable((error as Error).message, 'SmsRejected');
        throw error;
      }
    },
  };
}
