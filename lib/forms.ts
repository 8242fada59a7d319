// Server-side checking of a service form, with the same field definitions the page is built from.
import type { FormField } from '../workflows/types';
import { isValidNationalCode, isValidPostalCode, normalizeMobile, normalizePersianText, toLatinDigits } from './persian';
import { parseJalaliDate } from './jalali';

export interface FieldError {
  key: string;
  messageKey: string;
  vars?: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const DIGIT_TYPES = new Set(['number', 'national-code', 'postal-code', 'mobile', 'jalali-date']);

/** Returns the cleaned answers (digits made Latin, look-alike letters unified) and every error found. */
export function checkAnswers(
  fields: FormField[],
  body: Record<string, unknown>,
  departmentCodes: string[],
): { answers: Record<string, string>; errors: FieldError[] } {
  const answers: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const field of fields) {
    const raw = body[field.key];
    let value = typeof raw === 'string' ? raw : Array.isArray(raw) ? String(raw[raw.length - 1] ?? '') : '';
    value = field.type === 'textarea' ? value.replace(/\r\n/g, '\n').trim() : normalizePersianText(value);
    if (DIGIT_TYPES.has(field.type)) value = toLatinDigits(value).replace(field.type === 'jalali-date' ? /\s/g : /[\s-]/g, '');
    // A code with a pattern (personnel number, licence plate) is a code: typed in any digits, stored in Latin ones.
    else if (field.pattern && field.type !== 'textarea') value = toLatinDigits(value);
    if (field.type === 'checkbox') value = value ? 'yes' : '';
    answers[field.key] = value;
    const fail = (messageKey: string, vars: Record<string, unknown> = {}) => errors.push({ key: field.key, messageKey, vars: { label: field.label, ...vars } });
    if (!value) {
      if (field.required) fail(field.type === 'checkbox' ? 'form.errors.mustAgree' : 'form.errors.required');
      continue;
    }
    if (field.minLength !== undefined && value.length < field.minLength) fail('form.errors.tooShort', { min: field.minLength });
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
        break;
    }
    if (field.pattern && !errors.some((e) => e.key === field.key) && !new RegExp(field.pattern, 'u').test(value)) {
      errors.push({ key: field.key, messageKey: field.patternMessage ? 'form.errors.custom' : 'form.errors.pattern', vars: { label: field.label, message: field.patternMessage ?? '' } });
    }
  }
  return { answers, errors };
}
