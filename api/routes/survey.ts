// The satisfaction survey a citizen is sent after delivery: one answer per request, within the service's window.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { workflowIdFor } from '../../lib/temporal';
import { surveyAnswered } from '../../workflows/messages';
import type { ServiceDefinition } from '../../workflows/types';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { findRequest, serviceSnapshot, type RequestRow } from '../request-reader';
import { checkSurvey, surveyStateOf, type SurveyError, type SurveyInput, type SurveyState } from '../survey-answers';
import { requireCitizen } from '../access';

const SCALE = ['1', '2', '3', '4', '5'];

interface LoadedSurvey {
  request: RequestRow;
  service: ServiceDefinition;
  state: SurveyState;
  closesAt: Date | null;
}

function surveyPage(loaded: LoadedSurvey, locale: Locale, input: SurveyInput | null, errors: SurveyError[], refusal?: string) {
  const errorFor = (id: string) => {
    const error = errors.find((e) => e.id === id || e.id.startsWith(`${id}-`));
    return error ? translate(locale, error.messageKey, error.vars) : null;
  };
  const scale = (value: string | undefined) => SCALE.map((n) => ({ value: n, checked: value === n }));
  return {
    request: loaded.request,
    service: loaded.service,
    state: loaded.state,
    open: loaded.state === 'open' && !refusal,
    closesAt: loaded.closesAt,
    refusal,
    rating: { options: scale(input?.rating), error: errorFor('rating') },
    comment: { value: input?.comment ?? '', error: errorFor('comment') },
    questions: loaded.service.survey.questions.map((q) => {
      const name = `q_${q.key}`;
      const value = input?.answers[q.key] ?? '';
      return {
        ...q,
        name,
        value,
        isRating: q.type === 'rating',
        isYesNo: q.type === 'yes-no',
        isText: q.type === 'text',
        options: scale(value),
        yes: value === 'yes',
        no: value === 'no',
        error: errorFor(name),
      };
    }),
    errorSummary: errors.length ? errors.map((e) => ({ id: e.id, message: translate(locale, e.messageKey, e.vars) })) : null,
    pageTitle: 'survey.title',
  };
}

export function surveyRoutes(ctx: AppContext): Router {
  const router = Router();

  const load = async (req: Request): Promise<LoadedSurvey> => {
    const request = await findRequest(ctx.db, req.params.code as string);
    // Another citizen's request is answered exactly like a missing one.
    if (!request || request.citizen_id !== req.citizen!.id) throw notFound();
    const service = await serviceSnapshot(ctx.db, request);
    if (!service.steps.some((s) => s.type === 'survey')) throw notFound();
    return { request, service, ...(await surveyStateOf(ctx.db, request, service)) };
  };

  /** The workflow waits for this to close the request; telling it twice does no harm. */
  const tellWorkflow = async (request: RequestRow) => {
    if (request.status !== 'delivered') return;
    try {
      await ctx.temporal.workflow.getHandle(workflowIdFor(request.tracking_code)).signal(surveyAnswered);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  };

  const render = (res: Response, status: number, loaded: LoadedSurvey, input: SurveyInput | null = null, errors: SurveyError[] = [], refusal?: string) =>
    res.status(status).render('survey', surveyPage(loaded, res.locals.locale, input, errors, refusal));

  router.get('/survey/:code', requireCitizen, async (req, res) => {
    render(res, 200, await load(req));
  });

  router.post('/survey/:code', requireCitizen, async (req, res) => {
    const loaded = await load(req);
    if (loaded.state === 'closed') return render(res, 410, loaded, null, [], 'survey.closed');
    if (loaded.state === 'not-yet') return render(res, 409, loaded, null, [], 'survey.notYet');
    if (loaded.state === 'answered') {
      await tellWorkflow(loaded.request);
      return render(res, 409, loaded, null, [], 'survey.alreadyAnswered');
    }
    const { input, errors } = checkSurvey(loaded.service, req.body ?? {});
    if (errors.length) return render(res, 422, loaded, input, errors);
    const inserted = await ctx.db('surveys')
      .insert({
        request_id: loaded.request.id,
        service_id: loaded.request.service_id,
        rating: Number(input.rating),
        comment: input.comment || null,
        answers: JSON.stringify(input.answers),
      })
      .onConflict('request_id')
      .ignore()
      .returning('id');
    if (!inserted.length) return render(res, 409, { ...loaded, state: 'answered' }, null, [], 'survey.alreadyAnswered');
    await tellWorkflow(loaded.request);
    res.redirect(303, `/survey/${loaded.request.tracking_code}`);
  });

  return router;
}
