// Authoring services as JSON: checked, previewed, published as versions with diffs, uploaded, retired.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { syncCatalog } from '../lib/catalog-sync';
import { toPersianDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { uniqueName } from './helpers/back-office';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

const template = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', 'general-letter.json'), 'utf8'));

/** A service of its own for each test, so no other test's catalogue changes. */
function newService(overrides: Record<string, unknown> = {}) {
  const id = uniqueName('test-letter-');
  return { ...template, id, title: `نامه آزمایشی ${id}`, ...overrides };
}
const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const unescape = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

async function published(admin: Awaited<ReturnType<typeof loginStaff>>, service: Record<string, unknown>) {
  const page = await admin.post('/admin/services/new', { definition: pretty(service) });
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('نسخه تازه منتشر شد');
  return page;
}

test('an admin publishes a new service from the editor: the catalogue shows it and its versions page names who published it', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  const list = await published(admin, service);
  expect(list.html).toContain(`/admin/services/${service.id}/edit`);
  const card = await new Browser(desk.url).get(`/services/${service.id}`);
  expect(card.status).toBe(200);
  expect(textOf(card.html)).toContain(service.title);
  const versions = textOf((await admin.get(`/admin/services/${service.id}/versions`)).html);
  expect(versions).toContain('منتشرکننده: admin');
  expect(versions).toContain('نخستین نسخه');
  const row = await desk.db('service_versions').where({ service_id: service.id }).first();
  expect(row).toMatchObject({ version: 1, published_by: 'admin' });
  expect(await desk.db('audit_log').whereRaw("details->>'service' = ?", [service.id]).pluck('action')).toContain('service_published');
});

test('every problem is listed in Persian with its line, column and the field it is in, the edited text is kept, and nothing is published', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  await published(admin, service);
  const broken = { ...service, title: undefined, fields: [{ ...service.fields[0], type: 'colour' }, ...service.fields.slice(1)], responsibleUnit: { name: 'x', department: 'no-such-unit' } };
  const text = pretty(broken);
  const refused = await admin.post(`/admin/services/${service.id}`, { definition: text });
  expect(refused.status).toBe(422);
  const shown = textOf(refused.html);
  expect(shown).toContain('سطر ۱، ستون ۱ — شناسنامه خدمت: ویژگی لازم «title» نیامده است');
  const typeLine = text.split('\n').findIndex((line) => line.includes('"colour"')) + 1;
  expect(shown).toContain(`سطر ${toPersianDigits(typeLine)}، ستون ۷ — فیلد «نام و نام خانوادگی»، «type»: باید یکی از این‌ها باشد: text، number`);
  expect(shown).not.toContain('/fields/0');
  expect(unescape(refused.html)).toContain(text);
  expect((await desk.db('services').where({ id: service.id }).first()).current_version).toBe(1);

  // Past the schema: the desk's own checks, also with a pointer.
  const unknownUnit = await admin.post(`/admin/services/${service.id}`, { definition: pretty({ ...service, responsibleUnit: { name: 'x', department: 'no-such-unit' } }) });
  expect(unknownUnit.status).toBe(422);
  expect(textOf(unknownUnit.html)).toContain('«responsibleUnit»، «department»: واحدی با کد «no-such-unit» وجود ندارد');

  const notJson = await admin.post(`/admin/services/${service.id}`, { definition: '{ "id": ' });
  expect(notJson.status).toBe(422);
  expect(textOf(notJson.html)).toContain('سطر ۱، ستون ۹ — JSON درست نیست: متن پیش از بسته شدن همه آکولادها و کروشه‌ها تمام شده است');
  const trailing = await admin.post(`/admin/services/${service.id}`, { definition: '{\n  "id": "x",\n}' });
  expect(textOf(trailing.html)).toContain('سطر ۳، ستون ۱ — JSON درست نیست: پس از آخرین مورد «,» نمی‌آید');
});

test('the id in the address must be the id in the JSON, and a new service cannot take an existing id', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  await published(admin, service);
  const other = newService();
  const mismatch = await admin.post(`/admin/services/${service.id}`, { definition: pretty(other) });
  expect(mismatch.status).toBe(422);
  expect(textOf(mismatch.html)).toContain(`«id»: شناسه درون JSON «${other.id}» است ولی این صفحه برای «${service.id}» است`);
  const taken = await admin.post('/admin/services/new', { definition: pretty(service) });
  expect(taken.status).toBe(422);
  expect(textOf(taken.html)).toContain(`«id»: شناسه «${service.id}» پیش‌تر به کار رفته است`);
  expect(await desk.db('services').where({ id: other.id }).first()).toBeUndefined();
});

test('preview shows the citizen’s card from the unsaved JSON and publishes nothing', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  await published(admin, service);
  const edited = { ...service, title: `${service.title} (ویرایش)`, summary: 'خلاصه تازه برای پیش‌نمایش' };
  const preview = await admin.post(`/admin/services/${service.id}/preview`, { definition: pretty(edited) });
  expect(preview.status).toBe(200);
  const text = textOf(preview.html);
  expect(text).toContain('پیش‌نمایش — هنوز منتشر نشده است');
  expect(text).toContain(edited.title);
  expect(text).toContain('خلاصه تازه برای پیش‌نمایش');
  expect(text).toContain('مراحل انجام');
  expect(unescape(preview.html)).toContain(pretty(edited));
  const stored = await desk.db('services').where({ id: service.id }).first();
  expect(stored).toMatchObject({ title: service.title, current_version: 1 });
  expect(textOf((await admin.get(`/?q=${encodeURIComponent(service.id)}`)).html)).not.toContain(edited.title);
});

test('publishing an edit adds a version; the versions page shows what changed against the one before', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  await published(admin, service);
  const edited = { ...service, title: `${service.title} — نسخه دوم`, sla: { ...service.sla, workingDays: 9 } };
  const done = await admin.post(`/admin/services/${service.id}`, { definition: pretty(edited) });
  expect(textOf(done.html)).toContain('نسخه تازه منتشر شد');
  const versions = await admin.get(`/admin/services/${service.id}/versions`);
  const removed = [...versions.html.matchAll(/<span class="diff-line diff-removed">([^<]*)<\/span>/g)].map((m) => unescape(m[1]));
  const added = [...versions.html.matchAll(/<span class="diff-line diff-added">([^<]*)<\/span>/g)].map((m) => unescape(m[1]));
  expect(removed).toEqual([`  "title": "${service.title}",`, '    "workingDays": 7,']);
  expect(added).toEqual([`  "title": "${edited.title}",`, '    "workingDays": 9,']);
  expect(textOf(versions.html)).toContain('نسخه ۲');
  // Publishing the same text again makes no new version.
  const again = await admin.post(`/admin/services/${service.id}`, { definition: pretty(edited) });
  expect(textOf(again.html)).toContain('تغییری نبود');
  expect((await desk.db('services').where({ id: service.id }).first()).current_version).toBe(2);
});

test('a JSON file can be uploaded instead of typed, with the CSRF token in the address; without it the upload is refused', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  const bytes = new TextEncoder().encode(pretty(service));
  const uploaded = await admin.upload('/admin/services/new/upload', {}, { file: { name: `${service.id}.json`, bytes, type: 'application/json' } });
  expect(uploaded.status).toBe(200);
  expect(textOf(uploaded.html)).toContain('نسخه تازه منتشر شد');
  expect((await desk.db('services').where({ id: service.id }).first()).current_version).toBe(1);

  const edited = new TextEncoder().encode(pretty({ ...service, id: 'someone-else' }));
  const wrongId = await admin.upload(`/admin/services/${service.id}/upload`, {}, { file: { name: 'x.json', bytes: edited } });
  expect(wrongId.status).toBe(422);
  expect(textOf(wrongId.html)).toContain('«id»: شناسه درون JSON «someone-else» است');

  const empty = await admin.upload(`/admin/services/${service.id}/upload`, { note: 'x' }, {});
  expect(empty.status).toBe(422);
  expect(textOf(empty.html)).toContain('فایلی برای بارگذاری انتخاب نشده است');

  const huge = await admin.upload(`/admin/services/${service.id}/upload`, {}, { file: { name: 'big.json', bytes: new Uint8Array(250 * 1024).fill(32) } });
  expect(huge.status).toBe(413);
  expect(textOf(huge.html)).toContain('حجم فایل بیش از ۲۰۰ کیلوبایت است');

  const form = new FormData();
  form.append('file', new Blob([bytes]), 'x.json');
  const forged = await fetch(new URL(`/admin/services/${service.id}/upload`, desk.url), {
    method: 'POST',
    body: form,
    headers: { cookie: `pk_session=${admin.cookie('pk_session')}; pk_csrf=${admin.cookie('pk_csrf')}` },
    redirect: 'manual',
  });
  expect(forged.status).toBe(403);
});

test('retiring a service hides it from the catalogue and refuses new submissions in Persian, while running requests carry on', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  await published(admin, service);
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, service.id, letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  await citizen.post(`/services/${service.id}/apply`, letterAnswers('hr'));
  const search = `/?q=${encodeURIComponent(service.id)}`;
  expect(textOf((await citizen.get(search)).html)).toContain(service.title);

  const retired = await admin.post(`/admin/services/${service.id}/retire`, {});
  expect(textOf(retired.html)).toContain('خدمت بازنشسته شد');
  expect(textOf((await citizen.get(search)).html)).not.toContain(service.title);
  const card = await citizen.get(`/services/${service.id}`);
  expect(card.status).toBe(410);
  expect(textOf(card.html)).toContain('این خدمت دیگر ارائه نمی‌شود');
  const submit = await citizen.post(`/services/${service.id}/submit`, {});
  expect(submit.status).toBe(410);
  expect(textOf(submit.html)).toContain('این خدمت دیگر ارائه نمی‌شود');

  const clerk = await loginStaff(desk, 'dabir');
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  await waitForStatus(desk, code, 'in_progress');
  expect(await desk.db('audit_log').whereRaw("details->>'service' = ?", [service.id]).pluck('action')).toContain('service_retired');
});

test("an admin's edit and retirement survive the next sync of the catalogue files; only a changed file publishes again", async () => {
  const admin = await loginStaff(desk, 'admin');
  const file = newService();
  await syncCatalog(desk.db, [file]);
  const edited = { ...file, summary: 'خلاصه‌ای که مدیر نوشت' };
  await admin.post(`/admin/services/${file.id}`, { definition: pretty(edited) });
  await syncCatalog(desk.db, [file]);
  const afterEdit = await desk.db('service_versions').where({ service_id: file.id }).orderBy('version');
  expect(afterEdit.map((v) => v.published_by)).toEqual(['catalog-sync', 'admin']);

  await admin.post(`/admin/services/${file.id}/retire`, {});
  await syncCatalog(desk.db, [file]);
  expect((await desk.db('services').where({ id: file.id }).first()).retired_at).not.toBeNull();

  await syncCatalog(desk.db, [{ ...file, summary: 'خلاصه تازه در فایل' }]);
  const afterFileChange = await desk.db('services').where({ id: file.id }).first();
  expect(afterFileChange).toMatchObject({ current_version: 3, retired_at: null });
});

test('a new service starts from a complete template of the chosen shape, which publishes once its id and title are the author’s', async () => {
  const admin = await loginStaff(desk, 'admin');
  const chooser = await admin.get('/admin/services/new');
  expect(textOf(chooser.html)).toContain('از کدام شکل آغاز می‌کنید؟');
  for (const template of ['letter', 'certificate', 'report']) expect(chooser.html).toContain(`/admin/services/new?template=${template}`);
  const page = await admin.get('/admin/services/new?template=certificate');
  const text = unescape(/<textarea id="definition"[^>]*>([\s\S]*?)<\/textarea>/.exec(page.html)![1]);
  const card = JSON.parse(text);
  expect(card.steps.map((s: { type: string }) => s.type)).toEqual(expect.arrayContaining(['review', 'payment', 'deliver']));
  const id = uniqueName('from-template-');
  const list = await admin.post('/admin/services/new', { definition: pretty({ ...card, id, title: `گواهی ${id}` }) });
  expect(textOf(list.html)).toContain('نسخه تازه منتشر شد');
  expect(await desk.db('service_versions').where({ service_id: id }).first('version')).toEqual({ version: 1 });
});

test('the live check answers with the problems in Persian with line and column, or the card and form; it stores nothing', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService({
    fields: [...template.fields, { key: 'other_unit', label: 'واحد دیگر', type: 'text', required: true, showIf: { field: 'department', equals: 'legal' } }],
  });
  const broken = pretty({ ...service, fields: [...service.fields.slice(0, -1), { ...service.fields.at(-1), showIf: { field: 'department', equal: 'legal' } }] });
  const refused = await admin.post('/admin/service-check', { definition: broken });
  expect(refused.status).toBe(422);
  const { problems } = JSON.parse(refused.html);
  const line = broken.split('\n').findIndex((l) => l.includes('"equal"')) - 1;
  expect(problems).toEqual([
    { pointer: '/fields/6/showIf', line, column: 7, position: `سطر ${toPersianDigits(line)}، ستون ۷`, message: expect.stringMatching(/^فیلد «واحد دیگر»، «showIf»: شرط درست نیست/) },
  ]);

  const valid = await admin.post('/admin/service-check', { definition: pretty(service) });
  expect(valid.status).toBe(200);
  const answer = JSON.parse(valid.html);
  expect(answer.problems).toEqual([]);
  expect(textOf(answer.card)).toContain(service.title);
  expect(answer.form).toContain('data-show-if="{&quot;field&quot;:&quot;department&quot;,&quot;equals&quot;:&quot;legal&quot;}"');
  expect(await desk.db('services').where({ id: service.id }).first()).toBeUndefined();

  // Without the page's token the check is refused like any other form.
  const stranger = await fetch(`${desk.url}/admin/service-check`, { method: 'POST', body: new URLSearchParams({ definition: pretty(service) }) });
  expect(stranger.status).toBeGreaterThanOrEqual(400);
  expect(stranger.status).toBeLessThan(500);
});

test('the editor and `npm run catalog:check` say each problem in the same words', async () => {
  const admin = await loginStaff(desk, 'admin');
  const service = newService();
  const card = { ...service, documents: [{ ...service.documents[0], maxSizeMb: 2 }], fields: [{ ...service.fields[0], type: 'colour' }, ...service.fields.slice(1)] };
  const text = pretty(card);
  const refused = await admin.post('/admin/services/new', { definition: text });
  const editorSays = [...refused.html.matchAll(/<li><a href="#definition" data-line="\d+" data-column="\d+">[^<]*<\/a> — <span>([^<]*)<\/span><\/li>/g)].map((m) => unescape(m[1]));
  expect(editorSays).toHaveLength(2);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wording-'));
  fs.writeFileSync(path.join(dir, 'card.json'), text);
  const failure = await promisify(execFile)(path.join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [path.join(__dirname, '..', 'scripts', 'catalog-check.ts'), dir], { cwd: path.join(__dirname, '..') }).catch((e) => e);
  fs.rmSync(dir, { recursive: true });
  const cliSays = String(failure.stderr).trim().split('\n').map((line) => line.replace(/^\S+:\d+:\d+ {2}/, ''));
  expect(cliSays.sort()).toEqual(editorSays.sort());
});
