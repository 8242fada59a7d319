// The smaller doors: webhooks never reach this machine or the agency's network, integration keys reach only
// their departments, and the CSRF cookie is __Host- prefixed over https and bound to the session.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { isPublicAddress } from '../lib/addresses';
import { translate } from '../lib/i18n';
import { routedLetter } from './helpers/back-office';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { raw } from './helpers/hostile';
import { createApiKey, postForm } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { startWebApp, type WebApp } from './helpers/web-app';

let desk: Desk;
let admin: Browser;
beforeAll(async () => {
  desk = await startDesk();
  admin = await loginStaff(desk, 'admin');
});
afterAll(async () => {
  await desk?.stop();
});

const fa = (key: string, vars: Record<string, unknown> = {}) => translate('fa', key, vars);

describe('webhooks go to public addresses only', () => {
  test('private, loopback, link-local and reserved addresses are told apart from public ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::', 'not-an-ip']) {
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
    }
    for (const address of ['8.8.8.8', '185.143.232.10', '2001:4860:4860::8888']) expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
  });

  test('a subscriber on this machine, by address or by a name that resolves to it, is refused at send time and never contacted', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    const urls = [`http://127.0.0.1:${port}/hooks`, `http://localhost:${port}/hooks`, `http://127.1.2.3:${port}/hooks`];
    const ids: number[] = [];
    try {
      for (const url of urls) {
        // The admin page takes them: the check that counts is made when sending, after DNS.
        expect((await postForm(admin, '/admin/webhooks', [['url', url], ['events', 'status_changed']])).status).toBe(201);
        ids.push((await desk.db('webhook_subscriptions').where({ url }).first('id')).id);
      }
      const citizen = await loginCitizen(desk, uniqueMobile());
      const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('hr'));
      await waitForStatus(desk, code, 'pending_review');
      const attempts = await eventually(async () => {
        const rows = await desk.db('webhook_deliveries as d')
          .join('webhook_events as e', 'e.id', 'd.event_id')
          .whereIn('d.subscription_id', ids)
          .whereRaw("e.payload->>'trackingCode' = ?", [code])
          .select('d.subscription_id', 'd.status_code', 'd.error', 'd.delivered_at');
        return rows.length >= ids.length * 2 ? rows : null;
      }, 30_000, 'the refused deliveries to be logged');
      for (const attempt of attempts) {
        expect(attempt).toMatchObject({ status_code: null, delivered_at: null });
        expect(attempt.error).toMatch(/^refused: .*not a public address/);
      }
      // Refused for good: one attempt per event and subscriber, no retries.
      await new Promise((r) => setTimeout(r, 1_500));
      const [{ count }] = await desk.db('webhook_deliveries').whereIn('subscription_id', ids).where('attempt', '>', 1).count<{ count: number }[]>('id as count');
      expect(Number(count)).toBe(0);
      expect(received.filter((b) => b.includes(code))).toEqual([]);
    } finally {
      await desk.db('webhook_subscriptions').whereIn('id', ids).update({ active: false });
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('integration keys are scoped to departments', () => {
  test("a key for one department neither reads, nor downloads from, nor decides another department's letters", async () => {
    const letter = await routedLetter(desk, 'legal');
    const [own, other] = await Promise.all([
      createApiKey(admin, `legal-${Date.now()}`, ['requests:read', 'letters:write'], [await departmentName('legal')]),
      createApiKey(admin, `hr-${Date.now()}`, ['requests:read', 'letters:write'], [await departmentName('hr')]),
    ]);
    const request = await desk.db('requests').where({ tracking_code: letter.code }).first('id', 'citizen_id');
    const [document] = await desk.db('documents').insert({ request_id: request.id, citizen_id: request.citizen_id, service_id: 'general-letter', doc_key: 'letter', original_name: 'x.pdf', mime: 'application/pdf', size_bytes: 10, sha256: 'b'.repeat(64), storage_key: randomBytes(16).toString('hex'), uploaded_by: 'staff' }).returning('id');
    const call = (key: string, path: string, body?: unknown) =>
      fetch(`${desk.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const number = encodeURIComponent(letter.letterNumber);

    expect((await call(other, `/api/integrations/letters/${number}`)).status).toBe(404);
    expect((await call(other, `/api/integrations/requests/${letter.code}/documents/${document.id}`)).status).toBe(404);
    const refused = await call(other, `/api/integrations/letters/${number}/replies`, { status: 'answered', id: 'scope-1' });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 'integrations.errors.noLetter' });
    expect((await desk.db('requests').where({ tracking_code: letter.code }).first('status')).status).toBe('in_progress');

    expect((await call(own, `/api/integrations/letters/${number}`)).status).toBe(200);
    expect((await call(own, `/api/integrations/letters/${number}/replies`, { status: 'answered', id: 'scope-2' })).status).toBe(201);
  });

  test('the admin page refuses a key for no department, in Persian', async () => {
    const page = await postForm(admin, '/admin/api-keys', [['name', `nowhere-${Date.now()}`], ['scopes', 'requests:read']]);
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(fa('apiKeys.errors.departments'));
  });

  async function departmentName(code: string): Promise<string> {
    return (await desk.db('departments').where({ code }).first('name')).name;
  }
});

describe('the CSRF cookie', () => {
  let secure: WebApp;
  beforeAll(async () => {
    secure = await startWebApp(desk, (c) => c, { secureCookies: true });
  });
  afterAll(async () => {
    await secure?.stop();
  });

  test('over https it is __Host- prefixed (Secure, Path=/, no Domain) and only that name is accepted', async () => {
    const page = await fetch(`${secure.url}/track`);
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('__Host-pk_csrf='))!;
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    const token = cookie.split(';')[0].split('=')[1];
    const post = (name: string) => raw(secure.url, '/track', { method: 'POST', body: new URLSearchParams({ _csrf: token, code: '123456789012', lastFour: '1234' }).toString(), headers: { cookie: `${name}=${token}`, 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post('__Host-pk_csrf')).status).toBe(404);
    expect((await post('pk_csrf')).status).toBe(403);
  });

  test("a token planted from another browser does not fit a signed-in citizen's session", async () => {
    const citizen = await loginCitizen(desk, uniqueMobile());
    const stranger = new Browser(desk.url);
    await stranger.get('/');
    const planted = stranger.cookie('pk_csrf')!;
    const answer = await raw(desk.url, '/logout', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: planted }).toString(),
      headers: { cookie: `pk_session=${citizen.cookie('pk_session')}; pk_csrf=${planted}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(403);
    expect(textOf(answer.text)).toContain(fa('errors.csrf'));
    // The citizen's own token still works.
    expect((await citizen.post('/logout', {}, false)).status).toBe(303);
  });
});
