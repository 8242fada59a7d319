// SMS providers behind one interface; `dedupeKey` lets a provider drop a repeat of the same message.
import { createHash } from 'node:crypto';
import type { Config } from '../../lib/config';
import { requestJson, PermanentError, TemporaryError } from '../http';

export interface SmsMessage {
  to: string;
  body: string;
  dedupeKey: string;
}

export interface SmsProvider {
  name: string;
  send(message: SmsMessage): Promise<{ providerMessageId: string }>;
}

/** The desk's own sandbox (sandbox/sms.ts): an outbox page for local use and tests. */
export function sandboxSms(baseUrl: string): SmsProvider {
  return {
    name: 'sandbox',
    async send({ to, body, dedupeKey }) {
      const result = (await requestJson(`${baseUrl}/messages`, { body: { to, body, dedupeKey } })) as { id: string };
      return { providerMessageId: String(result.id) };
    },
  };
}

/** Kavenegar answers with its own codes as HTTP statuses: 409 (busy, try later) and 451 (too many calls) pass; 501 (test-only account) does not. */
const KAVENEGAR_TEMPORARY = new Set([409, 451]);

function kavenegarFailure(status: number | undefined, message: string): Error {
  if (status !== undefined && KAVENEGAR_TEMPORARY.has(status)) return new TemporaryError(message, status);
  if (status === 501 || (status !== undefined && status < 500)) return new PermanentError(message, status);
  return new TemporaryError(message, status);
}

/** Kavenegar's `localid` is a number: the dedupe key's SHA-256, cut to a safe integer, the same on every retry. */
export function kavenegarLocalId(dedupeKey: string): string {
  return String(Number.parseInt(createHash('sha256').update(dedupeKey).digest('hex').slice(0, 13), 16));
}

/** Kavenegar's REST API: /v1/{key}/sms/send.json, `localid` makes a repeat send return the first message. */
export function kavenegarSms(baseUrl: string, apiKey: string, sender?: string): SmsProvider {
  return {
    name: 'kavenegar',
    async send({ to, body, dedupeKey }) {
      const form: Record<string, string> = { receptor: to, message: body, localid: kavenegarLocalId(dedupeKey) };
      if (sender) form.sender = sender;
      let result: { return?: { status: number; message: string }; entries?: { messageid: number }[] | null };
      try {
        result = (await requestJson(`${baseUrl}/v1/${encodeURIComponent(apiKey)}/sms/send.json`, { form })) as typeof result;
      } catch (error) {
        if (error instanceof PermanentError || error instanceof TemporaryError) throw kavenegarFailure(error.status, `kavenegar: ${error.message}`);
        throw error;
      }
      if (result?.return?.status !== 200 || !result.entries?.length) {
        throw kavenegarFailure(result?.return?.status ?? 400, `kavenegar: ${result?.return?.message ?? 'unexpected answer'}`);
      }
      return { providerMessageId: String(result.entries[0].messageid) };
    },
  };
}

/** A generic JSON-over-HTTP gateway: POST {to, text, reference} with a bearer token, answers {id}. */
export function genericHttpSms(url: string, token?: string): SmsProvider {
  return {
    name: 'http',
    async send({ to, body, dedupeKey }) {
      const headers: Record<string, string> = { 'idempotency-key': dedupeKey };
      if (token) headers.authorization = `Bearer ${token}`;
      const result = (await requestJson(url, { body: { to, text: body, reference: dedupeKey }, headers })) as { id?: string };
      if (!result?.id) throw new PermanentError('the SMS gateway answered without a message id');
      return { providerMessageId: String(result.id) };
    },
  };
}

export function smsProviderFromConfig(sms: Config['sms']): SmsProvider {
  switch (sms.provider) {
    case 'kavenegar':
      if (!sms.kavenegarApiKey) throw new Error('KAVENEGAR_API_KEY must be set when SMS_PROVIDER=kavenegar');
      return kavenegarSms(sms.kavenegarUrl, sms.kavenegarApiKey, sms.kavenegarSender);
    case 'http':
      if (!sms.httpUrl) throw new Error('SMS_HTTP_URL must be set when SMS_PROVIDER=http');
      return genericHttpSms(sms.httpUrl, sms.httpToken);
    default:
      return sandboxSms(sms.sandboxUrl);
  }
}
