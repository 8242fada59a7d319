// Reports: per-service numbers over a Jalali date range, the CSV, and who may read them.
import fs from 'node:fs';
import path from 'node:path';
import { publishService } from '../lib/catalog-sync';
import { newTrackingCode } from '../lib/tracking-code';
import { textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { loginStaff } from './helpers/journeys';

let desk: Desk;
const HOUR = 3600_000;
// 1405/01/10 00:00 Tehran
const base = new Date(Date.UTC(2026, 2, 29, 20, 30));

beforeAll(async () => {
  desk = await startDesk();
  const card = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', 'complaint.json'), 'utf8'));
  await publishService(desk.db, { ...card, id: 'rep-test', title: 'خدمت گزارش آزمایشی' }, 'test');
  const [citizen] = await desk.db('citizens').insert({ mobile: uniqueMobile() }).returning('id');
  const inspection = await desk.db('departments').where({ code: 'inspection' }).first();
  // Ten requests: processing times 1..10 hours; two rejected; one breached its deadline; one still open.
  const rows = Array.from({ length: 10 }, (_, i) => ({
    tracking_code: newTrackingCode(),
    service_id: 'rep-test',
    service_version: 1,
    citizen_id: citizen.id,
    mobile: '09120000000',
    status: i === 9 ? 'in_progress' : i < 2 ? 'rejected' : 'closed',
    department_id: inspection.id,
    answers: '{}',
    sla_state: i === 2 ? 'breached' : 'on_time',
    created_at: new Date(base.getTime() + i * HOUR),
    closed_at: i === 9 ? null : new Date(base.getTime() + i * HOUR + (i + 1) * HOUR),
  }));
  const inserted = await desk.db('requests').insert(rows).returning(['id']);
  await desk.db('surveys').insert([
    { request_id: inserted[2].id, service_id: 'rep-test', rating: 5 },
    { request_id: inserted[3].id, service_id: 'rep-test', rating: 4 },
    { request_id: inserted[4].id, service_id: 'rep-test', rating: 3 },
  ]);
  // One request outside the date range must not count.
  await desk.db('requests').insert({ ...rows[0], tracking_code: newTrackingCode(), created_at: new Date(base.getTime() - 40 * 24 * HOUR) });
});
afterAll(async () => {
  await desk?.stop();
});

const query = 'from=۱۴۰۵/۰۱/۱۰&to=1405/01/10&service=rep-test&by=service';

test('an admin sees volume, median and p90 processing time, deadline compliance, rejection rate and satisfaction', async () => {
  const admin = await loginStaff(desk, 'admin');
  const page = await admin.get(`/staff/reports?${query}`);
  expect(page.status).toBe(200);
  const text = textOf(page.html);
  expect(text).toContain('خدمت گزارش آزمایشی');
  // 9 finished: times 1..9 h → median 5, p90 8.2; 1 of 9 breached → 88.9 %; 2 of 9 rejected → 22.2 %; ratings 5,4,3 → 4
  expect(text).toMatch(/خدمت گزارش آزمایشی ۱۰ /);
  // Decimals as Intl.NumberFormat writes them in Persian.
  expect(text).toContain('۸۸٫۹٪');
  expect(text).toContain('۲۲٫۲٪');
  expect(text).toContain(' ۵ ');
  expect(text).toContain('۸٫۲');
  expect(text).toContain('۴');
  expect(page.html).toContain('<svg class="chart"');

  const csv = await fetch(`${desk.url}/staff/reports.csv?${query}`, { headers: { cookie: `pk_session=${admin.cookie('pk_session')}` } });
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const bytes = Buffer.from(await csv.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, line] = bytes.subarray(3).toString('utf8').trim().split('\r\n');
  expect(header.split(',')[0]).toBe('خدمت');
  const cells = line.split(',');
  expect(cells.slice(0, 2)).toEqual(['خدمت گزارش آزمایشی', '10']);
  expect(cells.slice(-10)).toEqual(['5', '8.2', '88.9', '22.2', '4', '0', '0', '1', '1', '1']);
});

test('a malformed date is refused with a Persian message, not a 500', async () => {
  const admin = await loginStaff(desk, 'admin');
  const page = await admin.get('/staff/reports?from=1405/13/40');
  expect(page.status).toBe(422);
  expect(textOf(page.html)).toContain('تاریخ را به شکل شمسی درست وارد کنید');
});

test('a supervisor sees only their departments; a reviewer and a citizen see no reports', async () => {
  const supervisor = await loginStaff(desk, 'supervisor');
  expect(textOf((await supervisor.get(`/staff/reports?${query}`)).html)).toContain('خدمت گزارش آزمایشی');
  const byDepartment = textOf((await supervisor.get('/staff/reports?by=department')).html);
  expect(byDepartment).not.toContain('دبیرخانه مرکزی');

  const reviewer = await loginStaff(desk, 'legal');
  expect((await reviewer.get('/staff/reports')).status).toBe(404);
  expect((await reviewer.get(`/staff/reports.csv?${query}`)).status).toBe(404);
});
