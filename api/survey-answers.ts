// A survey answer: checked against the service's own questions, and only within the window after delivery.
import type { Db } from '../lib/db';
import { normalizePersianText, toLatinDigits } from '../lib/persian';
import type { ServiceDefinition } from '../workflows/types';

const DAY_MS = 24 * 60 * 60 * 1000;
const TEXT_MAX = 2000;

export type SurveyState = 'open' | 'answered' | 'closed' | 'not-yet';

export interface SurveyError {
  id: string;
  messageKey: string;
  vars?: Record<string, unknown>;
}

export interface SurveyInput {
  rating: string;
  comment: string;
  answers: Record<string, string>;
}

export const surveyWindowMs = (service: ServiceDefinition) =>
  service.survey.windowSeconds ? service.survey.windowSeconds * 1000 : service.survey.windowDays * DAY_MS;

/** Where a request's survey stands; the window counts from the moment the request was delivered. */
export async function surveyStateOf(
  db: Db,
  request: { id: number; status: string },
  service: ServiceDefinition,
): Promise<{ state: SurveyState; closesAt: Date | null }> {
  const [answered, delivered] = await Promise.all([
    db('surveys').where({ request_id: request.id }).first('id'),
    db('request_events').where({ request_id: request.id, status: 'delivered' }).orderBy('id', 'desc').first('created_at'),
  ]);
  if (answered) return { state: 'answered', closesAt: null };
  if (!delivered) return { state: 'not-yet', closesAt: null };
  const closesAt = new Date(new Date(delivered.created_at).getTime() + surveyWindowMs(service));
  // Once the workflow has moved past delivery without an answer, the survey is over whatever the clock says.
  const open = request.status === 'delivered' && Date.now() < closesAt.getTime();
  return { state: open ? 'open' : 'closed', closesAt };
}

const one = (value: unknown) => (typeof value === 'string' ? value : Array.isArray(value) ? String(value[value.length - 1] ?? '') : '');

/** Reads the posted form; the rating and every rating or yes-no question are required, texts are optional. */
export function checkSurvey(service: ServiceDefinition, body: Record<string, unknown>): { input: SurveyInput; errors: SurveyError[] } {
  const errors: SurveyError[] = [];
  const rating = toLatinDigits(one(body.rating)).trim();
  if (!/^[1-5]$/.test(rating)) errors.push({ id: 'rating-1', messageKey: 'survey.errors.rating' });
  const comment = normalizePersianText(one(body.comment));
  if (comment.length > TEXT_MAX) errors.push({ id: 'comment', messageKey: 'survey.errors.tooLong', vars: { max: TEXT_MAX } });
  const answers: Record<string, string> = {};
  for (const question of service.survey.questions) {
    const name = `q_${question.key}`;
    const value = question.type === 'text' ? normalizePersianText(one(body[name])) : toLatinDigits(one(body[name])).trim();
    answers[question.key] = value;
    const vars = { question: question.text, max: TEXT_MAX };
    if (question.type === 'rating' && !/^[1-5]$/.test(value)) errors.push({ id: `${name}-1`, messageKey: 'survey.errors.questionRating', vars });
    if (question.type === 'yes-no' && !['yes', 'no'].includes(value)) errors.push({ id: `${name}-yes`, messageKey: 'survey.errors.questionYesNo', vars });
    if (question.type === 'text' && value.length > TEXT_MAX) errors.push({ id: name, messageKey: 'survey.errors.questionTooLong', vars });
  }
  return { input: { rating, comment, answers }, errors };
}
