// Downloading a document: its owner, or staff of the department now holding the request; anyone else finds nothing.
import { Router, type Request } from 'express';
import type { AppContext } from '../context';
import { audit } from '../audit';
import { documentStoreFor, type DocumentRow } from '../documents';
import { notFound, UserError } from '../errors';
import { sendFile } from '../file-responses';
import { canSee } from '../access';

export function documentRoutes(ctx: AppContext): Router {
  const router = Router();
  const store = documentStoreFor(ctx.config);

  /** Who may read the file: 'citizen' (its owner), 'staff' (the request's department or an admin) or nobody. */
  const readerOf = async (req: Request, doc: DocumentRow): Promise<{ as: 'citizen' | 'staff'; requestId: number | null } | null> => {
    const request = doc.request_id ? await ctx.db('requests').where({ id: doc.request_id }).first('id', 'citizen_id', 'department_id') : null;
    if (req.citizen && req.citizen.id === (request ? request.citizen_id : doc.citizen_id)) return { as: 'citizen', requestId: request?.id ?? null };
    if (req.staff && request && canSee(req, request)) return { as: 'staff', requestId: request.id };
    return null;
  };

  router.get('/documents/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!/^\d{1,15}$/.test(String(req.params.id)) || !Number.isSafeInteger(id)) throw notFound();
    const doc: DocumentRow | undefined = await ctx.db('documents').where({ id }).first();
    const reader = doc ? await readerOf(req, doc) : null;
    // Not allowed and not there look the same, so ids reveal nothing.
    if (!doc || !reader) throw notFound();
    const bytes = await store.get(doc.storage_key);
    if (!bytes) {
      ctx.log.error({ documentId: doc.id }, 'a document row has no stored file');
      throw new UserError(404, 'documents.missingFile');
    }
    const inline = reader.as === 'staff' && req.query.inline === '1';
    if (reader.as === 'staff') await audit(ctx.db, req, 'download_document', { requestId: reader.requestId ?? undefined, documentId: doc.id, inline });
    sendFile(res, bytes, { mime: doc.mime, name: doc.original_name, inline });
  });

  return router;
}
