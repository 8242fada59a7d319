// Filling a service's form: the form, the "check your answers" page, the submission and its confirmation.
import { Router } from 'express';
import { checkAnswers } from '../../lib/forms';
import { requireCitizen } from '../access';
import { DraftAlreadySubmitted, resumeSubmission } from '../submission';
import { departmentOptions, readableAnswers } from '../answers';
import { formFields } from '../form-fields';
import type { AppContext } from '../context';
import { missingRequiredDocuments, saveDraftUploads } from '../draft-documents';
import { documentInputs, documentListItem, draftDocuments } from '../documents';
import { missingServiceError } from '../service-availability';
import { readMultipart } from '../uploads';
import { publishedService } from '../catalog-list';

/** A second «ارسال» within this long of the first lands on the first one's confirmation. */
const RECENT_SUBMISSION_MS = 10 * 60 * 1000;

export function applyRoutes(ctx: AppContext): Router {
  const router = Router();

  const loadService = async (id: string) => {
    const current = await publishedService(ctx, id);
    if (!current) throw await missingServiceError(ctx.db, id);
    return current;
  };

  router.get('/services/:id/apply', requireCitizen, async (req, res) => {
    const { definition } = await loadService(req.params.id as string);
    const draft = await ctx.db('drafts').where({ citizen_id: req.citizen!.id, service_id: definition.id }).first();
    const fields = formFields(definition, draft?.answers ?? {}, [], await departmentOptions(ctx), res.locals.locale);
    const documents = documentInputs(definition.documents, await draftDocuments(ctx.db, req.citizen!.id, definition.id), [], res.locals.locale);
    res.render('apply', { service: definition, fields, documents, pageTitleText: definition.title });
  });

  router.post('/services/:id/apply', requireCitizen, async (req, res) => {
    const { definition } = await loadService(req.params.id as string);
    const form = await readMultipart(req, res, definition.documents);
    const departments = await departmentOptions(ctx);
    // An oversize file ends the upload early: answers that did not arrive are taken from the saved draft.
    const saved = form.tooLargeField ? await ctx.db('drafts').where({ citizen_id: req.citizen!.id, service_id: definition.id }).first() : null;
    const { typed, errors } = checkAnswers(definition, { ...(saved?.answers ?? {}), ...form.body }, departments.map((d) => d.value));
    // What the citizen typed is kept, even when it is not yet right (and the answer of a field hidden for now).
    await ctx.db('drafts')
      .insert({ citizen_id: req.citizen!.id, service_id: definition.id, answers: JSON.stringify(typed), updated_at: ctx.db.fn.now() })
      .onConflict(['citizen_id', 'service_id'])
      .merge(['answers', 'updated_at']);
    const documentErrors = await saveDraftUploads(ctx, req.citizen!.id, definition, form, res.locals.locale);
    const uploaded = await draftDocuments(ctx.db, req.citizen!.id, definition.id);
    documentErrors.push(...missingRequiredDocuments(definition.documents, uploaded, documentErrors));
    if (errors.length || documentErrors.length) {
      const fields = formFields(definition, typed, errors, departments, res.locals.locale);
      const documents = documentInputs(definition.documents, uploaded, documentErrors, res.locals.locale);
      return res.status(422).render('apply', {
        service: definition,
        fields,
        documents,
        errorSummary: [...fields, ...documents].filter((f) => f.error).map((f) => ({ id: f.id, message: f.error })),
        pageTitleText: definition.title,
      });
    }
    res.redirect(303, `/services/${definition.id}/check`);
  });

  router.get('/services/:id/check', requireCitizen, async (req, res) => {
    const { definition } = await loadService(req.params.id as string);
    const draft = await ctx.db('drafts').where({ citizen_id: req.citizen!.id, service_id: definition.id }).first();
    if (!draft) return res.redirect(303, `/services/${definition.id}/apply`);
    const rows = readableAnswers(definition, draft.answers, await departmentOptions(ctx), res.locals.locale);
    const documents = (await draftDocuments(ctx.db, req.citizen!.id, definition.id)).map((d) => documentListItem(d, definition.documents, res.locals.locale));
    res.render('check', { service: definition, rows, documents, pageTitle: 'check.title' });
  });

  /** Where a submit with no draft goes: the confirmation of the request a click moments ago made from it, else the form. */
  const afterDraftGone = async (citizenId: number, serviceId: string) => {
    const made = await ctx.db('requests')
      .where({ citizen_id: citizenId, service_id: serviceId })
      .where('created_at', '>', new Date(Date.now() - RECENT_SUBMISSION_MS))
      .orderBy('id', 'desc')
      .first('tracking_code');
    if (!made) return `/services/${serviceId}/apply`;
    // The click that made it may have died before starting the request's workflow: start it now.
    await resumeSubmission(ctx.db, ctx.temporal, ctx.config, made.tracking_code);
    return `/requests/${made.tracking_code}/submitted`;
  };

  router.post('/services/:id/submit', requireCitizen, async (req, res) => {
    const service = await loadService(req.params.id as string);
    const draft = await ctx.db('drafts').where({ citizen_id: req.citizen!.id, service_id: service.definition.id }).first();
    if (!draft) return res.redirect(303, await afterDraftGone(req.citizen!.id, service.definition.id));
    // The draft is checked again: the service may have changed since it was saved.
    const departments = await departmentOptions(ctx);
    const { answers, errors } = checkAnswers(service.definition, draft.answers, departments.map((d) => d.value));
    if (errors.length) return res.redirect(303, `/services/${service.definition.id}/apply`);
    const uploaded = await draftDocuments(ctx.db, req.citizen!.id, service.definition.id);
    if (missingRequiredDocuments(service.definition.documents, uploaded).length) return res.redirect(303, `/services/${service.definition.id}/apply`);
    try {
      const { trackingCode } = await ctx.submitRequest({ citizenId: req.citizen!.id, mobile: req.citizen!.mobile, service, answers, draftId: draft.id });
      res.redirect(303, `/requests/${trackingCode}/submitted`);
    } catch (error) {
      if (!(error instanceof DraftAlreadySubmitted)) throw error;
      // A second click on «ارسال»: the first one made the request; show its confirmation.
      res.redirect(303, await afterDraftGone(req.citizen!.id, service.definition.id));
    }
  });

  return router;
}
