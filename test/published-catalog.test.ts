// Two web replicas hold the published catalogue in memory: pages are served without a catalogue query, a
// service published or retired on one replica shows on both, and a replica that loses its listening
// connection reads PostgreSQL until it is back rather than serve a stale catalogue.
import fs from 'node:fs';
import path from 'node:path';
import { publishService } from '../lib/catalog-sync';
import { toPersianDigits } from '../lib/persian';
import { createDb, type Db } from '../lib/db';
import { listeningCatalog, type PublishedCatalog } from '../lib/published-catalog';
import type { ServiceDefinition } from '../workflows/types';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, type Desk } from './helpers/desk';
import { loginStaff } from './helpers/journeys';

import { startWebApp, type WebApp } from './helpers/web-app';

interface Replica {
  app: WebApp;
  db: Db;
  catalog: PublishedCatalog;
  /** SQL statements this replica sent that read the catalogue's tables */
  catalogQueries: string[];
}

let desk: Desk;
const replicas: Replica[] = [];

async function startReplica(): Promise<Replica> {
  const db = createDb(desk.config.databaseUrl!);
  const catalogQueries: string[] = [];
  db.on('query', (q: { sql: string }) => {
    if (/\b(services|service_versions|departments)\b/.test(q.sql)) catalogQueries.push(q.sql);
  });
  const catalog = await listeningCatalog(db, desk.config.databaseUrl!, { retryMs: 100 });
  const app = await startWebApp(desk, (c) => c, { db, catalog });
  const replica = { app, db, catalog, catalogQueries };
  replicas.push(replica);
  return replica;
}

beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  for (const r of replicas) {
    await r.app.stop();
    await r.catalog.close();
    await r.db.destroy();
  }
  await desk?.stop();
});

const card = (id: string): ServiceDefinition => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', `${id}.json`), 'utf8'));
const listed = (html: string) => [...html.matchAll(/<h2><a href="\/services\/([a-z0-9-]+)">/g)].map((m) => m[1]);
const pretty = (value: unknown) => JSON.stringify(value, null, 2);
// The catalogue pages 50 services by id and other test files publish their own services into the same
// database: a service is looked for by a keyword of its own, not on whichever page its id falls.
const listsIt = async (visitor: Browser, id: string, keyword: string) => listed((await visitor.get(`/?q=${encodeURIComponent(keyword)}`)).html).includes(id);

test('the catalogue, a card and the JSON list are served from memory: no catalogue query per view', async () => {
  const a = await startReplica();
  expect(a.catalog.listening).toBe(true);
  const visitor = new Browser(a.app.url);
  const loadsBefore = a.catalog.loads;
  const missesBefore = a.catalog.misses;
  a.catalogQueries.length = 0;
  for (let i = 0; i < 5; i++) {
    expect(listed((await visitor.get('/')).html).length).toBeGreaterThan(0);
    expect(await listsIt(visitor, 'general-letter', card('general-letter').title)).toBe(true);
    expect(textOf((await visitor.get('/services/general-letter')).html)).toContain(card('general-letter').title);
    expect((await visitor.json(`/api/services?q=${encodeURIComponent(card('service-record-certificate').title)}`)).body.items.map((s: { id: string }) => s.id)).toContain('service-record-certificate');
  }
  // Other test files publish into the same database meanwhile: each notice reloads the whole catalogue in its
  // two queries (services, departments; one reload may straddle the start). Besides those, no view read it.
  expect(a.catalog.misses).toBe(missesBefore);
  const reloads = a.catalog.loads - loadsBefore;
  expect(reloads).toBeLessThan(5);
  expect(a.catalogQueries.length).toBeLessThanOrEqual(2 * (reloads + 1));
});

test('a service published through one replica shows at once there and on the other replica; retired, it leaves both', async () => {
  const [a] = replicas;
  const b = await startReplica();
  const id = `cached-${Date.now()}`;
  const service = { ...card('general-letter'), id, title: `خدمت تازه ${Date.now()}`, keywords: ['واژه‌ای‌یکتا'] };
  const admin = await loginStaff({ url: a.app.url }, 'admin');
  const published = await admin.post('/admin/services/new', { definition: pretty(service) });
  expect(published.status).toBe(200);
  // The admin's own next page shows it without waiting.
  expect(listed((await admin.get(`/?q=${encodeURIComponent('واژه‌ای‌یکتا')}`)).html)).toEqual([id]);
  const other = new Browser(b.app.url);
  await eventually(async () => (await other.get(`/services/${id}`)).status === 200, 10_000, 'the card on the other replica');
  expect(textOf((await other.get(`/services/${id}`)).html)).toContain(toPersianDigits(service.title));

  // A new version published through the other replica replaces the first on both.
  const adminAtB = await loginStaff({ url: b.app.url }, 'admin');
  const edited = { ...service, title: `${service.title} — ویرایش دوم` };
  expect((await adminAtB.post(`/admin/services/${id}`, { definition: pretty(edited) })).status).toBe(200);
  expect(textOf((await adminAtB.get(`/services/${id}`)).html)).toContain('ویرایش دوم');
  await eventually(async () => textOf((await new Browser(a.app.url).get(`/services/${id}`)).html).includes('ویرایش دوم'), 10_000, 'the second version on the first replica');

  expect((await admin.post(`/admin/services/${id}/retire`, {})).status).toBe(200);
  expect((await new Browser(a.app.url).get(`/services/${id}`)).status).toBe(410);
  await eventually(async () => (await other.get(`/services/${id}`)).status === 410, 10_000, 'the retirement on the other replica');
  expect(listed((await other.get(`/?q=${encodeURIComponent('واژه‌ای‌یکتا')}`)).html)).toEqual([]);
});

test('a change written outside the web app (catalog:sync, SQL) reaches every replica', async () => {
  const [a, b] = replicas;
  const id = `synced-${Date.now()}`;
  await publishService(desk.db, { ...card('complaint'), id, title: 'خدمتی که از پرونده آمد', keywords: ['واژه‌ای‌از‌پرونده'] }, 'catalog-sync');
  for (const replica of [a, b]) {
    await eventually(async () => listsIt(new Browser(replica.app.url), id, 'واژه‌ای‌از‌پرونده'), 10_000, `${id} on ${replica.app.url}`);
  }
  // A department renamed by hand shows on the card of a service it answers for.
  const unit = card('complaint').responsibleUnit.department;
  const before = await desk.db('departments').where({ code: unit }).first();
  await desk.db('departments').where({ code: unit }).update({ name: 'واحد با نام تازه' });
  try {
    for (const replica of [a, b]) {
      await eventually(async () => textOf((await new Browser(replica.app.url).get(`/services/${id}`)).html).includes('واحد با نام تازه'), 10_000, 'the renamed department');
    }
  } finally {
    await desk.db('departments').where({ code: unit }).update({ name: before.name });
  }
});

test('a replica whose listening connection is cut reads PostgreSQL meanwhile, then listens again and misses nothing', async () => {
  const [a] = replicas;
  const visitor = new Browser(a.app.url);
  // Cut the replica's LISTEN connection the way a PostgreSQL restart or a network drop would.
  const cut = await desk.db.raw("select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN pishkhan_catalog%'");
  expect(cut.rows.length).toBeGreaterThanOrEqual(1);
  // Published while the replica may not be listening: it must still show.
  const id = `while-cut-${Date.now()}`;
  await publishService(desk.db, { ...card('complaint'), id, title: 'منتشرشده در قطعی', keywords: ['واژه‌ای‌در‌قطعی'] }, 'catalog-sync');
  await eventually(async () => listsIt(visitor, id, 'واژه‌ای‌در‌قطعی'), 10_000, 'the service published during the cut');
  await eventually(async () => a.catalog.listening, 10_000, 'the replica to listen again');
  expect(await listsIt(visitor, id, 'واژه‌ای‌در‌قطعی')).toBe(true);
  const missesBefore = a.catalog.misses;
  await visitor.get('/');
  expect(a.catalog.misses).toBe(missesBefore);
});
