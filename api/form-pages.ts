// The form, "check your answers" and submit of a service, for whoever fills it: the citizen online, or a clerk at the counter for them.
import type { Request, Response } from 'express';
import { checkAnswers } from '../lib/forms';
import { departmentOptions, readableAnswers } from './answers';
import { publishedService } from './catalog-list';
import { formFields } from './form-fields';
import type { AppContext } from './context';
import { missingRequiredDocuments, saveDraftUploads } from './draft-documents';
import { documentInputs, documentListItem, draftDocuments } from './documents';
import { missingServiceError } from './service-availability';
import { DraftAlreadySubmitted, resumeSubmission } from './submission';
import { readMultipart } from './uploads';

/** Whose draft the form fills and where its pages live. */
export interface Applicant {
  citizenId: number;
  mobile: string;
  /** The path the form's pages hang from: `/services/<id>` online, `/staff/counter/<citizen>/services/<id>` at the counter. */
  base: string;
  /** The counter clerk who fills the form for the citizen; absent online. */
  clerk?: { id: number; username: string };
  /** Where the confirmation of a made request is. */
  confirmation: (trackingCode: string) => string;
  /** Runs once the request is made (the counter audits it). */
  onSubmitted?: (requestId: number) => Promise<void>;
}

/** A second «ارسال» within this long of the first lands on the first one's confirmation. */
const RECENT_SUBMISSION_MS = 10 * 60 * 1000;

export function createFormPages(ctx: AppContext) {
  const loadService = async (id: string) => {
    const current = await publishedService(ctx, id);
    if (!current) throw await missingServiceError(ctx.db, id);
    return current;
  };
  const draftOf = (who: Applicant, serviceId: string) => ctx.db('drafts').where({ citizen_id: who.citizenId, service_id: serviceId }).first();

  /** Where a submit with no draft goes: the confirmation of the request a click moments ago made from it, else the form. */
  const afterDraftGone = async (who: Applicant, serviceId: string) => {
    const made = await ctx.db('requests')
      .where({ citizen_id: who.citizenId, service_id: serviceId })
      .where('created_at', '>', new Date(Date.now() - RECENT_SUBMISSION_MS))
      .orderBy('id', 'desc')
      .first('tracking_code');
    if (!made) return `${who.base}/apply`;
    // The click that made it may have died before starting the request's workflow: start it now.
    await resumeSubmission(ctx.db, ctx.temporal, ctx.config, made.tracking_code);
    return who.confirmation(made.tracking_code);
  };

  return {
    async showForm(req: Request, res: Response, who: Applicant, extra: Record<string, unknown> = {}) {
      const { definition } = await loadService(req.params.id as string);
      const draft = await draftOf(who, definition.id);
      const fields = formFields(definition, draft?.answers ?? {}, [], await departmentOptions(ctx), res.locals.locale);
      const documents = documentInputs(definition.documents, await draftDocuments(ctx.db, who.citizenId, definition.id), [], res.locals.locale);
      res.render('apply', { service: definition, fields, documents, formBase: who.base, pageTitleText: definition.title, ...extra });
    },

    async saveForm(req: Request, res: Response, who: Applicant, extra: Record<string, unknown> = {}) {
      const { definition } = await loadService(req.params.id as string);
      const form = await readMultipart(req, res, definition.documents);
      const departments = await departmentOptions(ctx);
      // An oversize file ends the upload early: answers that did not arrive are taken from the saved draft.
      const saved = form.tooLargeField ? await draftOf(who, definition.id) : null;
      const { typed, errors } = checkAnswers(definition, { ...(saved?.answers ?? {}), ...form.body }, departments.map((d) => d.value));
      // What was typed is kept, even when it is not yet right (and the answer of a field hidden for now).
      await ctx.db('drafts')
        .insert({ citizen_id: who.citizenId, service_id: definition.id, answers: JSON.stringify(typed), updated_at: ctx.db.fn.now() })
        .onConflict(['citizen_id', 'service_id'])
        .merge(['answers', 'updated_at']);
      const documentErrors = await saveDraftUploads(ctx, who.citizenId, definition, form, res.locals.locale, who.clerk ? 'staff' : 'citizen');
      const uploaded = await draftDocuments(ctx.db, who.citizenId, definition.id);
      documentErrors.push(...missingRequiredDocuments(definition.documents, uploaded, documentErrors));
      if (errors.length || documentErrors.length) {
        const fields = formFields(definition, typed, errors, departments, res.locals.locale);
        const documents = documentInputs(definition.documents, uploaded, documentErrors, res.locals.locale);
        return res.status(422).render('apply', {
          service: definition,
          fields,
          documents,
          formBase: who.base,
          errorSummary: [...fields, ...documents].filter((f) => f.error).map((f) => ({ id: f.id, message: f.error })),
          pageTitleText: definition.title,
          ...extra,
        });
      }
      res.redirect(303, `${who.base}/check`);
    },

    async showCheck(req: Request, res: Response, who: Applicant, extra: Record<string, unknown> = {}) {
      const { definition } = await loadService(req.params.id as string);
      const draft = await draftOf(who, definition.id);
      if (!draft) return res.redirect(303, `${who.base}/apply`);
      const rows = readableAnswers(definition, draft.answers, await departmentOptions(ctx), res.locals.locale);
      const documents = (await draftDocuments(ctx.db, who.citizenId, definition.id)).map((d) => documentListItem(d, definition.documents, res.locals.locale));
      res.render('check', { service: definition, rows, documents, formBase: who.base, pageTitle: 'check.title', ...extra });
    },

    async submit(req: Request, res: Response, who: Applicant) {
      const service = await loadService(req.params.id as string);
      const draft = await draftOf(who, service.definition.id);
      if (!draft) return res.redirect(303, await afterDraftGone(who, service.definition.id));
      // The draft is checked again: the service may have changed since it was saved.
      const departments = await departmentOptions(ctx);
      const { answers, errors } = checkAnswers(service.definition, draft.answers, departments.map((d) => d.value));
      if (errors.length) return res.redirect(303, `${who.base}/apply`);
      const uploaded = await draftDocuments(ctx.db, who.citizenId, service.definition.id);
      if (missingRequiredDocuments(service.definition.documents, uploaded).length) return res.redirect(303, `${who.base}/apply`);
      try {
        const { trackingCode, requestId } = await ctx.submitRequest({ citizenId: who.citizenId, mobile: who.mobile, service, answers, draftId: draft.id, clerk: who.clerk });
        await who.onSubmitted?.(requestId);
        res.redirect(303, who.confirmation(trackingCode));
      } catch (error) {
        if (!(error instanceof DraftAlreadySubmitted)) throw error;
        // A second click on «ارسال»: the first one made the request; show its confirmation.
        res.redirect(303, await afterDraftGone(who, service.definition.id));
      }
    },
  };
}
