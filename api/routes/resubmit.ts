// Answering "more information needed": files and a note saved in PostgreSQL first, then the workflow is told.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router, type Response } from 'express';
import type { DocumentMime } from '../../lib/file-types';
import type { FieldError } from '../../lib/forms';
import { workflowIdFor } from '../../lib/temporal';
import { reply } from '../../workflows/messages';
import { hasUndeliveredReply, replyDocuments, replyPage, type ReplyForm } from '../citizen-documents';
import type { AppContext } from '../context';
import { documentStoreFor, MAX_DOCUMENTS_PER_REQUEST, storeDocument } from '../documents';
import { refusalOf } from '../decision-refusals';
import { notFound } from '../errors';
import { findRequest, serviceSnapshot, type RequestRow } from '../request-reader';
import { checkUpload, inputName, readMultipart, tooLargeError } from '../uploads';
import { requireCitizen } from '../access';

const MAX_NOTE = 2000;
/** A citizen waits this long at most for Temporal before being told to try again. */
const REPLY_DEADLINE_MS = 5_000;

export function resubmitRoutes(ctx: AppContext): Router {
  const router = Router();
  const store = documentStoreFor(ctx.config);

  const answer = async (res: Response, status: number, request: RequestRow, form: ReplyForm) =>
    res.status(status).render('request', await replyPage(ctx, request, res.locals.locale, form));

  router.post('/requests/:code/resubmit', requireCitizen, async (req, res) => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || request.citizen_id !== req.citizen!.id) throw notFound();
    const service = await serviceSnapshot(ctx.db, request);
    const documents = replyDocuments(service, res.locals.locale);
    const form = await readMultipart(req, res, documents);
    if (request.status !== 'needs_info') return res.redirect(303, `/requests/${request.tracking_code}`);

    const note = String(form.body.note ?? '').replace(/\r\n/g, '\n').trim();
    const errors: FieldError[] = [];
    if (note.length > MAX_NOTE) errors.push({ key: 'note', messageKey: 'resubmit.errors.noteTooLong', vars: { max: MAX_NOTE } });
    const accepted: { docKey: string; bytes: Buffer; mime: DocumentMime; name: string }[] = [];
    for (const doc of documents) {
      if (form.tooLargeField === inputName(doc.key)) errors.push(tooLargeError(doc, res.locals.locale));
      const file = form.files.find((f) => f.field === inputName(doc.key));
      if (!file) continue;
      const checked = checkUpload(doc, file, res.locals.locale);
      if (checked.ok) accepted.push({ docKey: doc.key, bytes: file.bytes, mime: checked.mime, name: checked.name });
      else errors.push(checked.error);
    }
    const pending = await hasUndeliveredReply(ctx, request.id);
    if (!errors.length && !accepted.length && !note && !pending) errors.push({ key: 'note', messageKey: 'resubmit.errors.empty' });
    const stored = await ctx.db('documents').where({ request_id: request.id }).count('* as n').first();
    if (Number(stored?.n ?? 0) + accepted.length > MAX_DOCUMENTS_PER_REQUEST) {
      errors.push({ key: 'note', messageKey: 'resubmit.errors.tooMany', vars: { max: MAX_DOCUMENTS_PER_REQUEST } });
    }
    if (errors.length) return answer(res, 422, request, { errors, note });

    if (accepted.length || note) {
      await ctx.db.transaction(async (trx) => {
        const saved = [];
        for (const file of accepted) {
          const row = await storeDocument(trx, store, { ...file, requestId: request.id, citizenId: req.citizen!.id, serviceId: request.service_id, uploadedBy: 'citizen' });
          saved.push({ id: row.id, name: row.original_name });
        }
        await trx('request_events').insert({
          request_id: request.id,
          kind: 'citizen_reply',
          actor: 'citizen',
          note: note || null,
          data: JSON.stringify({ documents: saved }),
          dedupe_key: `${request.tracking_code}:citizen-reply:${randomUUID()}`,
        });
      });
    }

    try {
      const handle = ctx.temporal.workflow.getHandle(workflowIdFor(request.tracking_code));
      // The workflow accepts the reply only while it waits for one, and answers once the request is back in review.
      await ctx.temporal.withDeadline(Date.now() + REPLY_DEADLINE_MS, () => handle.executeUpdate(reply, { args: [{ note: note || undefined }] }));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        ctx.log.error({ trackingCode: request.tracking_code }, 'a request waiting for the citizen has no running workflow');
        return answer(res, 409, request, { notice: 'resubmit.notWaiting' });
      }
      if (refusalOf(error)) return answer(res, 409, request, { notice: 'resubmit.notWaiting' });
      // What was sent is saved; only the word to the workflow is missing, and sending again delivers it.
      ctx.log.warn({ err: error, trackingCode: request.tracking_code }, 'could not deliver a reply to its workflow');
      res.set('Retry-After', '10');
      return answer(res, 503, request, { notice: 'resubmit.savedTryAgain' });
    }
    res.redirect(303, `/requests/${request.tracking_code}?sent=1`);
  });

  return router;
}
