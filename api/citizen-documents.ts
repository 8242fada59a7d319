// What the citizen's own request page adds: the files sent, the issued result, and the reply to "more information".
import { translate, type Locale } from '../lib/i18n';
import type { FieldError } from '../lib/forms';
import type { RequiredDocument, ServiceDefinition } from '../workflows/types';
import type { AppContext } from './context';
import { documentInputs, documentListItem, requestDocuments } from './documents';
import { citizenTimeline, requestHistory, serviceSnapshot, type RequestRow } from './request-reader';

export interface ReplyForm {
  errors?: FieldError[];
  note?: string;
  /** A message key shown above the form, e.g. that the reply is saved but not yet delivered. */
  notice?: string;
}

export const ADDITIONAL_DOCUMENT = 'additional';

/** A reply may carry any document of the card, or one the reviewer asked for that the card does not list. */
export function replyDocuments(service: ServiceDefinition, locale: Locale): RequiredDocument[] {
  const documents = service.documents.map((d) => ({ ...d, required: false }));
  if (documents.some((d) => d.key === ADDITIONAL_DOCUMENT)) return documents;
  return [
    ...documents,
    { key: ADDITIONAL_DOCUMENT, title: translate(locale, 'documents.additional'), acceptedTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxSizeKb: 5120, required: false },
  ];
}

export async function citizenRequestExtras(ctx: AppContext, request: RequestRow, service: ServiceDefinition, locale: Locale, form: ReplyForm = {}) {
  const [documents, deliverables] = await Promise.all([
    requestDocuments(ctx.db, request.id),
    ctx.db('deliverables').where({ request_id: request.id }).orderBy('id').limit(20).select('id', 'kind', 'title', 'mime', 'issued_at'),
  ]);
  const replying = request.status === 'needs_info';
  const inputs = replying ? documentInputs(replyDocuments(service, locale), [], form.errors ?? [], locale) : [];
  const noteError = form.errors?.find((e) => e.key === 'note');
  return {
    documents: documents.map((d) => documentListItem(d, service.documents, locale)),
    result: deliverables.length ? { issuedAt: deliverables[0].issued_at } : null,
    results: deliverables.map((d: { id: number; kind: string; title: string | null; mime: string; issued_at: Date }, i: number) => ({
      href: `/requests/${request.tracking_code}/result${i === 0 ? '' : `/${d.id}`}`,
      title: d.title ?? translate(locale, `documents.deliverable.kind.${d.kind}`),
      pdf: d.mime === 'application/pdf',
      issuedAt: d.issued_at,
    })),
    reply: replying
      ? {
          inputs,
          note: form.note ?? '',
          noteError: noteError ? translate(locale, noteError.messageKey, noteError.vars) : null,
          notice: form.notice ?? null,
          errorSummary: [
            ...(noteError ? [{ id: 'reply-note', message: translate(locale, noteError.messageKey, noteError.vars) }] : []),
            ...inputs.filter((i) => i.error).map((i) => ({ id: i.id, message: i.error })),
          ],
        }
      : null,
  };
}

/** The whole citizen request page, for answers to the reply form. */
export async function replyPage(ctx: AppContext, request: RequestRow, locale: Locale, form: ReplyForm) {
  const [service, events] = await Promise.all([serviceSnapshot(ctx.db, request), requestHistory(ctx.db, request.id)]);
  return {
    request,
    service,
    full: true,
    open: true,
    timeline: citizenTimeline(events),
    ...(await citizenRequestExtras(ctx, request, service, locale, form)),
    pageTitle: 'request.title',
  };
}

/** True when a reply was saved after the latest request for information but the workflow has not taken it yet. */
export async function hasUndeliveredReply(ctx: AppContext, requestId: number): Promise<boolean> {
  const asked = await ctx.db('request_events').where({ request_id: requestId, status: 'needs_info' }).max('id as id').first();
  const reply = await ctx.db('request_events')
    .where({ request_id: requestId, kind: 'citizen_reply' })
    .where('id', '>', asked?.id ?? 0)
    .first('id');
  return Boolean(reply);
}
