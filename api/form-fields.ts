// A service's form fields as the page draws them: values, options, errors and the condition that shows each one.
import type { FieldError } from '../lib/forms';
import { translate, type Locale } from '../lib/i18n';
import type { ServiceDefinition } from '../workflows/types';

export function formFields(def: ServiceDefinition, answers: Record<string, string>, errors: FieldError[], departments: { value: string; label: string }[], locale: Locale) {
  return def.fields.map((field) => {
    const error = errors.find((e) => e.key === field.key);
    const options = field.type === 'department' ? departments : field.options;
    return {
      ...field,
      id: `f-${field.key}`,
      value: answers[field.key] ?? '',
      checked: answers[field.key] === 'yes',
      options: options?.map((o) => ({ ...o, selected: o.value === answers[field.key] })),
      isText: ['text', 'number', 'mobile', 'national-code', 'postal-code', 'email', 'jalali-date', 'digits'].includes(field.type),
      isTextarea: field.type === 'textarea',
      isSelect: field.type === 'select' || field.type === 'department',
      isCheckbox: field.type === 'checkbox',
      inputMode: ['number', 'mobile', 'national-code', 'postal-code', 'digits'].includes(field.type) ? 'numeric' : undefined,
      // The form script shows and hides the field as the answers above it change; without script every field shows.
      showIfJson: field.showIf ? JSON.stringify(field.showIf) : undefined,
      inputType: field.type === 'email' ? 'email' : 'text',
      error: error ? translate(locale, error.messageKey, error.vars) : null,
    };
  });
}
