// Every staff action lands in the append-only audit history: who, when, what, from where.
import type { Request } from 'express';
import type { Db } from '../lib/db';

export async function audit(db: Db, req: Request, action: string, details: { requestId?: number; [key: string]: unknown } = {}) {
  const { requestId, ...rest } = details;
  await db('audit_log').insert({
    staff_id: req.staff?.id ?? null,
    action,
    request_id: requestId ?? null,
    ip: req.ip ?? null,
    details: JSON.stringify(rest),
  });
}
