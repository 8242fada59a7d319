// A problem in a service card in the author's words: where (the field's label, the step's title) and what,
// the same sentence in the editor and in `npm run catalog:check`.
import type { ErrorObject } from 'ajv';
import { translate, type Locale } from './i18n';
import type { JsonSyntaxError } from './json-positions';

/** Lists of the card whose items are named by one of their own properties. */
const NAMED_ITEMS: Record<string, { place: string; name: string[] }> = {
  fields: { place: 'field', name: ['label', 'key'] },
  documents: { place: 'document', name: ['title', 'key'] },
  steps: { place: 'step', name: ['title', 'id'] },
  fees: { place: 'fee', name: ['title', 'key'] },
  laws: { place: 'law', name: ['title'] },
  faq: { place: 'faq', name: ['question'] },
  rules: { place: 'rule', name: ['message'] },
  questions: { place: 'question', name: ['text', 'key'] },
  options: { place: 'option', name: ['label', 'value'] },
};

const unescape = (part: string) => part.replace(/~1/g, '/').replace(/~0/g, '~');
const short = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** «فیلد «تاریخ پایان»، «type»» for /fields/7/type: items by their label, properties by their name. */
export function placeOf(value: unknown, pointer: string, locale: Locale): string {
  const parts = pointer.split('/').slice(1).filter(Boolean).map(unescape);
  const names: string[] = [];
  let node: unknown = value;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    const next = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    const list = NAMED_ITEMS[parts[index - 1]];
    if (list && /^\d+$/.test(part) && Array.isArray(node)) {
      const item = (next ?? {}) as Record<string, unknown>;
      const name = list.name.map((k) => item[k]).find((v) => typeof v === 'string' && v.trim());
      names.pop();
      names.push(
        name
          ? translate(locale, `catalogProblems.places.${list.place}`, { name: short(String(name)) })
          : translate(locale, `catalogProblems.places.${list.place}Number`, { n: Number(part) + 1 }),
      );
    } else if (/^\d+$/.test(part) && Array.isArray(node)) names.push(translate(locale, 'catalogProblems.places.item', { n: Number(part) + 1 }));
    else names.push(`«${part}»`);
    node = next;
  }
  return names.length ? names.join(translate(locale, 'catalogProblems.places.separator')) : translate(locale, 'catalogProblems.places.card');
}

const COMPARISON_NAMES = ['lessThan', 'atMost', 'greaterThan', 'atLeast', 'before', 'notBefore', 'after', 'notAfter'];

/** What a failed choice (`oneOf`) was about, from where it is: a condition, a compared value, or something else. */
function choiceAt(pointer: string): 'condition' | 'operand' | 'oneOf' {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1);
  if (COMPARISON_NAMES.includes(last)) return 'operand';
  return /\/(showIf|when|require|not)$|\/(all|any)\/\d+$/.test(pointer) ? 'condition' : 'oneOf';
}

const list = (values: unknown[], locale: Locale) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(translate(locale, 'catalogProblems.listSeparator'));

/** What is wrong, in words, for one ajv error (the place is said by placeOf). */
export function describeSchemaError(error: ErrorObject, locale: Locale): string {
  const p = error.params as Record<string, unknown>;
  const t = (key: string, vars: Record<string, unknown> = {}) => translate(locale, `catalogProblems.schema.${key}`, vars);
  switch (error.keyword) {
    case 'required':
      return t('required', { name: p.missingProperty });
    case 'additionalProperties':
      return t('unknownProperty', { name: p.additionalProperty });
    case 'propertyNames':
      return t('propertyName', { name: p.propertyName });
    case 'enum':
      return t('enum', { values: list(p.allowedValues as unknown[], locale) });
    case 'const':
      return t('const', { value: JSON.stringify(p.allowedValue) });
    case 'type':
      return t('type', { type: String(p.type).split(',').map((k) => translate(locale, `catalogProblems.types.${k}`)).join(translate(locale, 'catalogProblems.or')) });
    case 'pattern':
      return p.pattern === '^https?://' ? t('format') : t('pattern', { pattern: p.pattern });
    case 'format':
      return t(p.format === 'regex' ? 'regex' : 'format');
    case 'minLength':
      return Number(p.limit) === 1 ? t('empty') : t('minLength', { limit: p.limit });
    case 'maxLength':
      return t('maxLength', { limit: p.limit });
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return t(error.keyword, { limit: p.limit });
    case 'minItems':
      return Number(p.limit) === 1 ? t('emptyList') : t('minItems', { limit: p.limit });
    case 'uniqueItems':
      return t('uniqueItems', { i: Number(p.j) + 1, j: Number(p.i) + 1 });
    case 'minProperties':
      return t('minProperties');
    case 'oneOf':
      if ((p.passingSchemas as unknown[] | null)?.length) return t('oneOfBoth');
      return t(choiceAt(error.instancePath));
    default:
      return t('other', { keyword: error.keyword });
  }
}

/**
 * The errors worth showing: a `oneOf` that failed says so once, instead of every branch's complaint
 * (a wrong condition would otherwise list sixteen shapes it is not); an outer `oneOf` gives way to a deeper one.
 */
export function significantErrors(errors: ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => e.keyword !== 'if' && !/\/oneOf\/\d+\//.test(e.schemaPath));
  const oneOfs = kept.filter((e) => e.keyword === 'oneOf');
  const exactlyOne = errors.filter((e) => /\/oneOf\/\d+\/required$/.test(e.schemaPath));
  return kept.flatMap((e) => {
    if (e.keyword !== 'oneOf') return [e];
    if (oneOfs.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`))) return [];
    // A choice between properties (maxSizeKb or maxSizeMb) is said as such.
    const branches = errors.filter((b) => b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`));
    if (choiceAt(e.instancePath) === 'oneOf' && branches.length && branches.every((b) => exactlyOne.includes(b))) {
      return [{ ...e, keyword: 'exactlyOne', params: { names: branches.map((b) => (b.params as { missingProperty: string }).missingProperty) } }];
    }
    return [e];
  });
}

export function describeExactlyOne(error: ErrorObject, locale: Locale): string {
  return translate(locale, 'catalogProblems.schema.exactlyOne', { names: list((error.params as { names: string[] }).names, locale) });
}

/** A JSON syntax error in words; the line and column go with it. */
export function describeSyntaxError(error: JsonSyntaxError, locale: Locale): string {
  return translate(locale, `catalogProblems.syntax.${error.reason}`, { found: error.found });
}
