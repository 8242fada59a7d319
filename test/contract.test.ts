// api/openapi.json is the contract of the JSON API: it lists exactly the routes the app serves under
// /api, and what they really answer — successes and refusals alike — matches its schemas.
import { createApiClient } from '../api/api-clients';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter } from '../api/submission';
import { createLogger } from '../lib/log';
import { createPayloadCodec } from '../lib/payload-codec';
import type { Browser } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { pdfBytes, submitWithDocument } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, waitForStatus } from './helpers/journeys';
import { appApiRoutes, contractProblems, describedOperations, openApi, type ApiAnswer } from './helpers/openapi';

let desk: Desk;
let owner: Browser;
let stranger: Browser;
let admin: Browser;
let secretariat: Browser;
let code: string;
let letterNumber: string;
let documentId: number;
let documentBytes: Buffer;
const keys = { reader: '', writer: '' };

beforeAll(async () => {
  desk = await startDesk();
  [owner, stranger, admin, secretariat] = await Promise.all([loginCitizen(desk, uniqueMobile()), loginCitizen(desk, uniqueMobile()), loginStaff(desk, 'admin'), loginStaff(desk, 'dabir')]);
  documentBytes = pdfBytes();
  code = await submitWithDocument(owner, 'general-letter', letterAnswers('legal'), { key: 'letter', name: 'letter.pdf', bytes: documentBytes, mime: 'application/pdf' });
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForStatus(desk, code, 'in_progress');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  letterNumber = request.letter_number;
  documentId = (await desk.db('documents').where({ request_id: request.id }).first('id')).id;
  const departmentIds: number[] = await desk.db('departments').pluck('id');
  keys.reader = (await createApiClient(desk.db, { name: 'contract reader', scopes: ['requests:read'], departmentIds, createdBy: null })).key;
  keys.writer = (await createApiClient(desk.db, { name: 'contract writer', scopes: ['letters:write'], departmentIds, createdBy: null })).key;
});
afterAll(async () => {
  await desk?.stop();
});

/** One payload sealed the way the desk seals every Temporal payload, as the Web UI sends it. */
const sealedPayloads = { payloads: [] as { metadata: Record<string, string>; data: string }[] };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const postJson = (key: string | null, body: unknown) => ({
  method: 'POST',
  headers: { ...(key ? bearer(key) : {}), 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Call {
  operation: string;
  what: string;
  path: () => string;
  init?: () => { headers?: Record<string, string>; method?: string; body?: string; as?: Browser };
  status: number;
}

/** One row per thing a caller may do; a new /api route adds its rows here. */
const calls: Call[] = [
  { operation: 'GET /api/openapi.json', what: 'the description itself', path: () => '/api/openapi.json', status: 200 },
  { operation: 'GET /api/services', what: 'the catalogue', path: () => '/api/services', status: 200 },
  { operation: 'GET /api/services', what: 'a search in Persian', path: () => `/api/services?q=${encodeURIComponent('نامه')}`, status: 200 },
  { operation: 'GET /api/services', what: 'an unreadable cursor', path: () => '/api/services?after=garbage', status: 200 },
  { operation: 'GET /api/services/{id}', what: 'a service card', path: () => '/api/services/general-letter', status: 200 },
  { operation: 'GET /api/services/{id}', what: 'an unknown service', path: () => '/api/services/no-such-service', status: 404 },
  { operation: 'GET /api/requests/{code}', what: 'my own request', path: () => `/api/requests/${code}`, init: () => ({ as: owner }), status: 200 },
  { operation: 'GET /api/requests/{code}', what: 'a request without signing in', path: () => `/api/requests/${code}`, status: 401 },
  { operation: 'GET /api/requests/{code}', what: "another citizen's request", path: () => `/api/requests/${code}`, init: () => ({ as: stranger }), status: 404 },
  { operation: 'GET /api/integrations/letters/{number}', what: 'a letter by its dashed number', path: () => `/api/integrations/letters/${letterNumber.replace(/\//g, '-')}`, init: () => ({ headers: bearer(keys.reader) }), status: 200 },
  { operation: 'GET /api/integrations/letters/{number}', what: 'a letter without a key', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}`, status: 401 },
  { operation: 'GET /api/integrations/letters/{number}', what: 'a letter with a key of another scope', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}`, init: () => ({ headers: bearer(keys.writer) }), status: 403 },
  { operation: 'GET /api/integrations/letters/{number}', what: 'an unknown letter', path: () => '/api/integrations/letters/1399-001-9999', init: () => ({ headers: bearer(keys.reader) }), status: 404 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'a reply', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => postJson(keys.writer, { status: 'received', id: 'contract-1' }), status: 201 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'the same reply again', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => postJson(keys.writer, { status: 'received', id: 'contract-1' }), status: 200 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'a reply that is not JSON', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => ({ method: 'POST', headers: { ...bearer(keys.writer), 'content-type': 'text/plain' }, body: 'status=received' }), status: 415 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'broken JSON', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => ({ method: 'POST', headers: { ...bearer(keys.writer), 'content-type': 'application/json' }, body: '{"status":' }), status: 400 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'an unknown reply status', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => postJson(keys.writer, { status: 'bogus' }), status: 422 },
  { operation: 'POST /api/integrations/letters/{number}/replies', what: 'a reply without a key', path: () => `/api/integrations/letters/${encodeURIComponent(letterNumber)}/replies`, init: () => postJson(null, { status: 'received' }), status: 401 },
  { operation: 'GET /api/integrations/requests/{code}/documents/{id}', what: 'an attached document', path: () => `/api/integrations/requests/${code}/documents/${documentId}`, init: () => ({ headers: bearer(keys.reader) }), status: 200 },
  { operation: 'GET /api/integrations/requests/{code}/documents/{id}', what: 'a document of another request', path: () => `/api/integrations/requests/${code}/documents/${documentId + 100000}`, init: () => ({ headers: bearer(keys.reader) }), status: 404 },
  { operation: 'POST /api/temporal-codec/decode', what: 'payloads an admin reads', path: () => '/api/temporal-codec/decode', init: () => ({ ...postJson(null, sealedPayloads), as: admin }), status: 200 },
  { operation: 'POST /api/temporal-codec/decode', what: 'payloads without signing in', path: () => '/api/temporal-codec/decode', init: () => postJson(null, sealedPayloads), status: 401 },
  { operation: 'POST /api/temporal-codec/decode', what: 'payloads a clerk asks for', path: () => '/api/temporal-codec/decode', init: () => ({ ...postJson(null, sealedPayloads), as: secretariat }), status: 403 },
  { operation: 'POST /api/temporal-codec/decode', what: 'payloads that are not payloads', path: () => '/api/temporal-codec/decode', init: () => ({ ...postJson(null, { payloads: [{ metadata: { encoding: '%%%' } }] }), as: admin }), status: 400 },
];

const row = (what: string) => calls.find((c) => c.what === what)!;

async function call(c: Call): Promise<ApiAnswer & { bytes: Buffer }> {
  const { as, ...init } = c.init?.() ?? {};
  if (!sealedPayloads.payloads.length) {
    const [sealed] = await createPayloadCodec(desk.config.temporal.payloadKeys).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"0499370899"') }]);
    sealedPayloads.payloads.push({ metadata: Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(sealed.data!).toString('base64') });
  }
  const cookie = as ? ['pk_session', 'pk_csrf'].filter((n) => as.cookie(n)).map((n) => `${n}=${as.cookie(n)}`).join('; ') : '';
  const response = await fetch(new URL(c.path(), desk.url), { ...init, headers: { ...(cookie ? { cookie } : {}), ...init.headers } });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type');
  const body = /json/.test(type ?? '') ? JSON.parse(bytes.toString('utf8')) : null;
  return { status: response.status, type, body, bytes };
}

test('the description is served at /api/openapi.json as OpenAPI 3.1', async () => {
  const answer = await call(row('the description itself'));
  expect(answer.status).toBe(200);
  expect(answer.type).toMatch(/^application\/json/);
  expect(answer.body).toEqual(openApi);
  expect(openApi.openapi).toMatch(/^3\.1\./);
});

test('every route the app registers under /api is described, and every described operation is a route', () => {
  const app = createApp({
    db: desk.db,
    temporal: desk.temporal,
    config: desk.config,
    log: createLogger('silent'),
    sessions: createSessions(desk.db, false),
    submitRequest: createSubmitter(desk.db, desk.temporal, desk.config),
  });
  const routes = appApiRoutes(app);
  expect(routes).toContain('GET /api/services/{id}');
  expect([...routes].sort()).toEqual([...describedOperations()].sort());
});

test.each(calls.map((c) => [c.operation, c.what, c] as const))('%s — %s: answers as described', async (_op, _what, c) => {
  const answer = await call(c);
  expect({ status: answer.status, problems: contractProblems(c.operation, answer) }).toEqual({ status: c.status, problems: [] });
  if (answer.status >= 400) expect(answer.body).toMatchObject({ status: answer.status, title: expect.stringMatching(/\S/) });
});

test('every described operation has a row above that succeeds with a real example', () => {
  const succeeding = new Set(calls.filter((c) => c.status < 300).map((c) => c.operation));
  expect(describedOperations().filter((op) => !succeeding.has(op))).toEqual([]);
});

test('what the API answers is what the pages know: the catalogue, my request, the letter and its document', async () => {
  const services = (await call(row('the catalogue'))).body as { items: { id: string }[] };
  expect(services.items.map((s) => s.id)).toEqual(expect.arrayContaining(['general-letter', 'complaint']));
  const mine = (await call(row('my own request'))).body as { trackingCode: string; status: string; letterNumber: string };
  expect(mine).toMatchObject({ trackingCode: code, status: 'in_progress', letterNumber });
  const letter = (await call(row('a letter by its dashed number'))).body as { number: string; trackingCode: string };
  expect(letter).toMatchObject({ number: letterNumber, trackingCode: code });
  const document = await call(row('an attached document'));
  expect(document.type).toMatch(/^application\/pdf/);
  expect(document.bytes.equals(documentBytes)).toBe(true);
});

test('the checker bites: an answer off the description is reported', () => {
  expect(contractProblems('GET /api/services', { status: 200, type: 'application/json', body: { items: [{ id: 'x' }] } })).not.toEqual([]);
  expect(contractProblems('GET /api/services', { status: 500, type: 'application/problem+json', body: {} })).not.toEqual([]);
  expect(contractProblems('GET /api/services/{id}', { status: 404, type: 'text/html', body: null })).not.toEqual([]);
});
