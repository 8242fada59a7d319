// The API the agency's correspondence system calls: answers to our letters, the letters' state, their attachments.
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { decide } from '../../workflows/messages';
import type { Decision, DecisionKind } from '../../workflows/types';
import { requireApiClient, type ApiClient } from '../api-clients';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { documentStoreFor } from '../documents';
import { notFound, UserError } from '../errors';
import { sendFile } from '../file-responses';
import { findRequest } from '../request-reader';
import { refusalOf } from '../decision-refusals';
import { sendAction } from '../actions';

/** What the correspondence system may say about a letter, and which decision (if any) it makes for the department. */
const REPLY_DECISIONS: Record<string, DecisionKind | null> = {
  received: null,
  in_progress: null,
  answered: 'approve',
  rejected: 'reject',
  needs_info: 'needs_info',
};
const TEXT_REQUIRED = ['rejected', 'needs_info'];

interface Reply {
  status: string;
  text: string;
  id: string | null;
}

function parseReply(req: Request): Reply {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new UserError(400, 'integrations.errors.body');
  const status = typeof body.status === 'string' ? body.status : '';
  if (!(status in REPLY_DECISIONS)) throw new UserError(422, 'integrations.errors.status', { allowed: Object.keys(REPLY_DECISIONS).join(', ') });
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') throw new UserError(422, 'integrations.errors.text');
  const text = String(body.text ?? '').trim();
  if (text.length > 4000) throw new UserError(422, 'integrations.errors.text');
  if (TEXT_REQUIRED.includes(status) && !text) throw new UserError(422, 'integrations.errors.textRequired');
  const raw = body.id ?? req.headers['idempotency-key'];
  if (raw !== undefined && raw !== null && (typeof raw !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(raw))) throw new UserError(422, 'integrations.errors.replyId');
  return { status, text, id: (raw as string | undefined) ?? null };
}

export function integrationRoutes(ctx: AppContext): Router {
  const router = Router();
  const store = documentStoreFor(ctx.config);

  /** Our own numbers also travel with dashes (1405-012-0042), as on the registry pages. */
  const findLetter = async (raw: string) => {
    const number = raw.trim().slice(0, 40);
    const letter = await ctx.db('letters').where({ number }).first();
    if (letter || !/^\d{4}-\d{3}-\d{4,}$/.test(number)) return letter ?? null;
    return (await ctx.db('letters').where({ number: number.replace(/-/g, '/') }).first()) ?? null;
  };

  /** A letter of a department the key does not name is answered exactly like a missing one. */
  const letterAndRequest = async (raw: string, client: ApiClient) => {
    const letter = await findLetter(raw);
    const request = letter?.request_id ? await ctx.db('requests').where({ id: letter.request_id }).first() : null;
    if (!letter || !request || !client.departmentIds.includes(letter.department_id)) throw new UserError(404, 'integrations.errors.noLetter');
    return { letter, request };
  };

  router.post('/api/integrations/letters/:number/replies', requireApiClient(ctx.db, 'letters:write'), async (req, res) => {
    const reply = parseReply(req);
    const client = req.apiClient!;
    const { letter, request } = await letterAndRequest(String(req.params.number), client);
    const actor = `api:${client.name}`.slice(0, 100);
    // The sender's reply id (or the reply itself) makes a repeated call land once.
    const key = createHash('sha256').update(reply.id ?? JSON.stringify([letter.number, reply.status, reply.text])).digest('hex').slice(0, 40);
    const dedupeKey = `integration:${client.id}:${key}`;
    const inserted = await ctx.db('request_events')
      .insert({
        request_id: request.id,
        kind: 'external_reply',
        actor,
        note: reply.text || null,
        data: JSON.stringify({ status: reply.status, letterNumber: letter.number, replyId: reply.id }),
        dedupe_key: dedupeKey,
      })
      .onConflict('dedupe_key')
      .ignore()
      .returning('id');
    const kind = REPLY_DECISIONS[reply.status];
    const duplicate = !inserted.length;
    let decided: DecisionKind | null = null;
    let kept = false;
    // The workflow decides whether the answer counts (now, or when its department step begins) or refuses it, whatever the projection says;
    // it holds the key to the departments it names.
    if (kind) {
      const decision: Decision = { kind, reason: reply.text || undefined, actor: { staffId: 0, username: actor, role: 'integration', departmentIds: client.departmentIds } };
      try {
        // A repeated call is sent again under the same update id: Temporal answers it with the first call's outcome,
        // or applies it now if the first call never reached the workflow (it failed, or its answer was lost).
        const result = await sendAction(ctx.temporal, request.tracking_code, decide, [decision], { updateId: dedupeKey });
        decided = kind;
        kept = result.kept === true;
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        // A repeat of a call already answered: the request has moved on (or ended) since, or the first call was refused
        // then. The reply stays recorded, as the first call left it; no decision is made now.
        if (!duplicate) {
          await audit(ctx.db, req, 'integration_reply_refused', { requestId: request.id, client: client.name, status: reply.status, refusal });
          throw new UserError(409, `refusals.${refusal}`);
        }
      }
    }
    await audit(ctx.db, req, 'integration_reply', { requestId: request.id, client: client.name, status: reply.status, decision: decided, kept, duplicate });
    const after = (await findRequest(ctx.db, request.tracking_code))!;
    res.status(duplicate ? 200 : 201).json({
      letterNumber: letter.number,
      trackingCode: request.tracking_code,
      recorded: true,
      duplicate,
      decision: decided,
      kept,
      status: after.status,
    });
  });

  router.get('/api/integrations/letters/:number', requireApiClient(ctx.db, 'requests:read'), async (req, res) => {
    const { letter, request } = await letterAndRequest(String(req.params.number), req.apiClient!);
    const department = await ctx.db('departments').where({ id: letter.department_id }).first('code');
    res.json({
      number: letter.number,
      registry: letter.registry,
      registeredAt: letter.registered_at,
      department: department?.code ?? null,
      trackingCode: request.tracking_code,
      serviceId: request.service_id,
      status: request.status,
    });
  });

  // The attachment links sent with each letter (adapters/letter-registry.ts) end here.
  router.get('/api/integrations/requests/:code/documents/:id', requireApiClient(ctx.db, 'requests:read'), async (req, res) => {
    const id = Number(req.params.id);
    if (!/^\d{12}$/.test(String(req.params.code)) || !/^\d{1,15}$/.test(String(req.params.id))) throw notFound();
    const found = await findRequest(ctx.db, String(req.params.code));
    // Documents of a request in a department the key does not name are not there for it.
    const letter = found ? await ctx.db('letters').where({ request_id: found.id, direction: 'incoming' }).first('department_id') : null;
    const scope = req.apiClient!.departmentIds;
    const request = found && ((found.department_id !== null && scope.includes(found.department_id)) || (letter && scope.includes(letter.department_id))) ? found : null;
    const doc = request ? await ctx.db('documents').where({ id, request_id: request.id }).first() : null;
    if (!request || !doc) throw notFound();
    const bytes = await store.get(doc.storage_key);
    if (!bytes) throw new UserError(404, 'documents.missingFile');
    await audit(ctx.db, req, 'integration_download_document', { requestId: request.id, client: req.apiClient!.name, documentId: doc.id });
    sendFile(res, bytes, { mime: doc.mime, name: doc.original_name });
  });

  return router;
}
