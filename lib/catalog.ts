// Reads and validates service cards: the JSON Schema (ajv) first, then the rules a schema cannot say.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import schema from '../service-catalog/schema/service.schema.json';
import { fieldsOf, type Condition } from '../workflows/conditions';
import { feeTiming } from '../workflows/service-facts';
import type { ServiceDefinition } from '../workflows/types';
import { describeExactlyOne, describeSchemaError, describeSyntaxError, placeOf, significantErrors } from './catalog-problems';
import { translate, type Locale } from './i18n';
import { JsonSyntaxError, locatePointer, positionOf, scanJson, type Position } from './json-positions';

export interface CatalogProblem {
  file: string;
  pointer: string;
  /** the whole sentence, place first: «فیلد «تاریخ پایان»: …» */
  message: string;
  line?: number;
  column?: number;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile<ServiceDefinition>(schema);

type Found = { pointer: string; key: string; vars?: Record<string, unknown> };

/** Every condition of the card with where it is and the fields it may read (those above it, for a field). */
function conditionsOf(def: ServiceDefinition): { at: string; condition: Condition; readable: string[] }[] {
  const keys = def.fields.map((f) => f.key);
  return [
    ...def.fields.flatMap((f, i) => (f.showIf ? [{ at: `/fields/${i}/showIf`, condition: f.showIf, readable: keys.slice(0, i) }] : [])),
    ...def.steps.flatMap((s, i) => (s.when ? [{ at: `/steps/${i}/when`, condition: s.when, readable: keys }] : [])),
    ...(def.rules ?? []).map((r, i) => ({ at: `/rules/${i}/require`, condition: r.require, readable: keys })),
  ];
}

/** Checks that steps, fields, fees, documents and conditions refer to one another correctly. */
function crossCheck(def: ServiceDefinition): Found[] {
  const problems: Found[] = [];
  const fieldKeys = new Map(def.fields.map((f) => [f.key, f]));
  const feeKeys = new Set(def.fees.map((f) => f.key));
  const unique = (items: { key?: string; id?: string }[], where: string, what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = item.key ?? item.id ?? '';
      if (seen.has(key)) problems.push({ pointer: `/${where}/${i}`, key: 'usedTwice', vars: { what, key } });
      seen.add(key);
    });
  };
  unique(def.fields, 'fields', 'key');
  unique(def.documents, 'documents', 'key');
  unique(def.fees, 'fees', 'key');
  unique(def.steps, 'steps', 'id');
  def.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    if (step.type === 'inquiry') {
      // `$mobile` is the applicant's; `inquiries.<step>.<key>` must name an inquiry step before this one.
      const known = (source: string) =>
        source === '$mobile' ||
        fieldKeys.has(source) ||
        (source.startsWith('inquiries.') && def.steps.slice(0, i).some((s) => s.type === 'inquiry' && s.id === source.split('.')[1]));
      for (const [param, source] of Object.entries(step.input)) {
        if (!known(source)) problems.push({ pointer: `${at}/input/${param}`, key: /^(inquiries\.|\$)/.test(source) ? 'noSuchSource' : 'noSuchField', vars: { key: source } });
      }
      for (const [key, source] of Object.entries(step.compare ?? {})) {
        if (typeof source === 'string' && !known(source)) problems.push({ pointer: `${at}/compare/${key}`, key: /^(inquiries\.|\$)/.test(source) ? 'noSuchSource' : 'noSuchField', vars: { key: source } });
      }
    }
    if (step.type === 'deliver' && step.languageField && !fieldKeys.has(step.languageField)) {
      problems.push({ pointer: `${at}/languageField`, key: 'noSuchField', vars: { key: step.languageField } });
    }
    if (step.type === 'payment' && !feeKeys.has(step.fee)) problems.push({ pointer: `${at}/fee`, key: 'noSuchFee', vars: { key: step.fee } });
    if (step.type === 'register-letter') {
      if (!step.department && !step.departmentFromField) problems.push({ pointer: at, key: 'letterNeedsDepartment' });
      if (step.departmentFromField && fieldKeys.get(step.departmentFromField)?.type !== 'department') {
        problems.push({ pointer: `${at}/departmentFromField`, key: 'notDepartmentField', vars: { key: step.departmentFromField } });
      }
    }
    if (step.type === 'review' && step.role === 'department') {
      // The letter routes the request: a department step needs a letter step that runs whenever it runs.
      const letters = def.steps.slice(0, i).filter((s) => s.type === 'register-letter');
      const routed = letters.some((s) => !s.when || JSON.stringify(s.when) === JSON.stringify(step.when));
      if (!routed) problems.push({ pointer: `${at}/role`, key: letters.length ? 'letterConditional' : 'departmentNeedsLetter' });
    }
  });
  def.fields.forEach((field, i) => {
    if (field.pattern) {
      try {
        new RegExp(field.pattern, 'u');
      } catch {
        problems.push({ pointer: `/fields/${i}/pattern`, key: 'badPattern' });
      }
    }
    if (field.type !== 'select' && field.options) problems.push({ pointer: `/fields/${i}/options`, key: 'optionsNotSelect' });
    if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
      problems.push({ pointer: `/fields/${i}/minLength`, key: 'minOverMax' });
    }
  });
  for (const { at, condition, readable } of conditionsOf(def)) {
    for (const key of fieldsOf(condition)) {
      if (!fieldKeys.has(key)) problems.push({ pointer: at, key: 'conditionNoSuchField', vars: { key } });
      else if (!readable.includes(key)) problems.push({ pointer: at, key: 'conditionLaterField', vars: { key } });
    }
  }
  (def.rules ?? []).forEach((rule, i) => {
    if (rule.field && !fieldKeys.has(rule.field)) problems.push({ pointer: `/rules/${i}/field`, key: 'noSuchField', vars: { key: rule.field } });
  });
  if (def.applicant) {
    const named = [...[def.applicant.name ?? []].flat(), def.applicant.nationalCode, def.applicant.mobile].filter((k): k is string => !!k);
    for (const key of named) if (!fieldKeys.has(key)) problems.push({ pointer: '/applicant', key: 'noSuchField', vars: { key } });
  }
  def.fees.forEach((fee, i) => {
    const derived = feeTiming(def, fee.key);
    if (derived && fee.when && fee.when !== derived) problems.push({ pointer: `/fees/${i}/when`, key: 'feeTiming', vars: { derived } });
    if (!derived && !fee.when) problems.push({ pointer: `/fees/${i}`, key: 'feeWithoutStep' });
  });
  return problems;
}

/** The problems of a parsed card, in words, without line numbers (the caller knows the text). */
export function validateService(value: unknown, file = '(inline)', locale: Locale = 'fa'): { service?: ServiceDefinition; problems: CatalogProblem[] } {
  const say = (pointer: string, what: string) => ({ file, pointer: pointer || '/', message: `${placeOf(value, pointer, locale)}: ${what}` });
  if (!validateSchema(value)) {
    const problems = significantErrors(validateSchema.errors ?? []).map((e) =>
      say(e.instancePath, e.keyword === 'exactlyOne' ? describeExactlyOne(e, locale) : describeSchemaError(e, locale)),
    );
    return { problems };
  }
  const problems = crossCheck(value).map((p) => {
    const vars = { ...p.vars, ...(p.key === 'feeTiming' ? { derived: translate(locale, `feeWhen.${String(p.vars?.derived)}`) } : {}) };
    return say(p.pointer, translate(locale, `catalogProblems.check.${p.key}`, vars));
  });
  return problems.length ? { problems } : { service: value, problems };
}

/** Adds the line and column of each problem in the text it came from. */
export function withPositions<T extends { pointer: string }>(text: string, problems: T[]): (T & Position)[] {
  let positions: Map<string, number>;
  try {
    positions = scanJson(text);
  } catch {
    return problems.map((p) => ({ ...p, line: 1, column: 1 }));
  }
  return problems.map((p) => ({ ...p, ...locatePointer(text, positions, p.pointer) }));
}

export function parseServiceJson(text: string, file = '(inline)', locale: Locale = 'fa') {
  try {
    scanJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const at = positionOf(text, error.offset);
    return { problems: [{ file, pointer: '/', message: translate(locale, 'catalogProblems.syntax.title', { reason: describeSyntaxError(error, locale) }), ...at }] };
  }
  const result = validateService(JSON.parse(text), file, locale);
  return { ...result, problems: withPositions(text, result.problems) };
}

export function catalogFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every valid service in the folder, and the problems of those that are not (they are skipped). */
export function loadCatalog(dir: string): { services: ServiceDefinition[]; problems: CatalogProblem[] } {
  const services: ServiceDefinition[] = [];
  const problems: CatalogProblem[] = [];
  const ids = new Map<string, string>();
  for (const file of catalogFiles(dir)) {
    const name = path.relative(process.cwd(), file);
    const result = parseServiceJson(fs.readFileSync(file, 'utf8'), name);
    problems.push(...result.problems);
    if (!result.service) continue;
    const previous = ids.get(result.service.id);
    if (previous) {
      problems.push({ file: name, pointer: '/id', message: `${placeOf(result.service, '/id', 'fa')}: ${translate('fa', 'catalogProblems.check.idUsedBy', { id: result.service.id, file: previous })}` });
      continue;
    }
    ids.set(result.service.id, name);
    services.push(result.service);
  }
  return { services, problems };
}
