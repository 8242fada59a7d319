// Citizens' documents: uploaded with the form, judged by their content, downloaded only by those who may, and sent again when asked.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter } from '../api/submission';
import { createLogger } from '../lib/log';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';

const documentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-documents-'));
let desk: Desk;
beforeAll(async () => {
  desk = await startDesk({ DOCUMENT_DIR: documentDir });
});
afterAll(async () => {
  await desk?.stop();
  fs.rmSync(documentDir, { recursive: true, force: true });
});

const pdf = (text = 'a signed letter') => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body')]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake photo body')]);

const storedFile = (key: string) => path.join(documentDir, key.slice(0, 2), key);
const draftRows = async (mobile: string, serviceId = 'general-letter') => {
  const citizen = await desk.db('citizens').where({ mobile }).first('id');
  return desk.db('documents').whereNull('request_id').where({ citizen_id: citizen.id, service_id: serviceId }).orderBy('id');
};

async function applyWithLetter(name: string, bytes: Buffer, department = 'legal') {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const check = await citizen.upload('/services/general-letter/apply', letterAnswers(department), { 'doc-letter': { name, bytes, type: 'application/pdf' } });
  return { mobile, citizen, check };
}

async function submitWithLetter(name = 'signed-letter.pdf', bytes = pdf()) {
  const { mobile, citizen, check } = await applyWithLetter(name, bytes);
  expect(check.url).toMatch(/\/check$/);
  const done = await citizen.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const [document] = await desk.db('documents').where({ request_id: request.id });
  return { mobile, citizen, code, request, document };
}

test('a document uploaded with the form is listed on the check page, attached on submission and downloaded intact by its owner', async () => {
  const bytes = pdf('my signed letter');
  const { citizen, check } = await applyWithLetter('نامه امضاشده.pdf', bytes);
  expect(check.url).toMatch(/\/check$/);
  expect(textOf(check.html)).toContain('نامه امضاشده.pdf');

  const done = await citizen.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const rows = await desk.db('documents').where({ request_id: request.id });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ doc_key: 'letter', original_name: 'نامه امضاشده.pdf', mime: 'application/pdf', size_bytes: bytes.length, uploaded_by: 'citizen' });
  expect(fs.readFileSync(storedFile(rows[0].storage_key)).equals(bytes)).toBe(true);

  const page = await citizen.get(`/requests/${code}`);
  expect(textOf(page.html)).toContain('نامه امضاشده.pdf');
  expect(page.html).toContain(`/documents/${rows[0].id}`);

  const file = await citizen.download(`/documents/${rows[0].id}`);
  expect(file.status).toBe(200);
  expect(file.bytes.equals(bytes)).toBe(true);
  expect(file.headers.get('content-type')).toBe('application/pdf');
  expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
  expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('نامه امضاشده.pdf')}`);
});

test('a file named .pdf whose content is a web page is refused beside the field, and what was typed is kept', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const answers = { ...letterAnswers(), subject: 'موضوعی که نباید گم شود' };
  const page = await citizen.upload('/services/general-letter/apply', answers, { 'doc-letter': { name: 'scan.pdf', bytes: Buffer.from('<html><body>not a scan</body></html>'), type: 'application/pdf' } });
  expect(page.status).toBe(422);
  const text = textOf(page.html);
  expect(text).toContain('مشکلی وجود دارد');
  expect(text).toContain('«متن نامه یا پیوست»');
  expect(page.html).toContain('href="#d-letter"');
  expect(page.html).toContain('value="موضوعی که نباید گم شود"');
  expect(await draftRows(mobile)).toHaveLength(0);
});

test('an oversize file is refused with its limit, and the answers and the file uploaded before are kept', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const first = await citizen.upload('/services/general-letter/apply', { ...letterAnswers(), subject: '' }, { 'doc-letter': { name: 'first.pdf', bytes: pdf('first') } });
  expect(first.status).toBe(422);
  expect(textOf(first.html)).toContain('«موضوع نامه» را وارد کنید');
  expect(textOf(first.html)).toContain('first.pdf');

  const huge = Buffer.concat([pdf('huge'), Buffer.alloc(5120 * 1024, 0x20)]);
  const refused = await citizen.upload('/services/general-letter/apply', { ...letterAnswers(), subject: 'موضوع پس از خطا' }, { 'doc-letter': { name: 'huge.pdf', bytes: huge } });
  expect(refused.status).toBe(422);
  const text = textOf(refused.html);
  expect(text).toContain('حجم فایل «متن نامه یا پیوست» بیش از ۵٬۱۲۰ کیلوبایت است');
  expect(text).toContain('first.pdf');
  expect(refused.html).toContain('value="موضوع پس از خطا"');
  const rows = await draftRows(mobile);
  expect(rows.map((r) => r.original_name)).toEqual(['first.pdf']);

  const check = await citizen.upload('/services/general-letter/apply', letterAnswers(), {});
  expect(check.url).toMatch(/\/check$/);
  expect(textOf(check.html)).toContain('first.pdf');
});

test('a required document that is missing is an error on the form; once uploaded the form goes on', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const answers = { full_name: 'علی رضایی', national_code: '0499370899', birth_date: '1365/04/21', personnel_number: '12345', start_date: '1390/01/15', purpose: 'bank', email: '' };
  const missing = await citizen.upload('/services/service-record-certificate/apply', answers, {});
  expect(missing.status).toBe(422);
  expect(textOf(missing.html)).toContain('فایل «آخرین فیش حقوقی یا حکم کارگزینی» را انتخاب کنید');
  // Kept as typed, shown in Persian digits.
  expect(missing.html).toContain('value="۱۲۳۴۵"');

  const done = await citizen.upload('/services/service-record-certificate/apply', answers, { 'doc-last_payslip': { name: 'payslip.jpg', bytes: jpeg, type: 'image/jpeg' } });
  expect(done.url).toMatch(/\/check$/);
  expect(textOf(done.html)).toContain('payslip.jpg');
});

test('a path in the file name is dropped: the file is stored under a random name and shown without the path', async () => {
  const { citizen, check } = await applyWithLetter('../../etc/passwd.pdf', pdf('traversal'));
  expect(check.url).toMatch(/\/check$/);
  const shown = textOf(check.html);
  expect(shown).toContain('passwd.pdf');
  expect(shown).not.toContain('../');
  const done = await citizen.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  const names = fs.readdirSync(documentDir, { recursive: true }) as string[];
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const [row] = await desk.db('documents').where({ request_id: request.id });
  expect(row.original_name).toBe('passwd.pdf');
  expect(row.storage_key).toMatch(/^[a-f0-9]{32}$/);
  expect(fs.existsSync(storedFile(row.storage_key))).toBe(true);
  expect(names.filter((n) => /passwd|etc/.test(n))).toEqual([]);
  expect(textOf((await citizen.get(`/requests/${code}`)).html)).toContain('passwd.pdf');
  expect(fs.existsSync(path.resolve(documentDir, '..', '..', 'etc', 'passwd.pdf'))).toBe(false);
});

test('only the owner and staff of the department holding the request may download; everyone else finds nothing', async () => {
  const { code, document } = await submitWithLetter('evidence.pdf');
  await waitForStatus(desk, code, 'pending_review');

  const stranger = await loginCitizen(desk, uniqueMobile());
  expect((await stranger.download(`/documents/${document.id}`)).status).toBe(404);
  const hr = await loginStaff(desk, 'hr');
  expect((await hr.download(`/documents/${document.id}`)).status).toBe(404);
  expect((await hr.download(`/documents/${document.id}?inline=1`)).status).toBe(404);
  const anonymous = new Browser(desk.url);
  expect((await anonymous.download(`/documents/${document.id}`)).status).toBe(404);

  const clerk = await loginStaff(desk, 'dabir');
  const file = await clerk.download(`/documents/${document.id}`);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="evidence.pdf"/);
  const preview = await clerk.download(`/documents/${document.id}?inline=1`);
  expect(preview.headers.get('content-disposition')).toMatch(/^inline; /);
  expect(preview.headers.get('content-type')).toBe('application/pdf');
  const staffPage = await clerk.get(`/staff/requests/${code}`);
  expect(textOf(staffPage.html)).toContain('evidence.pdf');
  expect(staffPage.html).toContain(`/documents/${document.id}?inline=1`);

  const audit = await desk.db('audit_log').where({ request_id: document.request_id, action: 'download_document' }).orderBy('id');
  expect(audit).toHaveLength(2);
  expect(audit[0].details).toMatchObject({ documentId: document.id, inline: false });
});

test("a draft's document is not downloadable by another citizen or by staff, and can be removed before submitting", async () => {
  const { mobile, citizen, check } = await applyWithLetter('draft.pdf', pdf('draft'));
  expect(check.url).toMatch(/\/check$/);
  const [row] = await draftRows(mobile);
  expect((await citizen.download(`/documents/${row.id}`)).status).toBe(200);
  expect((await (await loginCitizen(desk, uniqueMobile())).download(`/documents/${row.id}`)).status).toBe(404);
  expect((await (await loginStaff(desk, 'admin')).download(`/documents/${row.id}`)).status).toBe(404);

  // An optional document can be taken back before submitting: the row and the stored bytes go.
  const withoutIt = await citizen.upload('/services/general-letter/apply', { ...letterAnswers(), 'remove-letter': 'yes' }, {});
  expect(withoutIt.url).toMatch(/\/check$/);
  expect(textOf(withoutIt.html)).not.toContain('draft.pdf');
  expect(await draftRows(mobile)).toHaveLength(0);
  expect(fs.existsSync(storedFile(row.storage_key))).toBe(false);
});

describe('more information', () => {
  async function askedForMore() {
    const mobile = uniqueMobile();
    const citizen = await loginCitizen(desk, mobile);
    const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
    await waitForStatus(desk, code, 'pending_review');
    const clerk = await loginStaff(desk, 'dabir');
    const reason = 'نسخه امضاشده نامه را پیوست کنید';
    await clerk.post(`/staff/requests/${code}/decision`, { kind: 'needs_info', reason });
    await waitForStatus(desk, code, 'needs_info');
    return { citizen, clerk, code, reason };
  }

  test('the citizen uploads the missing document: the request returns to review and staff see the new file in the history', async () => {
    const { citizen, clerk, code, reason } = await askedForMore();
    const page = await citizen.get(`/requests/${code}`);
    expect(textOf(page.html)).toContain(reason);
    expect(page.html).toContain(`action="/requests/${code}/resubmit"`);
    expect(page.html).not.toContain('_csrf=');

    const note = 'نسخه امضاشده پیوست شد';
    const sent = await citizen.upload(`/requests/${code}/resubmit`, { note }, { 'doc-letter': { name: 'signed.pdf', bytes: pdf('signed') } });
    expect(sent.status).toBe(200);
    expect(textOf(sent.html)).toContain('اطلاعات تکمیلی شما رسید');
    await waitForStatus(desk, code, 'pending_review');

    const staffPage = textOf((await clerk.get(`/staff/requests/${code}`)).html);
    expect(staffPage).toContain('signed.pdf');
    expect(staffPage).toContain('پاسخ متقاضی ثبت شد');
    expect(staffPage).toContain(note);
    const history = textOf((await citizen.get(`/requests/${code}`)).html);
    expect(history).toContain('پاسخ متقاضی ثبت شد signed.pdf');
    expect(history).toContain('اطلاعات تکمیلی فرستاده شد');
    expect(history).toContain('در انتظار بررسی');
  });

  test('a real PNG named .jpg in the reply is accepted and kept as a PNG', async () => {
    const { citizen, code } = await askedForMore();
    const sent = await citizen.upload(`/requests/${code}/resubmit`, { note: 'توضیح من' }, { 'doc-additional': { name: 'photo.jpg', bytes: png } });
    expect(sent.status).toBe(200);
    await waitForStatus(desk, code, 'pending_review');
    const stored = await desk.db('documents as d').join('requests as r', 'r.id', 'd.request_id').where('r.tracking_code', code).where('d.doc_key', 'additional').first('d.mime', 'd.original_name');
    expect(stored).toEqual({ mime: 'image/png', original_name: 'photo.png' });
  });

  test('when Temporal cannot be reached the reply is saved, the citizen is asked to try again, and trying again delivers it', async () => {
    const { citizen, code } = await askedForMore();
    // A second web replica whose Temporal frontend is down; PostgreSQL is the same.
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }), namespace: desk.config.temporal.namespace });
    const app = createApp({ db: desk.db, temporal: unreachable, config: desk.config, log: createLogger('silent'), sessions: createSessions(desk.db, false), submitRequest: createSubmitter(desk.db, unreachable, desk.config) });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const replica = citizen.sameVisitorAt(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      const failed = await replica.upload(`/requests/${code}/resubmit`, { note: 'در قطعی فرستاده شد' }, { 'doc-letter': { name: 'during-outage.pdf', bytes: pdf('outage') } });
      expect(failed.status).toBe(503);
      expect(textOf(failed.html)).toContain('مدارک و توضیح شما ذخیره شد');
      expect(textOf(failed.html)).toContain('during-outage.pdf');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const request = await desk.db('requests').where({ tracking_code: code }).first();
    expect(await desk.db('documents').where({ request_id: request.id }).pluck('original_name')).toEqual(['during-outage.pdf']);
    expect(request.status).toBe('needs_info');

    const again = await citizen.upload(`/requests/${code}/resubmit`, {}, {});
    expect(again.status).toBe(200);
    await waitForStatus(desk, code, 'pending_review');
  });
});
