// The payload codec endpoint for the Temporal Web UI: an admin signed in to the desk reads workflow
// histories decrypted; anyone else gets nothing. The UI calls it with the admin's cookies (CORS with credentials).
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Payload } from '@temporalio/common';
import { createPayloadCodec, PayloadKeyError } from '../../lib/payload-codec';
import type { AppContext } from '../context';
import { UserError } from '../errors';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_PAYLOADS = 1000;

function fromJson(payload: unknown): Payload {
  const p = payload as JsonPayload;
  const metadata = p && typeof p === 'object' && p.metadata && typeof p.metadata === 'object' ? p.metadata : null;
  if (!metadata || Object.values(metadata).some((v) => typeof v !== 'string' || !BASE64.test(v)) || (p.data !== undefined && (typeof p.data !== 'string' || !BASE64.test(p.data)))) {
    throw new UserError(400, 'errors.badRequest');
  }
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

export function temporalCodecRoutes(ctx: AppContext): Router {
  const router = Router();
  const codec = createPayloadCodec(ctx.config.temporal.payloadKeys);
  const uiOrigin = ctx.config.temporal.uiOrigin;

  // Only the configured UI may read the answer from a browser; no other site gets CORS headers.
  router.use('/api/temporal-codec', (req: Request, res: Response, next: NextFunction) => {
    if (uiOrigin && req.get('origin') === uiOrigin) {
      res.set({ 'Access-Control-Allow-Origin': uiOrigin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'content-type, x-namespace', 'Access-Control-Max-Age': '600' });
        return res.status(204).end();
      }
    }
    next();
  });

  router.post('/api/temporal-codec/decode', async (req, res) => {
    if (!req.staff) throw new UserError(401, 'errors.loginRequired');
    if (req.staff.role !== 'admin') throw new UserError(403, 'errors.forbidden');
    const namespace = req.get('x-namespace');
    if (namespace && namespace !== ctx.config.temporal.namespace) throw new UserError(400, 'errors.badRequest');
    const payloads: unknown = req.body?.payloads;
    if (!Array.isArray(payloads) || payloads.length > MAX_PAYLOADS) throw new UserError(400, 'errors.badRequest');
    try {
      const decoded = await codec.decode(payloads.map(fromJson));
      res.json({ payloads: decoded.map(toJson) });
    } catch (error) {
      // A payload that is not ours, was tampered with, or was sealed with a key no longer configured.
      if (error instanceof PayloadKeyError || (error as Error).message?.includes('authenticate')) throw new UserError(422, 'errors.badRequest');
      throw error;
    }
  });

  return router;
}
