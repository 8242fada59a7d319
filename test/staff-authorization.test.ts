// Who reaches what behind the counter: every staff and admin route, tried with another department's resources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createLogger } from '../lib/log';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { routedLetter, type RoutedLetter } from './helpers/back-office';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, waitForStatus } from './helpers/journeys';

const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-authz-'));
let desk: Desk;
let own: RoutedLetter; // department A: hr
let other: RoutedLetter & { documentId: number }; // department B: legal
let routes: { method: 'GET' | 'POST'; path: string }[];

/** Every route the app has, read from its router stack, so routes added later are tried too. */
function appRoutes(): { method: 'GET' | 'POST'; path: string }[] {
  const app = createApp({ db: desk.db, temporal: desk.temporal, config: desk.config, log: createLogger('silent'), sessions: createSessions(desk.db, false), submitRequest: null as never });
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]): { method: 'GET' | 'POST'; path: string }[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).filter((m) => m === 'get' || m === 'post').map((m) => ({ method: m.toUpperCase() as 'GET' | 'POST', path: layer.route!.path }));
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}

const pdf = Buffer.from('%PDF-1.4\n% a letter\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  desk = await startDesk({ DOCUMENT_DIR: documentDir });
  routes = appRoutes();
  own = await routedLetter(desk, 'hr');
  // Department B's request comes with an uploaded document, so downloads are tried too.
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const check = await citizen.upload('/services/general-letter/apply', letterAnswers('legal'), { 'doc-letter': { name: 'letter.pdf', bytes: pdf, type: 'application/pdf' } });
  if (!check.url.endsWith('/check')) throw new Error(`the form with a document was refused: ${check.status}`);
  const done = await citizen.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  await waitForStatus(desk, code, 'pending_review');
  await (await loginStaff(desk, 'dabir')).post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.awaiting === 'review' && row.letter_number ? row : null;
  });
  const document = await desk.db('documents').where({ request_id: request.id }).first('id');
  other = { code, mobile, requestId: request.id, letterNumber: request.letter_number, departmentId: request.department_id, documentId: document.id };
});
afterAll(async () => {
  await desk?.stop();
  fs.rmSync(documentDir, { recursive: true, force: true });
});

const isBackOffice = (p: string) => (p.startsWith('/staff') || p.startsWith('/admin')) && !['/staff/login', '/staff/logout'].includes(p);

/** The address of a route filled with one department's resources; null names a parameter nobody has told this test about. */
function filled(route: string, of: RoutedLetter & { documentId?: number }): string | { unknown: string } {
  const values: Record<string, string> = {
    code: of.code,
    number: encodeURIComponent(of.letterNumber),
    // Admin pages are refused before any id is looked at; staff pages get the department's own resources.
    id: route.startsWith('/admin') ? '1' : String(of.documentId ?? 0),
    // The counter works for a citizen the clerk found; any other citizen is nobody's to open.
    citizen: '1',
    // A holiday (admin pages refuse before looking).
    day: '2026-03-21',
  };
  let unknown = '';
  const address = route.replace(/:(\w+)/g, (_, name: string) => values[name] ?? ((unknown = name), ''));
  return unknown ? { unknown: `${route} (:${unknown})` } : address;
}

async function tryRoute(browser: Browser, method: 'GET' | 'POST', address: string) {
  return method === 'GET' ? browser.get(address, false) : browser.post(address, {}, false);
}

test('the route table covers the back office', () => {
  const paths = routes.filter((r) => isBackOffice(r.path)).map((r) => `${r.method} ${r.path}`);
  expect(paths).toEqual(expect.arrayContaining([
    'GET /staff', 'GET /staff/requests/:code', 'POST /staff/requests/:code/decision', 'POST /staff/requests/:code/claim', 'POST /staff/requests/:code/assign',
    'GET /staff/registry', 'GET /staff/registry/:number', 'GET /staff/registry/:number/print', 'POST /staff/registry/:number/referrals',
    'GET /admin/services', 'GET /admin/staff', 'GET /admin/departments', 'GET /admin/audit',
  ]));
});

test("a reviewer of one department gets 'not found' for every staff route aimed at another department's request, letter or document, and nothing changes", async () => {
  const hr = await loginStaff(desk, 'hr');
  // The same routes work for the reviewer's own department: the refusals below are about the department, not the route.
  expect((await hr.get(`/staff/requests/${own.code}`)).status).toBe(200);
  expect((await hr.get(`/staff/registry/${encodeURIComponent(own.letterNumber)}/print`)).status).toBe(200);

  const withParams = routes.filter((r) => isBackOffice(r.path) && r.path.startsWith('/staff') && r.path.includes(':'));
  withParams.push({ method: 'GET', path: '/documents/:id' });
  const unknown: string[] = [];
  const answered: string[] = [];
  for (const route of withParams) {
    const address = filled(route.path, other);
    if (typeof address !== 'string') {
      unknown.push(address.unknown);
      continue;
    }
    const page = await tryRoute(hr, route.method, address);
    answered.push(`${route.method} ${route.path} → ${page.status}`);
  }
  expect(unknown).toEqual([]);
  expect(answered).toEqual(withParams.map((r) => `${r.method} ${r.path} → 404`));

  const after = await desk.db('requests').where({ id: other.requestId }).first();
  expect(after).toMatchObject({ status: 'in_progress', department_id: other.departmentId, assigned_to: null });
  const letter = await desk.db('letters').where({ number: other.letterNumber }).first();
  expect(await desk.db('letter_referrals').where({ letter_id: letter.id })).toEqual([]);
  const hrId = (await desk.db('staff').where({ username: 'hr' }).first()).id;
  expect(await desk.db('audit_log').where({ staff_id: hrId, request_id: other.requestId })).toEqual([]);
});

test("the lists of a reviewer (inbox, registry, reports) never show another department's requests or letters", async () => {
  const hr = await loginStaff(desk, 'hr');
  const lists = routes.filter((r) => isBackOffice(r.path) && r.path.startsWith('/staff') && !r.path.includes(':') && r.method === 'GET');
  expect(lists.length).toBeGreaterThanOrEqual(2);
  for (const route of lists) {
    for (const query of ['', '?who=all', `?number=${encodeURIComponent(other.letterNumber)}`, `?mobile=${other.mobile}`]) {
      const page = await hr.get(`${route.path}${query}`, false);
      expect([200, 404, 422]).toContain(page.status);
      expect(page.html).not.toContain(other.code);
      expect(page.html).not.toContain(encodeURIComponent(other.letterNumber));
      expect(textOf(page.html)).not.toContain(other.letterNumber.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]));
    }
  }
  expect((await hr.get(`/staff?find=${own.code}`)).html).toContain(`/staff/requests/${own.code}`);
});

test("staff who are not admins get 'not found' on every admin page and action", async () => {
  const adminRoutes = routes.filter((r) => r.path.startsWith('/admin'));
  expect(adminRoutes.length).toBeGreaterThan(10);
  for (const username of ['hr', 'dabir', 'supervisor']) {
    const staff = await loginStaff(desk, username);
    const answered: string[] = [];
    for (const route of adminRoutes) {
      const address = filled(route.path, other) as string;
      const page = await tryRoute(staff, route.method, address);
      answered.push(`${username} ${route.method} ${route.path} → ${page.status}`);
    }
    expect(answered).toEqual(adminRoutes.map((r) => `${username} ${r.method} ${r.path} → 404`));
  }
  const ids = await desk.db('staff').whereIn('username', ['hr', 'dabir', 'supervisor']).pluck('id');
  const adminActions = await desk.db('audit_log').whereIn('staff_id', ids).where((b) => b.where('action', 'like', 'service_%').orWhere('action', 'like', 'staff_%').orWhere('action', 'like', 'department_%'));
  expect(adminActions).toEqual([]);
});

test('a citizen session reaches no staff or admin page: every one sends them to the staff sign-in', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const backOffice = routes.filter((r) => isBackOffice(r.path));
  const answered: string[] = [];
  for (const route of backOffice) {
    const address = filled(route.path, other) as string;
    const page = await tryRoute(citizen, route.method, address);
    answered.push(`${route.method} ${route.path} → ${page.status} ${page.location?.split('?')[0]}`);
  }
  expect(answered).toEqual(backOffice.map((r) => `${r.method} ${r.path} → 303 /staff/login`));
});

test("a staff session is not a citizen's: the citizen pages send staff to the citizen sign-in", async () => {
  const hr = await loginStaff(desk, 'hr');
  for (const address of ['/requests', `/requests/${own.code}`, `/services/general-letter/apply`]) {
    const page = await hr.get(address, false);
    expect(page.status).toBe(303);
    expect(page.location).toMatch(/^\/login\?/);
  }
  expect((await hr.json(`/api/requests/${own.code}`)).status).toBe(401);
});
