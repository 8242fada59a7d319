// Reads and validates service cards: the JSON Schema (ajv) first, then the rules a schema cannot say.
import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import schema from '../service-catalog/schema/service.schema.json';
import type { ServiceDefinition } from '../workflows/types';

export interface CatalogProblem {
  file: string;
  pointer: string;
  message: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateSchema = ajv.compile<ServiceDefinition>(schema);

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${(error.params as { type: string }).type}`;
    default:
      return error.message ?? error.keyword;
  }
}

/** Checks that steps, fields, fees and documents refer to one another correctly. */
function crossCheck(def: ServiceDefinition): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  const fieldKeys = new Map(def.fields.map((f) => [f.key, f]));
  const feeKeys = new Set(def.fees.map((f) => f.key));
  const unique = (items: { key?: string; id?: string }[], where: string, label: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = item.key ?? item.id ?? '';
      if (seen.has(key)) problems.push({ pointer: `/${where}/${i}`, message: `${label} "${key}" is used twice` });
      seen.add(key);
    });
  };
  unique(def.fields, 'fields', 'field key');
  unique(def.documents, 'documents', 'document key');
  unique(def.fees, 'fees', 'fee key');
  unique(def.steps, 'steps', 'step id');
  def.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    if (step.type === 'inquiry') {
      // `$mobile` is the applicant's; `inquiries.<step>.<key>` must name an inquiry step before this one.
      const known = (source: string) =>
        source === '$mobile' ||
        fieldKeys.has(source) ||
        (source.startsWith('inquiries.') && def.steps.slice(0, i).some((s) => s.type === 'inquiry' && s.id === source.split('.')[1]));
      for (const [param, source] of Object.entries(step.input)) {
        if (!known(source)) problems.push({ pointer: `${at}/input/${param}`, message: `refers to "${source}", which is neither a form field nor an earlier inquiry's answer` });
      }
      for (const [key, source] of Object.entries(step.compare ?? {})) {
        if (typeof source === 'string' && !known(source)) problems.push({ pointer: `${at}/compare/${key}`, message: `refers to "${source}", which is neither a form field nor an earlier inquiry's answer` });
      }
    }
    if (step.type === 'deliver' && step.languageField && !fieldKeys.has(step.languageField)) {
      problems.push({ pointer: `${at}/languageField`, message: `refers to the form field "${step.languageField}", which does not exist` });
    }
    if (step.type === 'payment' && !feeKeys.has(step.fee)) {
      problems.push({ pointer: `${at}/fee`, message: `refers to the fee "${step.fee}", which does not exist` });
    }
    if (step.type === 'register-letter') {
      if (!step.department && !step.departmentFromField) {
        problems.push({ pointer: at, message: 'needs "department" or "departmentFromField" to route the letter' });
      }
      if (step.departmentFromField && fieldKeys.get(step.departmentFromField)?.type !== 'department') {
        problems.push({
          pointer: `${at}/departmentFromField`,
          message: `must name a form field of type "department", "${step.departmentFromField}" is not one`,
        });
      }
    }
    if (step.type === 'review' && step.role === 'department' && !def.steps.slice(0, i).some((s) => s.type === 'register-letter')) {
      problems.push({ pointer: `${at}/role`, message: 'a department review needs an earlier register-letter step that routes the request' });
    }
  });
  def.fields.forEach((field, i) => {
    if (field.pattern) {
      try {
        new RegExp(field.pattern, 'u');
      } catch {
        problems.push({ pointer: `/fields/${i}/pattern`, message: 'is not a valid regular expression' });
      }
    }
  });
  return problems;
}

export function validateService(value: unknown, file = '(inline)'): { service?: ServiceDefinition; problems: CatalogProblem[] } {
  if (!validateSchema(value)) {
    const problems = (validateSchema.errors ?? [])
      .filter((e) => e.keyword !== 'if')
      .map((e) => ({ file, pointer: e.instancePath || '/', message: describe(e) }));
    return { problems };
  }
  const problems = crossCheck(value).map((p) => ({ file, ...p }));
  return problems.length ? { problems } : { service: value, problems };
}

export function parseServiceJson(text: string, file = '(inline)') {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [{ file, pointer: '/', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return validateService(value, file);
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
      problems.push({ file: name, pointer: '/id', message: `the id "${result.service.id}" is already used by ${previous}` });
      continue;
    }
    ids.set(result.service.id, name);
    services.push(result.service);
  }
  return { services, problems };
}
