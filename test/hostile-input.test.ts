// What an attacker or a broken client sends, and the refusal each gets: a 4xx with a Persian page (or a
// problem detail under /api), never a 500, never a page that runs what someone typed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { encodeCursor } from '../api/context';
import { loadCatalog } from '../lib/catalog';
import { documentSizeText } from '../lib/document-size';
import { translate } from '../lib/i18n';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { formPost, raw, uploadPost, type RawAnswer, type RawRequest } from './helpers/hostile';
import { pdfBytes } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, waitForStatus } from './helpers/journeys';

let desk: Desk;
let citizen: Browser;
let clerk: Browser;
let admin: Browser;
beforeAll(async () => {
  desk = await startDesk();
  [citizen, clerk, admin] = await Promise.all([loginCitizen(desk, uniqueMobile()), loginStaff(desk, 'dabir'), loginStaff(desk, 'admin')]);
});
afterAll(async () => {
  await desk?.stop();
});

const fa = (key: string, vars: Record<string, unknown> = {}) => translate('fa', key, vars);
const get = (p: string, request: RawRequest = {}) => raw(desk.url, p, request);
const json = (p: string, body: string, type = 'application/json') => raw(desk.url, p, { method: 'POST', body, headers: { 'content-type': type } });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `actual` when it is one of `allowed`, otherwise the first allowed value, so a mismatch shows what was expected. */
const oneOf = (allowed: number | number[], actual: number) => ([allowed].flat().includes(actual) ? actual : [allowed].flat()[0]);

interface Refusal {
  what: string;
  send: () => Promise<RawAnswer>;
  status: number | number[];
  /** the locale key of the message the visitor reads (a page) or the problem's code (under /api) */
  says?: string;
  /** what the message says in its blanks, e.g. the minutes to wait */
  vars?: Record<string, unknown>;
}

/** A multipart form with only text fields, as a page with a file input sends it. */
async function multipart(path: string, as: Browser, fields: Record<string, string>): Promise<RawAnswer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const encoded = new Response(form);
  return raw(desk.url, path, { method: 'POST', as, body: Buffer.from(await encoded.arrayBuffer()), headers: { 'content-type': encoded.headers.get('content-type')! } });
}

/** Guesses at one tracking code's last four digits from one address, one after another; the last answer. */
async function guesses(count: number): Promise<RawAnswer> {
  const code = String(800000000000 + Math.floor(Math.random() * 99_999_999_999));
  let answer: RawAnswer | null = null;
  for (let i = 0; i < count; i++) answer = await formPost(desk.url, '/track', citizen, { code, lastFour: String(1000 + i) });
  return answer!;
}

/** A form posted with this citizen's session but a CSRF token (cookie and field alike) made for another browser. */
async function plantedToken(): Promise<RawAnswer> {
  const stranger = new Browser(desk.url);
  await stranger.get('/');
  const planted = stranger.cookie('pk_csrf')!;
  return raw(desk.url, '/track', { method: 'POST', body: new URLSearchParams({ _csrf: planted, code: '123456789012', lastFour: '1234' }).toString(), headers: { cookie: `pk_session=${citizen.cookie('pk_session')}; pk_csrf=${planted}`, 'content-type': 'application/x-www-form-urlencoded' } });
}

const codec = (who?: () => Browser) => raw(desk.url, '/api/temporal-codec/decode', { method: 'POST', as: who?.(), body: JSON.stringify({ payloads: [] }), headers: { 'content-type': 'application/json' } });

/** One row per hostile input; the refusal it must get. */
const refusals: Refusal[] = [
  { what: 'a form body over 200 kB', send: () => formPost(desk.url, '/track', citizen, { code: '1'.repeat(12), lastFour: 'x'.repeat(300_000) }), status: 413, says: 'errors.tooLarge' },
  { what: 'a form with 500 fields', send: () => formPost(desk.url, '/track', citizen, Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, 'x']))), status: 413, says: 'errors.tooLarge' },
  { what: 'a form in a charset other than UTF-8', send: () => raw(desk.url, '/track', { method: 'POST', as: citizen, body: 'code=1', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' } }), status: 415, says: 'errors.badRequest' },
  { what: 'a gzip-encoded form the desk does not accept', send: () => raw(desk.url, '/track', { method: 'POST', as: citizen, body: 'code=1', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'br-x' } }), status: 415, says: 'errors.badRequest' },
  { what: 'a JSON body over 200 kB on /api', send: () => json('/api/integrations/letters/1405-001-0001/replies', JSON.stringify({ status: 'received', text: 'x'.repeat(300_000) })), status: 413, says: 'errors.tooLarge' },
  { what: 'broken JSON on /api', send: () => json('/api/integrations/letters/1405-001-0001/replies', '{"status": '), status: 400, says: 'errors.badRequest' },
  { what: 'a form-encoded body on /api', send: () => json('/api/integrations/letters/1405-001-0001/replies', 'status=answered', 'application/x-www-form-urlencoded'), status: 415, says: 'faults.jsonOnly' },
  { what: 'a text/plain body on /api', send: () => json('/api/integrations/letters/1405-001-0001/replies', '{"status":"answered"}', 'text/plain'), status: 415, says: 'faults.jsonOnly' },
  { what: 'a method /api does not have', send: () => json('/api/services', '{}'), status: 404, says: 'errors.notFound' },
  { what: 'a JSON body sent to a page form', send: () => json('/login', JSON.stringify({ mobile: '09120000000' })), status: 403, says: 'errors.csrf' },
  { what: 'a form without its CSRF token', send: () => formPost(desk.url, '/login', citizen, { mobile: '09120000000' }, null), status: 403, says: 'errors.csrf' },
  { what: 'a form with a wrong CSRF token', send: () => formPost(desk.url, '/track', citizen, { code: '123456789012', lastFour: '1234' }, 'f'.repeat(48)), status: 403, says: 'errors.csrf' },
  { what: 'a staff decision without its CSRF token', send: () => formPost(desk.url, '/staff/requests/123456789012/decision', clerk, { kind: 'approve' }, null), status: 403, says: 'errors.csrf' },
  { what: 'an upload without its CSRF token', send: () => raw(desk.url, '/services/general-letter/apply', { method: 'POST', as: citizen, body: '--x--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=x' } }), status: 403, says: 'errors.csrf' },
  { what: 'an upload with its CSRF token in the address instead of the form', send: () => multipart(`/services/general-letter/apply?_csrf=${citizen.cookie('pk_csrf')}`, citizen, letterAnswers()), status: 403, says: 'errors.csrf' },
  { what: 'a multipart post, token and all, to a form that takes no files', send: () => multipart('/staff/requests/123456789012/claim', clerk, { _csrf: clerk.cookie('pk_csrf') ?? '' }), status: 403, says: 'errors.csrf' },
  { what: '/static/../package.json', send: () => get('/static/../package.json'), status: [403, 404] },
  { what: '/static/..%2Fpackage.json', send: () => get('/static/..%2Fpackage.json'), status: [403, 404] },
  { what: '/static/%2e%2e/%2e%2e/package.json', send: () => get('/static/%2e%2e/%2e%2e/package.json'), status: [403, 404] },
  { what: '/static/fonts/..%2F..%2F..%2Fpackage.json', send: () => get('/static/fonts/..%2F..%2F..%2Fpackage.json'), status: [403, 404] },
  { what: '/static/%00', send: () => get('/static/%00'), status: [400, 403, 404] },
  { what: '/documents/..%2F..', send: () => get('/documents/..%2F..', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: '/documents/..%2F..%2Fpackage.json', send: () => get('/documents/..%2F..%2Fpackage.json', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'a tracking code of letters', send: () => get('/requests/abcdefghijkl', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'a tracking code too short', send: () => get('/requests/1234', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'a well-formed tracking code nobody has', send: () => get('/requests/999999999999', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'markup as a tracking code', send: () => get('/requests/%3Cscript%3E', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'a bad tracking code on the staff page', send: () => get('/staff/requests/..%2F..%2Fadmin', { as: clerk }), status: 404, says: 'errors.notFound' },
  { what: 'a bad tracking code on /api', send: () => get('/api/requests/%27%20or%201%3D1--', { as: citizen }), status: 404, says: 'errors.notFound' },
  { what: 'public tracking with letters for a code', send: () => formPost(desk.url, '/track', citizen, { code: "' or 1=1 --", lastFour: '1234' }), status: 404, says: 'track.notFound' },
  { what: 'a NUL character in a search', send: () => get('/api/services?q=%00'), status: 400, says: 'errors.badRequest' },
  { what: 'a NUL character in a service id', send: () => get('/services/a%00b'), status: [400, 404] },
  { what: 'a query string of 100,000 characters', send: () => get(`/?q=${'a'.repeat(100_000)}`), status: 431 },
  { what: 'a tracking code of 150,000 digits', send: () => formPost(desk.url, '/track', citizen, { code: '7'.repeat(150_000), lastFour: '1234' }), status: 404, says: 'track.notFound' },
  { what: 'a sixth wrong guess at one tracking code', send: () => guesses(6), status: 429, says: 'throttle.tryAgain', vars: { minutes: '۱۵' } },
  { what: 'a CSRF token planted from another browser', send: plantedToken, status: 403, says: 'errors.csrf' },
  { what: 'the Temporal payload codec without signing in', send: () => codec(), status: 401, says: 'errors.loginRequired' },
  { what: 'the Temporal payload codec as a citizen', send: () => codec(() => citizen), status: 401, says: 'errors.loginRequired' },
  { what: 'the Temporal payload codec as a clerk', send: () => codec(() => clerk), status: 403, says: 'errors.forbidden' },
  { what: 'the Temporal payload codec with payloads that are not payloads', send: () => raw(desk.url, '/api/temporal-codec/decode', { method: 'POST', as: admin, body: JSON.stringify({ payloads: 'all' }), headers: { 'content-type': 'application/json' } }), status: 400, says: 'errors.badRequest' },
];

test.each(refusals.map((r) => [r.what, r] as const))('%s is refused with a 4xx and a clear message', async (_what, r) => {
  const answer = await r.send();
  expect({ what: r.what, status: answer.status }).toEqual({ what: r.what, status: oneOf(r.status, answer.status) });
  expect(answer.text).not.toMatch(/"dependencies"|"devDependencies"/);
  if (!r.says) return;
  if (answer.type.startsWith('application/problem+json')) {
    expect(JSON.parse(answer.text)).toMatchObject({ status: answer.status, code: r.says, title: fa(r.says, r.vars) });
  } else {
    expect(answer.type).toMatch(/^text\/html/);
    expect(textOf(answer.text)).toContain(fa(r.says, r.vars));
  }
});

test('a long but ordinary query string is served', async () => {
  const answer = await get(`/?q=${encodeURIComponent('نامه '.repeat(200))}`);
  expect(answer.status).toBe(200);
});

const PAYLOADS = {
  full_name: '<script>alert("name")</script>',
  subject: '"><img src=x onerror=alert(1)>',
  body: "</textarea><script src='//evil.example/x.js'></script> {{constructor.constructor('alert(1)')()}}",
};

test('markup typed into every free-text field is stored as typed and shown escaped on every page', async () => {
  const form = await citizen.post('/services/general-letter/apply', { ...letterAnswers('legal'), ...PAYLOADS });
  expect(form.url).toMatch(/\/check$/);
  const done = await citizen.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  expect(request.answers).toMatchObject(PAYLOADS);
  await waitForStatus(desk, code, 'pending_review');

  const all = Object.keys(PAYLOADS);
  // Each page, and the fields it shows.
  const pages = [
    ['the check page', form.html, all],
    ["the citizen's request page", (await citizen.get(`/requests/${code}`)).html, []],
    ['the staff request page', (await clerk.get(`/staff/requests/${code}`)).html, all],
    // (The inbox narrowed to this request: other test files fill the same secretariat's inbox meanwhile.)
    ['the staff inbox', (await clerk.get(`/staff?find=${code}`)).html, ['full_name']],
  ] as const;
  for (const [page, html, fields] of pages) {
    for (const [field, payload] of Object.entries(PAYLOADS)) {
      expect({ page, field, raw: html.includes(payload) }).toEqual({ page, field, raw: false });
      if (!(fields as readonly string[]).includes(field)) continue;
      // Shown as typed, escaped, with its digits in Persian as every answer on a Persian page.
      expect({ page, field, escaped: html.includes(Handlebars.escapeExpression(toPersianDigits(payload))) }).toEqual({ page, field, escaped: true });
    }
    expect(html).not.toMatch(/<script>alert|<img src=x|evil\.example\/x\.js'><\/script>/);
  }
});

test('Arabic ي and ك in a name are stored as Persian ی and ک, and searches fold them too', async () => {
  const mobile = uniqueMobile();
  const someone = await loginCitizen(desk, mobile);
  const check = await someone.post('/services/general-letter/apply', { ...letterAnswers('hr'), full_name: 'علي كريمي' });
  expect(textOf(check.html)).toContain('علی کریمی');
  expect(check.html).not.toMatch(/[يك]/);
  const draft = await desk.db('drafts').join('citizens', 'citizens.id', 'drafts.citizen_id').where('citizens.mobile', mobile).first('answers');
  expect(draft.answers.full_name).toBe('علی کریمی');
  const search = await get(`/api/services?q=${encodeURIComponent('شكايت')}`);
  expect(JSON.parse(search.text).items.map((s: { id: string }) => s.id)).toContain('complaint');
});

/** Every list with keyset pagination, and who may read it; a new list adds a row. */
const LISTS: [string, () => Browser | undefined][] = [
  ['/', () => undefined],
  ['/api/services', () => undefined],
  ['/requests', () => citizen],
  ['/staff', () => clerk],
  ['/staff/registry', () => admin],
  ['/admin/staff', () => admin],
  ['/admin/departments', () => admin],
  ['/admin/services', () => admin],
  ['/admin/services/general-letter/versions', () => admin],
  ['/admin/api-keys', () => admin],
  ['/admin/webhooks', () => admin],
  ['/admin/webhooks/deliveries', () => admin],
  ['/admin/audit', () => admin],
  ['/dev/sms', () => undefined],
];
const CURSORS = ['garbage', '%00', b64(['not-a-date', 'not-a-number']), b64([{}, []]), b64({ id: 1 }), b64(['9'.repeat(40), -1]), 'A'.repeat(5000)];

test.each(LISTS.flatMap(([list, who]) => CURSORS.map((after) => [list, after.slice(0, 40), who, after] as const)))('%s?after=%s still works or is refused, never a 500', async (list, _shown, who, after) => {
  const answer = await get(`${list}?after=${after}`, { as: who() });
  expect({ list, after: after.slice(0, 40), status: answer.status }).toEqual({ list, after: after.slice(0, 40), status: oneOf([200, 400], answer.status) });
});

test('a cursor the desk made still pages forward', async () => {
  const answer = await get(`/?after=${encodeCursor(['a'])}`);
  expect(answer.status).toBe(200);
});

/** Broken service cards: each is refused by loading and by `npm run catalog:check`, and the good card beside them still loads. */
const BROKEN_CARDS: [string, (card: Record<string, unknown>) => string][] = [
  ['invalid-json', () => '{ "id": "invalid-json", "title": '],
  ['unknown-step', (card) => JSON.stringify({ ...card, id: 'unknown-step', steps: [...(card.steps as object[]), { id: 'teleport', type: 'teleport', title: 'x', description: 'x' }] })],
  ['wrong-types', (card) => JSON.stringify({ ...card, id: 'wrong-types', title: 42, fields: 'none', fees: [{ amount: 'free' }] })],
  ['missing-parts', (card) => JSON.stringify({ ...card, id: 'missing-parts', sla: undefined, steps: undefined })],
  ['not-an-object', () => '["a", "list"]'],
  ['javascript-law', (card) => JSON.stringify({ ...card, id: 'javascript-law', laws: [{ title: 'قانون', reference: 'ماده ۱', url: 'javascript:alert(document.cookie)' }] })],
  ['data-url-law', (card) => JSON.stringify({ ...card, id: 'data-url-law', laws: [{ title: 'قانون', reference: 'ماده ۱', url: 'data:text/html,<script>alert(1)</script>' }] })],
];

test('broken service cards are refused by loading and by catalog:check, naming each file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-cards-'));
  const good = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'service-catalog', 'general-letter.json'), 'utf8'));
  delete good.$schema;
  fs.writeFileSync(path.join(dir, 'general-letter.json'), JSON.stringify(good));
  for (const [name, make] of BROKEN_CARDS) fs.writeFileSync(path.join(dir, `${name}.json`), make(good));
  try {
    const { services, problems } = loadCatalog(dir);
    expect(services.map((s) => s.id)).toEqual(['general-letter']);
    for (const [name] of BROKEN_CARDS) expect({ name, named: problems.some((p) => p.file.endsWith(`${name}.json`)) }).toEqual({ name, named: true });
    let output = '';
    let exitCode = 0;
    try {
      execFileSync(path.resolve(__dirname, '..', 'node_modules', '.bin', 'tsx'), [path.resolve(__dirname, '..', 'scripts', 'catalog-check.ts'), dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failed = error as { status: number; stderr: string; stdout: string };
      exitCode = failed.status;
      output = failed.stderr + failed.stdout;
    }
    expect(exitCode).toBe(1);
    for (const [name] of BROKEN_CARDS) expect(output).toContain(`${name}.json`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR not really an image')]);
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const title = 'متن نامه یا پیوست';
const accepted = ['application/pdf', 'image/jpeg', 'image/png'].map((t) => fa(`fileTypes.${t}`)).join(fa('documents.listSeparator'));

/** Hostile files on the form's upload; `says` is the message next to the file input, or null when the file is taken (renamed safely). */
const UPLOADS: { what: string; name: string; bytes: () => Buffer; says: string | null }[] = [
  { what: 'a PNG named .pdf (the card accepts PNG: taken as one)', name: 'letter.pdf', bytes: () => png, says: null },
  { what: 'a program named .pdf', name: 'letter.pdf', bytes: () => exe, says: fa('documents.errors.unknownType', { title, accepted }) },
  { what: 'a PDF over 5 MB', name: 'big.pdf', bytes: () => Buffer.concat([pdfBytes(), Buffer.alloc(5120 * 1024)]), says: fa('documents.errors.tooLarge', { title, max: documentSizeText({ maxSizeKb: 5120 }, 'fa') }) },
  { what: 'an empty file', name: 'empty.pdf', bytes: () => Buffer.alloc(0), says: fa('documents.errors.empty', { title }) },
  { what: 'a path in the file name', name: '../../../../etc/passwd.pdf', bytes: () => pdfBytes(), says: null },
  { what: 'a Windows path in the file name', name: '..\\..\\boot.ini.pdf', bytes: () => pdfBytes(), says: null },
  { what: 'line breaks and quotes in the file name', name: 'a"\r\nSet-Cookie: pk_session=x;.pdf', bytes: () => pdfBytes(), says: null },
  { what: 'direction overrides in the file name', name: 'invoice\u202Efdp.exe.pdf', bytes: () => pdfBytes(), says: null },
];

test.each(UPLOADS.map((u) => [u.what, u] as const))('upload: %s', async (_what, u) => {
  const mobile = uniqueMobile();
  const someone = await loginCitizen(desk, mobile);
  const answer = await uploadPost(desk.url, '/services/general-letter/apply', someone, letterAnswers(), { input: 'doc-letter', name: u.name, bytes: u.bytes(), type: 'application/pdf' });
  const stored = await desk.db('documents').join('citizens', 'citizens.id', 'documents.citizen_id').where('citizens.mobile', mobile).select('documents.id', 'original_name');
  if (u.says) {
    expect(answer.status).toBe(422);
    expect(toLatinDigits(textOf(answer.text))).toContain(toLatinDigits(u.says));
    expect(stored).toEqual([]);
    return;
  }
  expect(answer.status).toBe(303);
  expect(stored).toHaveLength(1);
  expect(stored[0].original_name).not.toMatch(/[\\/\r\n"\u202e]|^\./);
  const download = await get(`/documents/${stored[0].id}`, { as: someone });
  expect(download.status).toBe(200);
  expect(String(download.headers['set-cookie'] ?? '')).not.toContain('pk_session=x');
  expect(String(download.headers['content-disposition'])).not.toMatch(/[\r\n]|\.\.\//);
});
