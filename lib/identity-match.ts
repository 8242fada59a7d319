// Judging an agency's answer against what the applicant wrote: Persian text and digits made comparable first.
import { normalizePersianText, toLatinDigits } from './persian';

/** One compared item of an inquiry's answer. */
export interface InquiryCheck {
  /** the answer's key (`fullName`, `birthDate`, `matched`, ...) */
  key: string;
  /** the form field it was compared with, or `$mobile`, or null for an expected constant */
  field: string | null;
  expected: string;
  got: string;
  match: boolean;
}

/** Letters that look alike, digits in any script, diacritics, spaces and the zero-width non-joiner do not make two names differ. */
export function comparableText(value: string): string {
  return toLatinDigits(normalizePersianText(value))
    .replace(/[\u064B-\u065F\u0670]/g, '')
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[ۀة]/g, 'ه')
    .replace(/[أإآ]/g, 'ا')
    .replace(/[\s\u200C\u200F\u200E\-_.،,]/g, '')
    .toLowerCase();
}

/** 1365/4/21, ۱۳۶۵-۰۴-۲۱ and 1365/04/21 are one date. */
export function comparableDate(value: string): string {
  const parts = toLatinDigits(value).trim().split(/[/\-.\s]+/);
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return comparableText(value);
  return [parts[0], parts[1].padStart(2, '0'), parts[2].padStart(2, '0')].join('/');
}

const DATE_KEY = /date/i;

/** The answer with the names it gives in parts also given whole, as forms ask for them. */
export function withFullName(answer: Record<string, unknown>): Record<string, unknown> {
  if (answer.fullName !== undefined || typeof answer.firstName !== 'string' || typeof answer.lastName !== 'string') return answer;
  return { ...answer, fullName: `${answer.firstName} ${answer.lastName}` };
}

/**
 * Compares each expected item with the answer: a string is what the applicant wrote (text, or a date for keys
 * naming one), a boolean is the value the agency must give (Shahkar's `matched: true`).
 */
export function checkAnswer(answer: Record<string, unknown>, expected: Record<string, { field: string | null; value: string | boolean }>): InquiryCheck[] {
  const full = withFullName(answer);
  return Object.entries(expected).map(([key, { field, value }]) => {
    const got = full[key];
    if (typeof value === 'boolean') return { key, field, expected: String(value), got: String(got ?? ''), match: got === value };
    const same = DATE_KEY.test(key) ? comparableDate(String(got ?? '')) === comparableDate(value) : comparableText(String(got ?? '')) === comparableText(value);
    return { key, field, expected: value, got: String(got ?? ''), match: got !== undefined && got !== null && same };
  });
}
