// Keys of the systems that call the integration API: shown once, kept only as a SHA-256, checked on every call.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../lib/db';
import { UserError } from './errors';

export const API_SCOPES = ['letters:write', 'requests:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiClient {
  id: number;
  name: string;
  scopes: ApiScope[];
  /** The departments whose letters and requests this key may read and decide */
  departmentIds: number[];
}

declare module 'express-serve-static-core' {
  interface Request {
    apiClient?: ApiClient;
  }
}

// pkh_<8 hex: looked up>_<43 base64url: 256 secret bits>
const KEY = /^(pkh_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Creates a client and returns its full key: the only time anyone sees it. */
export async function createApiClient(db: Db, input: { name: string; scopes: ApiScope[]; departmentIds: number[]; createdBy: number | null }): Promise<{ id: number; key: string }> {
  const prefix = `pkh_${randomBytes(4).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  const [row] = await db('api_clients')
    .insert({ name: input.name, key_prefix: prefix, key_hash: sha256(key), scopes: input.scopes, department_ids: input.departmentIds, created_by: input.createdBy })
    .returning('id');
  return { id: row.id, key };
}

const unauthenticated = (res: Response, messageKey: string) => {
  res.set('WWW-Authenticate', 'Bearer realm="pishkhan-integrations"');
  return new UserError(401, messageKey);
};

/** `Authorization: Bearer <key>` with the scope this route needs; 401 for a missing, wrong or revoked key, 403 for a missing scope. */
export function requireApiClient(db: Db, scope: ApiScope) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = String(req.headers.authorization ?? '');
    const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const match = KEY.exec(key);
    if (!match) return next(unauthenticated(res, 'integrations.errors.unauthenticated'));
    const client = await db('api_clients').where({ key_prefix: match[1] }).first();
    const expected = Buffer.from(client?.key_hash ?? '0'.repeat(64), 'hex');
    if (!client || !timingSafeEqual(expected, Buffer.from(sha256(key), 'hex'))) return next(unauthenticated(res, 'integrations.errors.unauthenticated'));
    if (client.revoked_at) return next(unauthenticated(res, 'integrations.errors.revoked'));
    if (!client.scopes.includes(scope)) return next(new UserError(403, 'integrations.errors.scope', { scope }));
    req.apiClient = { id: client.id, name: client.name, scopes: client.scopes, departmentIds: client.department_ids ?? [] };
    next();
  };
}
