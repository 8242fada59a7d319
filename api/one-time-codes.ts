// Login by SMS: random six-digit codes, stored only as a keyed hash; lifetime, tries and rate limits come from config.otp.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { translate, type Locale } from '../lib/i18n';
import { sealText } from '../lib/payload-codec';
import { toPersianDigits } from '../lib/persian';
import type { Throttles } from './throttles';

export type CodeRefusal = 'tooSoon' | 'tooManyForNumber' | 'tooManyFromAddress';
export type VerifyRefusal = 'noCode' | 'used' | 'expired' | 'tooManyTries' | 'wrong';

/** How long a code lives, in words: "۲ دقیقه", or seconds when shorter than a minute. */
export function codeValidity(locale: Locale, ttlMs: number): string {
  const seconds = Math.round(ttlMs / 1000);
  const [key, n] = seconds % 60 === 0 ? ['login.minutes', seconds / 60] : ['login.seconds', seconds];
  return translate(locale, key, { n: locale === 'fa' ? toPersianDigits(n) : n });
}

export function createOneTimeCodes(db: Db, temporal: Client, config: Config, throttles: Throttles) {
  const { codeTtlMs, maxTries, resendAfterMs, perNumber } = config.otp;
  const hash = (mobile: string, code: string) => createHmac('sha256', config.sessionSecret).update(`${mobile}:${code}`).digest('hex');
  const since = (ms: number) => new Date(Date.now() - ms);

  async function send(mobile: string, ip: string): Promise<{ ok: true } | { ok: false; refusal: CodeRefusal }> {
    // Counted atomically before anything else: parallel asks for many numbers from one address cannot all pass.
    if (await throttles.loginCodeFromAddress(ip)) return { ok: false, refusal: 'tooManyFromAddress' };
    let sent = false;
    try {
      const result = await sendUnderNumberLock(mobile, ip);
      sent = result.ok;
      return result;
    } finally {
      if (!sent) await throttles.loginCodeNotSent(ip);
    }
  }

  async function sendUnderNumberLock(mobile: string, ip: string): Promise<{ ok: true } | { ok: false; refusal: CodeRefusal }> {
    return db.transaction(async (trx) => {
      // One sender per number at a time, so two quick requests cannot both slip under the limits.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`otp:${mobile}`]);
      // One after another: a transaction holds a single connection.
      const last = await trx('otp_codes').where({ mobile }).orderBy('id', 'desc').first('created_at');
      const numberCount = await trx('otp_codes').where({ mobile }).where('created_at', '>', since(perNumber.windowMs)).count<{ count: number }[]>('id as count');
      if (last && Date.now() - new Date(last.created_at).getTime() < resendAfterMs) return { ok: false, refusal: 'tooSoon' } as const;
      if (Number(numberCount[0].count) >= perNumber.count) return { ok: false, refusal: 'tooManyForNumber' } as const;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const [row] = await trx('otp_codes')
        .insert({ mobile, ip, code_hash: hash(mobile, code), code_sealed: sealText(config.temporal.payloadKeys, code), expires_at: new Date(Date.now() + codeTtlMs), created_at: new Date() })
        .returning('id');
      const dedupeKey = `otp:${row.id}`;
      // Started inside the transaction: if Temporal refuses, no code is counted that never reached the phone.
      await temporal.workflow.start('deliverSms', {
        workflowId: `sms-${dedupeKey}`,
        taskQueue: config.temporal.taskQueue,
        // The code goes by reference: the worker reads its sealed text from the row.
        args: [{ dedupeKey, mobile, purpose: 'login_code', template: translate('fa', 'sms.loginCode'), vars: { validity: codeValidity('fa', config.otp.codeTtlMs) }, secretVars: ['code'], loginCodeId: row.id }],
      });
      return { ok: true } as const;
    });
  }

  /** Only the newest code of a number counts: an older one stops working when a new one is sent. */
  async function verify(mobile: string, code: string): Promise<{ ok: true } | { ok: false; refusal: VerifyRefusal; triesLeft?: number }> {
    return db.transaction(async (trx) => {
      const row = await trx('otp_codes').where({ mobile }).orderBy('id', 'desc').forUpdate().first();
      if (!row) return { ok: false, refusal: 'noCode' };
      if (row.used_at) return { ok: false, refusal: 'used' };
      if (new Date(row.expires_at).getTime() <= Date.now()) return { ok: false, refusal: 'expired' };
      if (row.attempts >= maxTries) return { ok: false, refusal: 'tooManyTries' };
      const expected = Buffer.from(row.code_hash, 'hex');
      const given = Buffer.from(hash(mobile, code), 'hex');
      if (!/^\d{6}$/.test(code) || !timingSafeEqual(expected, given)) {
        await trx('otp_codes').where({ id: row.id }).increment('attempts', 1);
        const triesLeft = maxTries - row.attempts - 1;
        return triesLeft > 0 ? { ok: false, refusal: 'wrong', triesLeft } : { ok: false, refusal: 'tooManyTries' };
      }
      await trx('otp_codes').where({ id: row.id }).update({ used_at: trx.fn.now() });
      return { ok: true };
    });
  }

  return { send, verify };
}
