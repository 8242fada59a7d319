// The issued result, downloaded by the citizen who asked for it: the stored bytes, verbatim.
import { Router } from 'express';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { sendFile } from '../file-responses';
import { findRequest } from '../request-reader';
import { requireCitizen } from '../access';

export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/requests/:code/result', requireCitizen, async (req, res) => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || request.citizen_id !== req.citizen!.id) throw notFound();
    const deliverable = await ctx.db('deliverables').where({ request_id: request.id }).first('body');
    if (!deliverable) throw notFound();
    // Served as stored: the fingerprint on the verification page is of exactly these bytes.
    sendFile(res, Buffer.from(deliverable.body, 'utf8'), { mime: 'text/html; charset=utf-8', name: `result-${request.tracking_code}.html` });
  });

  return router;
}
