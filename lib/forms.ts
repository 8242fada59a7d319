// Server-side checking of a service form, with the same field definitions the page is built from.
import { failedRules, ruleField, visibleAnswers } from '../workflows/conditions';
import type { FormField, ServiceDefinition } from '../workflows/types';
import { isValidNationalCode, isValidPostalCode, normalizeMobile, normalizePersianText, toLatinDigits } from './persian';
import { parseJalaliDate } from './jalali';

export interface FieldError {
  key: string;
  messageKey: string;
  vars?: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const DIGIT_TYPES = new Set(['number', 'national-code', 'postal-code', 'mobile', 'jalali-date', 'digits']);

const digitsLengthMessage = (field: FormField) =>
  field.minLength !== undefined && field.minLength === field.maxLength ? 'form.errors.digitsExactly' : field.maxLength === undefined ? 'form.errors.digitsAtLeast' : field.minLength === undefined ? 'form.errors.digitsAtMost' : 'form.errors.digitsBetween';

/** One answer as stored: digits Latin in every field (shown Persian again on the pages), look-alike letters unified. */
function cleaned(field: FormField, raw: unknown): string {
  let value = typeof raw === 'string' ? raw : Array.isArray(raw) ? String(raw[raw.length - 1] ?? '') : '';
  value = toLatinDigits(field.type === 'textarea' ? value.replace(/\r\n/g, '\n').trim() : normalizePersianText(value));
  if (DIGIT_TYPES.has(field.type)) value = value.replace(field.type === 'jalali-date' ? /\s/g : /[\s-]/g, '');
  if (field.type === 'checkbox') value = value ? 'yes' : '';
  return value;
}

/**
 * Checks a form as the page showed it: a field whose `showIf` fails is hidden, not required and its answer dropped;
 * then the card's rules across answers. `answers` holds the shown fields only; `typed` keeps every answer for the draft.
 */
export function checkAnswers(
  def: Pick<ServiceDefinition, 'fields' | 'rules'>,
  body: Record<string, unknown>,
  departmentCodes: string[],
): { answers: Record<string, string>; typed: Record<string, string>; errors: FieldError[] } {
  const fields = def.fields;
  const typed: Record<string, string> = {};
  for (const field of fields) typed[field.key] = cleaned(field, body[field.key]);
  const { answers, hidden } = visibleAnswers(fields, typed);
  const errors: FieldError[] = [];
  for (const field of fields) {
    if (hidden.has(field.key)) continue;
    const value = answers[field.key];
    const fail = (messageKey: string, vars: Record<string, unknown> = {}) => errors.push({ key: field.key, messageKey, vars: { label: field.label, ...vars } });
    if (!value) {
      if (field.required) fail(field.type === 'checkbox' ? 'form.errors.mustAgree' : 'form.errors.required');
      continue;
    }
    if (field.type === 'digits') {
      if (!/^\d+$/.test(value)) fail('form.errors.digits');
      else if (value.length < (field.minLength ?? 1) || value.length > (field.maxLength ?? 50)) fail(digitsLengthMessage(field), { min: field.minLength ?? 1, max: field.maxLength ?? 50 });
    } else if (field.minLength !== undefined && value.length < field.minLength) fail('form.errors.tooShort', { min: field.minLength });
    else if (value.length > (field.maxLength ?? (field.type === 'textarea' ? 5000 : 500))) {
      fail('form.errors.tooLong', { max: field.maxLength ?? (field.type === 'textarea' ? 5000 : 500) });
    }
    switch (field.type) {
      case 'number': {
        const n = Number(value);
        if (!/^-?\d+(\.\d+)?$/.test(value)) fail('form.errors.number');
        else if (field.min !== undefined && n < field.min) fail('form.errors.min', { min: field.min });
        else if (field.max !== undefined && n > field.max) fail('form.errors.max', { max: field.max });
        break;
      }
      case 'national-code':
        if (!isValidNationalCode(value)) fail('form.errors.nationalCode');
        break;
      case 'postal-code':
        if (!isValidPostalCode(value)) fail('form.errors.postalCode');
        break;
      case 'mobile': {
        const mobile = normalizeMobile(value);
        if (!mobile) fail('form.errors.mobile');
        else answers[field.key] = mobile;
        break;
      }
      case 'email':
        if (!EMAIL.test(value)) fail('form.errors.email');
        break;
      case 'jalali-date': {
        const date = parseJalaliDate(value);
        if (!date) fail('form.errors.jalaliDate');
        else answers[field.key] = value.replace(/-/g, '/').replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, (_, y, m, d) => `${y}/${m.padStart(2, '0')}/${d.padStart(2, '0')}`);
        break;
      }
      case 'select':
        if (!field.options?.some((o) => o.value === value)) fail('form.errors.option');
        break;
      case 'department':
        if (!departmentCodes.includes(value)) fail('form.errors.option');
        break;
      case 'text':
      case 'textarea':
      case 'checkbox':
      case 'digits':
        break;
    }
    if (field.pattern && !errors.some((e) => e.key === field.key) && !new RegExp(field.pattern, 'u').test(value)) {
      errors.push({ key: field.key, messageKey: field.patternMessage ? 'form.errors.custom' : 'form.errors.pattern', vars: { label: field.label, message: field.patternMessage ?? '' } });
    }
  }
  // A rule is checked on answers that passed their own checks; its message goes next to its field.
  const sound = Object.fromEntries(Object.entries(answers).filter(([key]) => !errors.some((e) => e.key === key)));
  for (const rule of failedRules(def.rules ?? [], sound)) {
    const key = ruleField(rule);
    if (!errors.some((e) => e.key === key)) errors.push({ key, messageKey: 'form.errors.custom', vars: { message: rule.message } });
  }
  return { answers, typed, errors };
}
