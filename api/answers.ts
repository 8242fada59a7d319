// A request's answers as people read them: option and department names instead of codes.
import { translate, type Locale } from '../lib/i18n';
import type { ServiceDefinition } from '../workflows/types';
import type { AppContext } from './context';

export async function departmentOptions(ctx: Pick<AppContext, 'db'>): Promise<{ value: string; label: string }[]> {
  return ctx.db('departments').where({ is_secretariat: false }).orderBy('name').select('code as value', 'name as label');
}

export function readableAnswers(def: ServiceDefinition, answers: Record<string, string>, departments: { value: string; label: string }[], locale: Locale) {
  return def.fields.map((field) => {
    const raw = answers[field.key] ?? '';
    const options = field.type === 'department' ? departments : field.options;
    let shown = options?.find((o) => o.value === raw)?.label ?? raw;
    if (field.type === 'checkbox') shown = translate(locale, raw ? 'common.yes' : 'common.no');
    return { key: field.key, label: field.label, type: field.type, value: shown };
  });
}
