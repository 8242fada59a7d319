// A request's answers as people read them: option and department names instead of codes.
import { translate, type Locale } from '../lib/i18n';
import { visibleAnswers } from '../workflows/conditions';
import type { ServiceDefinition } from '../workflows/types';
import type { AppContext } from './context';

export async function departmentOptions(ctx: Pick<AppContext, 'db'>): Promise<{ value: string; label: string }[]> {
  return ctx.db('departments').where({ is_secretariat: false }).orderBy('name').select('code as value', 'name as label');
}

/** The answers of the fields the form showed (a field hidden by its `showIf` has none), in form order. */
export function readableAnswers(def: ServiceDefinition, answers: Record<string, string>, departments: { value: string; label: string }[], locale: Locale) {
  const { hidden } = visibleAnswers(def.fields, answers);
  return def.fields.filter((field) => !hidden.has(field.key)).map((field) => {
    const raw = answers[field.key] ?? '';
    const options = field.type === 'department' ? departments : field.options;
    let shown = options?.find((o) => o.value === raw)?.label ?? raw;
    if (field.type === 'checkbox') shown = translate(locale, raw ? 'common.yes' : 'common.no');
    return { key: field.key, label: field.label, type: field.type, value: shown };
  });
}
