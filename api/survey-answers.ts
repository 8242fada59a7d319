// A survey answer: checked against the service's own questions, and only while the workflow holds the survey open.
import type { Db } from '../lib/db';
import { normalizePersianText, toLatinDigits } from '../lib/persian';
import { isClosingStatus } from '../workflows/statuses';
import type { ServiceDefinition } from '../workflows/types';

const TEXT_MAX = 2000;

/** not-yet: the request is still on its way to the survey step; never: it ended before reaching it. */
export type SurveyState = 'open' | 'answered' | 'closed' | 'not-yet' | 'never';

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

/** Where a request's survey stands, as the workflow wrote it: open while the projection says it awaits the survey. */
export async function surveyStateOf(
  db: Db,
  request: { id: number; status: string; awaiting: string | null; closed_at: Date | null },
): Promise<{ state: SurveyState; closesAt: Date | null }> {
  const [answered, opened] = await Promise.all([
    db('surveys').where({ request_id: request.id }).first('id'),
    db('request_events').where({ request_id: request.id, kind: 'survey_opened' }).orderBy('id', 'desc').first('data'),
  ]);
  if (answered) return { state: 'answered', closesAt: null };
  const closesAt = opened?.data?.closesAt ? new Date(opened.data.closesAt) : null;
  if (request.awaiting === 'survey') return { state: 'open', closesAt };
  if (opened) return { state: 'closed', closesAt };
  return { state: request.closed_at || isClosingStatus(request.status) ? 'never' : 'not-yet', closesAt: null };
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
