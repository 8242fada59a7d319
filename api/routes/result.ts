// The issued result, downloaded by the citizen who asked for it: the stored bytes, verbatim.
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { sendFile } from '../file-responses';
import { findRequest } from '../request-reader';
import { requireCitizen } from '../access';

export function resultRoutes(ctx: AppContext): Router {
  const router = Router();

  /** The request's first document at /result (the one most services issue), any other at /result/<id>. */
  const download = async (req: Request, res: Response, id: number | null) => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || request.citizen_id !== req.citizen!.id) throw notFound();
    const deliverable = await ctx.db('deliverables')
      .where({ request_id: request.id })
      .modify((b) => {
        if (id !== null) b.where({ id });
      })
      .orderBy('id')
      .first('id', 'kind', 'body', 'file', 'mime');
    if (!deliverable) throw notFound();
    const pdf = deliverable.mime === 'application/pdf' && deliverable.file;
    const name = `${id === null ? 'result' : deliverable.kind}-${request.tracking_code}.${pdf ? 'pdf' : 'html'}`;
    // Served as stored: the fingerprint on the verification page is of exactly these bytes.
    if (pdf) sendFile(res, deliverable.file as Buffer, { mime: 'application/pdf', name });
    else sendFile(res, Buffer.from(deliverable.body, 'utf8'), { mime: 'text/html; charset=utf-8', name });
  };

  router.get('/requests/:code/result', requireCitizen, (req, res) => download(req, res, null));
  router.get('/requests/:code/result/:id', requireCitizen, async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
    await download(req, res, id);
  });

  return router;
}
