// Login by SMS: random six-digit codes, stored only as a keyed hash, valid two minutes, five tries each.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { translate } from '../lib/i18n';

export const CODE_TTL_MS = 2 * 60 * 1000;
export const MAX_TRIES = 5;
const RESEND_AFTER_MS = 60 * 1000;
const PER_NUMBER = { count: 3, windowMs: 10 * 60 * 1000 };
const PER_ADDRESS = { count: 20, windowMs: 60 * 60 * 1000 };

export type CodeRefusal = 'tooSoon' | 'tooManyForNumber' | 'tooManyFromAddress';
export type VerifyRefusal = 'noCode' | 'expired' | 'tooManyTries' | 'wrong';

export function createOneTimeCodes(db: Db, temporal: Client, config: Config) {
  const hash = (mobile: string, code: string) => createHmac('sha256', config.sessionSecret).update(`${mobile}:${code}`).digest('hex');
  const since = (ms: number) => new Date(Date.now() - ms);

  async function send(mobile: string, ip: string): Promise<{ ok: true } | { ok: false; refusal: CodeRefusal }> {
    const [last, perNumber, perAddress] = await Promise.all([
      db('otp_codes').where({ mobile }).orderBy('id', 'desc').first('created_at'),
      db('otp_codes').where({ mobile }).where('created_at', '>', since(PER_NUMBER.windowMs)).count<{ count: number }[]>('id as count'),
      db('otp_codes').where({ ip }).where('created_at', '>', since(PER_ADDRESS.windowMs)).count<{ count: number }[]>('id as count'),
    ]);
    if (last && Date.now() - new Date(last.created_at).getTime() < RESEND_AFTER_MS) return { ok: false, refusal: 'tooSoon' };
    if (Number(perNumber[0].count) >= PER_NUMBER.count) return { ok: false, refusal: 'tooManyForNumber' };
    if (Number(perAddress[0].count) >= PER_ADDRESS.count) return { ok: false, refusal: 'tooManyFromAddress' };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const [row] = await db('otp_codes')
      .insert({ mobile, ip, code_hash: hash(mobile, code), expires_at: new Date(Date.now() + CODE_TTL_MS) })
      .returning('id');
    const dedupeKey = `otp:${row.id}`;
    await temporal.workflow.start('deliverSms', {
      workflowId: `sms-${dedupeKey}`,
      taskQueue: config.temporal.taskQueue,
      args: [{ dedupeKey, mobile, purpose: 'login_code', template: translate('fa', 'sms.loginCode'), vars: { code }, secretVars: ['code'] }],
    });
    return { ok: true };
  }

  async function verify(mobile: string, code: string): Promise<{ ok: true } | { ok: false; refusal: VerifyRefusal; triesLeft?: number }> {
    return db.transaction(async (trx) => {
      const row = await trx('otp_codes').where({ mobile }).whereNull('used_at').orderBy('id', 'desc').forUpdate().first();
      if (!row) return { ok: false, refusal: 'noCode' };
      if (new Date(row.expires_at).getTime() < Date.now()) return { ok: false, refusal: 'expired' };
      if (row.attempts >= MAX_TRIES) return { ok: false, refusal: 'tooManyTries' };
      const expected = Buffer.from(row.code_hash, 'hex');
      const given = Buffer.from(hash(mobile, code), 'hex');
      if (!/^\d{6}$/.test(code) || !timingSafeEqual(expected, given)) {
        await trx('otp_codes').where({ id: row.id }).increment('attempts', 1);
        const triesLeft = MAX_TRIES - row.attempts - 1;
        return triesLeft > 0 ? { ok: false, refusal: 'wrong', triesLeft } : { ok: false, refusal: 'tooManyTries' };
      }
      await trx('otp_codes').where({ id: row.id }).update({ used_at: trx.fn.now() });
      return { ok: true };
    });
  }

  return { send, verify };
}
