// Checking a service card typed or uploaded by an admin: the catalogue's own rules plus what only the desk knows.
import fs from 'node:fs';
import path from 'node:path';
import { parseServiceJson, withPositions } from '../lib/catalog';
import { placeOf } from '../lib/catalog-problems';
import type { Db } from '../lib/db';
import { translate, type Locale } from '../lib/i18n';
import { changedHunks, diffLines } from '../lib/line-diff';
import schema from '../service-catalog/schema/service.schema.json';
import type { ServiceDefinition } from '../workflows/types';
import { projectRoot } from '../lib/paths';

export interface AuthoringProblem {
  pointer: string;
  /** the whole sentence, place first, as `npm run catalog:check` says it */
  message: string;
  line: number;
  column: number;
}

/** `expectedId` is the service in the address; null for a new one, whose id must be free. */
export async function checkServiceText(db: Db, text: string, expectedId: string | null, locale: Locale): Promise<{ service?: ServiceDefinition; problems: AuthoringProblem[] }> {
  const clean = text.replace(/^\uFEFF/, '');
  const parsed = parseServiceJson(clean, '(inline)', locale);
  if (!parsed.service) return { problems: parsed.problems.map(({ pointer, message, line, column }) => ({ pointer, message, line: line ?? 1, column: column ?? 1 })) };
  const service = parsed.service;
  const found: { pointer: string; message: string }[] = [];
  const problems = {
    push: (problem: { pointer: string; message: string }) => found.push({ pointer: problem.pointer, message: `${placeOf(service, problem.pointer, locale)}: ${problem.message}` }),
  };
  if (expectedId !== null && service.id !== expectedId) {
    problems.push({ pointer: '/id', message: translate(locale, 'authoring.errors.idMismatch', { expected: expectedId, found: service.id }) });
  }
  if (expectedId === null) {
    const taken = service.id === 'new' || (await db('services').where({ id: service.id }).first('id'));
    if (taken) problems.push({ pointer: '/id', message: translate(locale, 'authoring.errors.idTaken', { id: service.id }) });
  }
  // Letters are routed to departments by code: a code the desk does not have would fail a running request.
  const codes = new Set<string>(await db('departments').pluck('code'));
  if (!codes.has(service.responsibleUnit.department)) {
    problems.push({ pointer: '/responsibleUnit/department', message: translate(locale, 'authoring.errors.department', { code: service.responsibleUnit.department }) });
  }
  service.steps.forEach((step, i) => {
    if (step.type === 'register-letter' && step.department && !codes.has(step.department)) {
      problems.push({ pointer: `/steps/${i}/department`, message: translate(locale, 'authoring.errors.department', { code: step.department }) });
    }
  });
  return found.length ? { problems: withPositions(clean, found) } : { service, problems: [] };
}

type SchemaNode = { $ref?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode; allOf?: { then?: SchemaNode }[]; additionalProperties?: SchemaNode | boolean };

const root = schema as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref?.replace('#/$defs/', '');
  return ref ? root.$defs[ref] : node;
}

/** The properties a schema node names, in the order the schema names them (conditional ones after). */
function propertiesOf(node: SchemaNode | undefined): Record<string, SchemaNode> {
  const own = resolve(node);
  return Object.assign({}, own?.properties, ...(own?.allOf ?? []).map((a) => a.then?.properties ?? {}));
}

/** Keys back in the schema's order: PostgreSQL's jsonb keeps its own, which reads badly in an editor. */
function inSchemaOrder(value: unknown, node: SchemaNode | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => inSchemaOrder(item, resolve(node)?.items));
  if (!value || typeof value !== 'object') return value;
  const known = propertiesOf(node);
  const keys = Object.keys(value);
  const ordered = [...Object.keys(known).filter((k) => keys.includes(k)), ...keys.filter((k) => !(k in known))];
  const extra = resolve(node)?.additionalProperties;
  return Object.fromEntries(ordered.map((k) => [k, inSchemaOrder((value as Record<string, unknown>)[k], known[k] ?? (typeof extra === 'object' ? extra : undefined))]));
}

export const prettyService = (definition: unknown) => JSON.stringify(inSchemaOrder(definition, root), null, 2);

/** Complete cards of the common shapes a new service starts from (service-catalog/templates/). */
export const SERVICE_TEMPLATES = ['letter', 'certificate', 'report'] as const;
const TEMPLATES_DIR = path.join(projectRoot, 'service-catalog', 'templates');

export function templateText(name: (typeof SERVICE_TEMPLATES)[number]): string {
  const { $schema: _schema, ...card } = JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
  return prettyService(card);
}

/** Each version against the one before it, as changed lines with a little context. */
export function versionDiffs<T extends { version: number; definition: unknown }>(rows: T[]) {
  return rows.map((row, index) => {
    const previous = rows[index + 1];
    return {
      ...row,
      first: !previous,
      diff: previous ? changedHunks(diffLines(prettyService(previous.definition), prettyService(row.definition))) : [],
    };
  });
}
