// The JSON API under /api: the catalogue, a citizen's own requests, and this API's description (api/openapi.json).
import fs from 'node:fs';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { notFound, UserError } from '../errors';
import { citizenTimeline, findRequest, requestHistory } from '../request-reader';
import { listServices, publishedService } from '../catalog-list';
import { projectRoot } from '../../lib/paths';

const openApiFile = path.join(projectRoot, 'api', 'openapi.json');

/** A body sent to /api is JSON: anything else is refused before a route reads it. */
export function jsonBodiesOnly(req: Request, _res: Response, next: NextFunction) {
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.is('application/json') === false) return next(new UserError(415, 'faults.jsonOnly'));
  next();
}

export function jsonApiRoutes(ctx: AppContext): Router {
  const router = Router();
  const openApi = fs.readFileSync(openApiFile, 'utf8');

  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi);
  });

  router.get('/api/services', async (req, res) => {
    const list = await listServices(ctx, req.query);
    res.json({ items: list.services, next: list.next });
  });

  router.get('/api/services/:id', async (req, res) => {
    const current = await publishedService(ctx, req.params.id);
    if (!current) throw notFound();
    res.json({ version: current.version, ...current.definition });
  });

  router.get('/api/requests/:code', async (req, res) => {
    if (!req.citizen) throw new UserError(401, 'errors.loginRequired');
    const request = await findRequest(ctx.db, req.params.code);
    if (!request || request.citizen_id !== req.citizen.id) throw notFound();
    const history = citizenTimeline(await requestHistory(ctx.db, request.id));
    res.json({
      trackingCode: request.tracking_code,
      serviceId: request.service_id,
      status: request.status,
      letterNumber: request.letter_number,
      slaDueAt: request.sla_due_at,
      createdAt: request.created_at,
      history,
    });
  });

  router.use('/api', () => {
    throw notFound();
  });

  return router;
}
