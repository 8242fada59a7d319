// LETTER_REGISTRY=http: the agency's correspondence system (the sandbox's stand-in) numbers the letter and answers it
// through the integration API, with its own key; every refusal is problem+json.
import { createHash } from 'node:crypto';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { decide } from '../workflows/messages';
import { textOf, type Browser } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { createApiKey, pdfBytes, postForm, submitWithDocument } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';
import { fault, handleOf, refusalCode } from './helpers/workflow-services';

const TOKEN = 'registry-token-for-tests-0001';
let desk: Desk;
let admin: Browser;
let clerk: Browser;
let key: string;
const clientName = `didgah-${process.pid}-${Date.now() % 100000}`;

beforeAll(async () => {
  desk = await startDesk({ LETTER_REGISTRY: 'http', EXTERNAL_REGISTRY_TOKEN: TOKEN });
  admin = await loginStaff(desk, 'admin');
  clerk = await loginStaff(desk, 'dabir');
  key = await createApiKey(admin, clientName, ['letters:write', 'requests:read']);
  await registry('/control/desk', { url: desk.url, apiKey: key });
});
afterAll(async () => {
  await desk?.stop();
});

async function registry(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${desk.sandboxUrl}/external-registry${path}`, body === undefined ? {} : {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

const callApi = (path: string, init: { key?: string; body?: unknown; raw?: string; method?: string } = {}) =>
  fetch(`${desk.url}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), 'content-type': 'application/json' },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });

async function pendingLetter(department = 'legal') {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers(department));
  await waitForStatus(desk, code, 'pending_review');
  return { mobile, citizen, code };
}

test('the correspondence system numbers the letter, the citizen sees and gets that number, and its answer moves the request on', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const file = pdfBytes();
  const code = await submitWithDocument(citizen, 'general-letter', letterAnswers('legal'), { key: 'letter', name: 'نامه امضاشده.pdf', bytes: file, mime: 'application/pdf' });
  await waitForStatus(desk, code, 'pending_review');

  const approved = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(approved.status).toBe(200);
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.letter_number ? row : null;
  });
  expect(request.letter_number).toMatch(/^ED-14\d\d-\d{6}$/);
  const letter = await desk.db('letters').where({ request_id: request.id }).first();
  expect(letter).toMatchObject({ number: request.letter_number, registry: 'http', seq: null, registered_by: 'dabir' });

  // What the correspondence system received: the tracking code as idempotency key, the answers as text, the file as a link.
  const received = (await registry('/letters')).letters.find((l: any) => l.idempotencyKey === code);
  expect(received).toMatchObject({ number: request.letter_number, trackingCode: code, department: 'legal', authorization: `Bearer ${TOKEN}` });
  expect(received.subject).toContain(letterAnswers().subject);
  expect(received.body).toContain(letterAnswers().body);
  expect(received.attachments).toHaveLength(1);
  expect(received.attachments[0]).toMatchObject({ name: 'نامه امضاشده.pdf', mime: 'application/pdf', size: file.length });
  const fetched = await registry('/control/fetch-attachments', { number: request.letter_number });
  expect(fetched.files).toEqual([{ id: received.attachments[0].id, status: 200, sha256: createHash('sha256').update(file).digest('hex') }]);

  // The citizen reads the other system's number on the tracking page and in exactly one SMS.
  const page = textOf((await citizen.get(`/requests/${code}`)).html);
  expect(page.includes(request.letter_number) || page.includes(toPersianDigits(request.letter_number))).toBe(true);
  const letterSms = await eventually(async () => {
    const found = (await smsTo(desk, mobile)).filter((m) => toLatinDigits(m.body).includes(request.letter_number));
    return found.length ? found : null;
  });
  expect(letterSms).toHaveLength(1);

  // The clerk of the correspondence system answers; the answer comes back through the API and approves for the department.
  const reply = await registry('/control/reply', { number: request.letter_number, status: 'answered', text: 'قرارداد برای متقاضی فرستاده شد.', id: `reply-${code}` });
  expect(reply.deskStatus).toBe(201);
  expect(reply.deskBody).toMatchObject({ trackingCode: code, decision: 'approve', duplicate: false });
  await waitForStatus(desk, code, 'delivered');
  const events = await desk.db('request_events').where({ request_id: request.id }).orderBy('id');
  const answer = events.find((e) => e.kind === 'external_reply');
  expect(answer).toMatchObject({ actor: `api:${clientName}`, note: 'قرارداد برای متقاضی فرستاده شد.' });
  expect(events.some((e) => e.kind === 'approved_step' || (e.status === 'approved' && e.actor === `api:${clientName}`))).toBe(true);

  // The same answer sent again is recorded once, answered as the first time, and decides nothing twice.
  const again = await registry('/control/reply', { number: request.letter_number, status: 'answered', text: 'قرارداد برای متقاضی فرستاده شد.', id: `reply-${code}` });
  expect(again.deskStatus).toBe(200);
  expect(again.deskBody).toMatchObject({ duplicate: true, decision: 'approve' });
  expect((await desk.db('request_events').where({ request_id: request.id, status: 'approved' })).length).toBeLessThanOrEqual(1);
  expect(await desk.db('request_events').where({ request_id: request.id, kind: 'external_reply' })).toHaveLength(1);

  // The staff history names the system that answered.
  const lawyerPage = textOf((await admin.get(`/staff/requests/${code}`)).html);
  expect(lawyerPage).toContain(`api:${clientName}`);
});

test('every refusal of the integration API is problem+json with the right 4xx, and changes nothing', async () => {
  const { code } = await pendingLetter();
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.letter_number && row.review_role === 'department' ? row : null;
  });
  const path = `/api/integrations/letters/${encodeURIComponent(request.letter_number)}/replies`;
  const readOnly = await createApiKey(admin, `${clientName}-reader`, ['requests:read']);
  const revoked = await createApiKey(admin, `${clientName}-old`, ['letters:write']);
  const revokedId = (await desk.db('api_clients').where({ name: `${clientName}-old` }).first('id')).id;
  const revoke = await postForm(admin, `/admin/api-keys/${revokedId}/revoke`, []);
  expect(revoke.status).toBe(303);

  const cases: [string, Response, number][] = [
    ['no key', await callApi(path, { body: { status: 'answered' } }), 401],
    ['a made-up key', await callApi(path, { key: `${key.slice(0, 13)}${'x'.repeat(43)}`, body: { status: 'answered' } }), 401],
    ['a revoked key', await callApi(path, { key: revoked, body: { status: 'answered' } }), 401],
    ['a key without letters:write', await callApi(path, { key: readOnly, body: { status: 'answered' } }), 403],
    ['an unknown letter number', await callApi('/api/integrations/letters/ED-1399-999999/replies', { key, body: { status: 'answered' } }), 404],
    ['a body that is not JSON', await callApi(path, { key, raw: '{"status": ' }), 400],
    ['a JSON array', await callApi(path, { key, body: ['answered'] }), 400],
    ['an unknown status', await callApi(path, { key, body: { status: 'maybe' } }), 422],
    ['a rejection without text', await callApi(path, { key, body: { status: 'rejected', text: '  ' } }), 422],
    ['a text that is not a string', await callApi(path, { key, body: { status: 'answered', text: 42 } }), 422],
  ];
  for (const [what, response, status] of cases) {
    const body = await response.json();
    expect({ what, status: response.status, type: response.headers.get('content-type') }).toEqual({ what, status, type: expect.stringContaining('application/problem+json') });
    expect(body).toMatchObject({ status, title: expect.any(String) });
  }
  expect((await callApi(path, { body: { status: 'answered' } })).headers.get('www-authenticate')).toContain('Bearer');
  expect(await desk.db('request_events').where({ request_id: request.id, kind: 'external_reply' })).toHaveLength(0);
  expect((await desk.db('requests').where({ id: request.id }).first()).status).toBe('in_progress');

  // The read scope opens the letter's state.
  const state = await callApi(`/api/integrations/letters/${encodeURIComponent(request.letter_number)}`, { key: readOnly });
  expect(state.status).toBe(200);
  expect(await state.json()).toMatchObject({ number: request.letter_number, trackingCode: code, department: 'legal', status: 'in_progress', registry: 'http' });

  // The admin pages recorded who created and revoked keys.
  const actions = await desk.db('audit_log').whereIn('action', ['api_key_created', 'api_key_revoked']).whereRaw("details->>'name' like ?", [`${clientName}%`]).pluck('action');
  expect(actions.filter((a) => a === 'api_key_created')).toHaveLength(3);
  expect(actions).toContain('api_key_revoked');
  // Only the hash of a key is kept.
  const stored = await desk.db('api_clients').where({ name: clientName }).first();
  expect(stored.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
  expect(JSON.stringify(stored)).not.toContain(key.slice(13));
});

test('a needs-info answer from the correspondence system reaches the citizen as the reason', async () => {
  const { code, mobile } = await pendingLetter('hr');
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.letter_number && row.review_role === 'department' ? row : null;
  });
  const reason = 'شماره پرسنلی خود را بنویسید';
  const response = await callApi(`/api/integrations/letters/${encodeURIComponent(request.letter_number)}/replies`, { key, body: { status: 'needs_info', text: reason } });
  expect(response.status).toBe(201);
  await waitForStatus(desk, code, 'needs_info');
  await eventually(async () => (await smsTo(desk, mobile)).some((m) => m.body.includes(reason)));
});

test('the workflow refuses a decision by an integration client anywhere but a department review', async () => {
  const { code } = await pendingLetter();
  const refused = await handleOf(desk, code)
    .executeUpdate(decide, { args: [{ kind: 'approve', actor: { staffId: 0, username: 'api:test', role: 'integration', departmentIds: [] } }] })
    .then(() => 'accepted', refusalCode);
  expect(refused).toBe('role-not-allowed');
  expect((await desk.db('requests').where({ tracking_code: code }).first()).status).toBe('pending_review');
});

test('a correspondence system that is down is retried until it numbers the letter, once', async () => {
  const { code } = await pendingLetter();
  const before = (await registry('/letters')).calls;
  await fault(desk, 'external-registry', 'down', 2);
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const row = await eventually(async () => {
    const r = await desk.db('requests').where({ tracking_code: code }).first();
    return r?.letter_number ? r : null;
  }, 30_000);
  expect(row.status).toBe('in_progress');
  const after = await registry('/letters');
  expect(after.calls - before).toBeGreaterThanOrEqual(3);
  expect(after.letters.filter((l: any) => l.idempotencyKey === code)).toHaveLength(1);
  expect(await desk.db('letters').where({ request_id: row.id })).toHaveLength(1);
});

test('a letter the correspondence system refuses is not retried: it goes back to the secretariat with the reason', async () => {
  const { code } = await pendingLetter();
  const before = (await registry('/letters')).calls;
  await fault(desk, 'external-registry', 'reject', 1);
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const refusal = await eventually(async () => desk.db('request_events').where({ request_id: request.id, kind: 'letter_refused' }).first());
  expect(refusal.note).toContain('422');
  await new Promise((r) => setTimeout(r, 2500));
  expect((await registry('/letters')).calls - before).toBe(1);
  const waiting = await desk.db('requests').where({ id: request.id }).first();
  expect(waiting).toMatchObject({ status: 'pending_review', awaiting: 'review', review_role: 'secretariat', letter_number: null });
  expect(textOf((await clerk.get(`/staff/requests/${code}`)).html)).toContain(refusal.note);

  // Once the other side is fixed, approving again registers it.
  const again = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(again.status).toBe(200);
  const registered = await eventually(async () => {
    const r = await desk.db('requests').where({ id: request.id }).first();
    return r?.letter_number ? r : null;
  });
  expect(registered.letter_number).toMatch(/^ED-/);
});

test('only admins manage API keys, and a bad name or no permission is refused with a message', async () => {
  expect((await clerk.get('/admin/api-keys')).status).toBe(404);
  expect((await postForm(clerk, '/admin/api-keys', [['name', 'sneaky'], ['scopes', 'letters:write']])).status).toBe(404);

  const noScope = await postForm(admin, '/admin/api-keys', [['name', 'بدون دسترسی']]);
  expect(noScope.status).toBe(422);
  expect(textOf(noScope.html)).toContain('دست‌کم یکی از دسترسی‌ها را انتخاب کنید');
  expect(noScope.html).toContain('value="بدون دسترسی"');
  const taken = await postForm(admin, '/admin/api-keys', [['name', clientName], ['scopes', 'letters:write']]);
  expect(taken.status).toBe(422);
  expect(textOf(taken.html)).toContain('سامانه‌ای با این نام هست');
  expect(await desk.db('api_clients').whereIn('name', ['بدون دسترسی', 'sneaky'])).toHaveLength(0);

  // The list shows the prefix and the scopes, never a whole key.
  const list = await admin.get('/admin/api-keys');
  expect(textOf(list.html)).toContain(clientName);
  expect(list.html).toContain(key.slice(0, 12));
  expect(list.html).not.toContain(key);
});
