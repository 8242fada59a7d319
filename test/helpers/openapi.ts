// Reading api/openapi.json against the real app: its operations, the app's routes, and response validation.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Express } from 'express';

export const openApiFile = path.resolve(__dirname, '..', '..', 'api', 'openapi.json');
export const openApi = JSON.parse(fs.readFileSync(openApiFile, 'utf8'));

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** "GET /api/services/{id}" for every operation in the description. */
export function describedOperations(doc = openApi): string[] {
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) =>
    Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${p}`),
  );
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
  slash?: boolean;
}

/** "GET /api/services/{id}" for every route the Express app registers under /api, found by walking its routers. */
export function appApiRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const full = `${prefix}${layer.route.path}`;
        if (!full.startsWith('/api/')) continue;
        for (const method of Object.keys(layer.route.methods).filter((m) => METHODS.includes(m))) {
          found.push(`${method.toUpperCase()} ${full.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${layer.rawPath ?? ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)];
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(openApi, 'openapi');

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Follows a `$ref` inside the description (only local ones are used). */
function deref<T>(value: T & { $ref?: string }): T {
  if (!value?.$ref) return value;
  return value.$ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: any, key) => node[key], openApi);
}

export interface ApiAnswer {
  status: number;
  type: string | null;
  body: unknown;
}

/**
 * Problems with one answer of one operation: its status must be described, its content type one of
 * the described media types, and its JSON body valid against the described schema.
 */
export function contractProblems(operation: string, answer: ApiAnswer): string[] {
  const [method, route] = operation.split(' ');
  const op = openApi.paths[route]?.[method.toLowerCase()];
  if (!op) return [`${operation} is not described`];
  const response = op.responses[String(answer.status)];
  if (!response) return [`${operation} answered ${answer.status}, which is not described`];
  const resolved = deref(response) as { content?: Record<string, { schema?: unknown }> };
  const mediaTypes = Object.keys(resolved.content ?? {});
  const type = (answer.type ?? '').split(';')[0].trim();
  if (!mediaTypes.length) return [];
  if (!mediaTypes.includes(type)) return [`${operation} ${answer.status} came as ${type}, described: ${mediaTypes.join(', ')}`];
  if (!/json$/.test(type)) return [];
  const base = response.$ref ? response.$ref : `#/${pointer('paths', route, method.toLowerCase(), 'responses', String(answer.status))}`;
  const validate = ajv.getSchema(`openapi${base}/${pointer('content', type, 'schema')}`)!;
  if (validate(answer.body)) return [];
  return (validate.errors ?? []).map((e) => `${operation} ${answer.status}: ${e.instancePath || '(body)'} ${e.message}`);
}
