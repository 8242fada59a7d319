// The satisfaction survey: one answer per request, accepted while the request's workflow holds the survey open.
import { Router, type Request, type Response } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { answerSurvey } from '../../workflows/messages';
import type { ServiceDefinition } from '../../workflows/types';
import type { AppContext } from '../context';
import { refusalOf } from '../decision-refusals';
import { notFound } from '../errors';
import { findRequest, serviceSnapshot, type RequestRow } from '../request-reader';
import { checkSurvey, surveyStateOf, type SurveyError, type SurveyInput, type SurveyState } from '../survey-answers';
import { requireCitizen } from '../access';
import { sendAction } from '../actions';

const SCALE = ['1', '2', '3', '4', '5'];

/** Rolls the answer back: another answer came first, or the workflow no longer holds the survey open. */
class SurveyNotSaved extends Error {
  constructor(readonly outcome: 'answered' | 'refused') {
    super(outcome);
  }
}

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
    return { request, service, ...(await surveyStateOf(ctx.db, request)) };
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
    if (loaded.state === 'never') return render(res, 409, loaded, null, [], 'survey.never');
    if (loaded.state === 'answered') return render(res, 409, loaded, null, [], 'survey.alreadyAnswered');
    const { input, errors } = checkSurvey(loaded.service, req.body ?? {});
    if (errors.length) return render(res, 422, loaded, input, errors);
    // The answer is kept only if the workflow accepts it: both happen, or neither.
    let outcome: 'saved' | 'answered' | 'refused' = 'saved';
    try {
      await ctx.db.transaction(async (trx) => {
        const inserted = await trx('surveys')
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
        if (!inserted.length) throw new SurveyNotSaved('answered');
        try {
          await sendAction(ctx.temporal, loaded.request.tracking_code, answerSurvey, [], { updateId: `survey-${loaded.request.id}` });
        } catch (error) {
          if (refusalOf(error)) throw new SurveyNotSaved('refused');
          throw error;
        }
      });
    } catch (error) {
      if (!(error instanceof SurveyNotSaved)) throw error;
      outcome = error.outcome;
    }
    if (outcome === 'answered') return render(res, 409, { ...loaded, state: 'answered' }, null, [], 'survey.alreadyAnswered');
    if (outcome === 'refused') return render(res, 409, { ...(await load(req)) }, null, [], 'survey.closed');
    res.redirect(303, `/survey/${loaded.request.tracking_code}`);
  });

  return router;
}
