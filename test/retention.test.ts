// Personal data: masked for the roles that do not need it, and removed once a request has been closed long enough.
import { randomBytes } from 'node:crypto';
import { createDocumentStore } from '../adapters/documents';
import { storeDocument } from '../api/documents';
import { maskMobile, maskNationalCode, toPersianDigits } from '../lib/persian';
import { ensureRetentionSchedule } from '../lib/retention-schedule';
import { textOf, type Browser } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { pdfBytes } from './helpers/integrations';

let desk: Desk;
let citizen: Browser;
let clerk: Browser;
const mobile = uniqueMobile();
const nationalCode = letterAnswers().national_code;

beforeAll(async () => {
  desk = await startDesk();
  citizen = await loginCitizen(desk, mobile);
  clerk = await loginStaff(desk, 'dabir');
});
afterAll(async () => {
  await desk?.stop();
});

async function pendingLetter(department = 'legal'): Promise<string> {
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers(department));
  await waitForStatus(desk, code, 'pending_review');
  return code;
}

async function rejectedLetter(): Promise<string> {
  const code = await pendingLetter();
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: 'نامه امضا ندارد' })).status).toBe(200);
  await waitForStatus(desk, code, 'rejected');
  return code;
}

const row = (code: string) => desk.db('requests').where({ tracking_code: code }).first();

function sweep(input: Record<string, unknown>) {
  return desk.temporal.workflow.execute('retentionSweep', {
    taskQueue: desk.config.temporal.taskQueue,
    workflowId: `retention-test-${randomBytes(6).toString('hex')}`,
    args: [input],
  }) as Promise<{ requests: number; documents: number }>;
}

describe('national codes and mobile numbers on staff pages', () => {
  test('the secretariat and admins read them in full; reviewers and supervisors, and every list, see them masked', async () => {
    const code = await pendingLetter('inspection');
    const inFull = [toPersianDigits(nationalCode), toPersianDigits(mobile)];
    const masked = [toPersianDigits(maskNationalCode(nationalCode)), toPersianDigits(maskMobile(mobile))];

    const clerkPage = textOf((await clerk.get(`/staff/requests/${code}`)).html);
    for (const value of inFull) expect(clerkPage).toContain(value);
    expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
    await waitForStatus(desk, code, 'in_progress');

    for (const username of ['inspection', 'supervisor']) {
      const staff = await loginStaff(desk, username);
      const page = await staff.get(`/staff/requests/${code}`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      for (const value of masked) expect(text).toContain(value);
      for (const value of [...inFull, mobile, nationalCode]) expect(page.html).not.toContain(value);
      expect(text).toContain('برای حفظ حریم خصوصی');
      const inbox = await staff.get(`/staff?find=${code}`);
      expect(inbox.html).toContain(`/staff/requests/${code}`);
      for (const value of [...inFull, mobile, nationalCode]) expect(inbox.html).not.toContain(value);
    }

    const admin = await loginStaff(desk, 'admin');
    const adminPage = textOf((await admin.get(`/staff/requests/${code}`)).html);
    for (const value of inFull) expect(adminPage).toContain(value);
  });
});

describe('retention', () => {
  test('requests closed before the cut-off lose their personal data batch by batch; open ones and report figures stay', async () => {
    const [first, second, open] = [await rejectedLetter(), await rejectedLetter(), await pendingLetter()];
    // Closed (and opened) long ago; the open one was submitted long ago too, but is not closed.
    await desk.db('requests').where({ tracking_code: first }).update({ created_at: '2000-12-20T08:00:00Z', closed_at: '2001-01-01T08:00:00Z' });
    await desk.db('requests').where({ tracking_code: second }).update({ created_at: '2000-12-21T08:00:00Z', closed_at: '2001-01-02T08:00:00Z' });
    await desk.db('requests').where({ tracking_code: open }).update({ created_at: '2000-12-01T08:00:00Z' });
    const before = await row(first);
    const store = createDocumentStore(desk.config);
    const document = await storeDocument(desk.db, store, {
      requestId: before.id, citizenId: before.citizen_id, serviceId: before.service_id, docKey: 'letter', name: 'letter.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF-1.4 signed letter'), uploadedBy: 'citizen',
    });
    await desk.db('surveys').insert({ request_id: before.id, service_id: before.service_id, rating: 4 });
    const events = await desk.db('request_events').where({ request_id: before.id }).count<{ count: number }[]>('id as count');

    // One request per batch: the keyset carries the sweep from the first to the second.
    expect(await sweep({ closedBefore: '2001-06-01T00:00:00Z', batchSize: 1 })).toEqual({ requests: 2, documents: 1 });

    for (const code of [first, second]) {
      const after = await row(code);
      expect(after).toMatchObject({ answers: {}, applicant_name: '', mobile: '00000000000' });
      expect(after.personal_data_removed_at).not.toBeNull();
      const sms = await desk.db('sms_outbox').where({ request_id: after.id });
      expect(sms.length).toBeGreaterThan(0);
      for (const message of sms) expect(message).toMatchObject({ body: '', mobile: '' });
      const inquiries = await desk.db('inquiries').where({ request_id: after.id });
      expect(inquiries.length).toBe(1);
      expect(inquiries[0]).toMatchObject({ response: null, outcome: 'ok', agency: 'civil-registry' });
    }
    // What reports count is untouched.
    const after = await row(first);
    for (const column of ['service_id', 'service_version', 'citizen_id', 'status', 'department_id', 'created_at', 'closed_at', 'sla_due_at', 'sla_state']) {
      expect(after[column]).toEqual(before[column]);
    }
    // The reason written to the citizen is their personal data too.
    expect(before.decision_reason).toBe('نامه امضا ندارد');
    expect(after.decision_reason).toBeNull();
    expect(await desk.db('request_events').where({ request_id: before.id }).count<{ count: number }[]>('id as count')).toEqual(events);
    expect(await desk.db('surveys').where({ request_id: before.id }).first()).toMatchObject({ rating: 4 });
    // The document is gone, row and bytes.
    expect(await desk.db('documents').where({ id: document.id }).first()).toBeUndefined();
    expect(await store.get(document.storage_key)).toBeNull();

    const untouched = await row(open);
    expect(untouched.answers).toMatchObject({ national_code: nationalCode });
    expect(untouched.mobile).toBe(mobile);
    expect(untouched.personal_data_removed_at).toBeNull();

    // The staff page says what happened instead of showing blanks.
    const page = textOf((await clerk.get(`/staff/requests/${first}`)).html);
    expect(page).toContain('اطلاعات شخصی متقاضی پس از پایان مدت نگهداری حذف شده است');
    expect(page).not.toContain(nationalCode);

    // A second sweep finds nothing left to do.
    expect(await sweep({ closedBefore: '2001-06-01T00:00:00Z' })).toEqual({ requests: 0, documents: 0 });
  });

  test('counted in months, a request closed 30 months ago is swept and one closed today is kept', async () => {
    const [old, recent] = [await rejectedLetter(), await rejectedLetter()];
    const thirtyMonthsAgo = new Date();
    thirtyMonthsAgo.setUTCMonth(thirtyMonthsAgo.getUTCMonth() - 30);
    await desk.db('requests').where({ tracking_code: old }).update({ closed_at: thirtyMonthsAgo });

    const result = await sweep({ months: 24 });
    expect(result.requests).toBeGreaterThanOrEqual(1);
    expect((await row(old)).personal_data_removed_at).not.toBeNull();
    const kept = await row(recent);
    expect(kept.personal_data_removed_at).toBeNull();
    expect(kept.mobile).toBe(mobile);
    expect(kept.answers).toMatchObject({ national_code: nationalCode });
  });

  test('the daily schedule is created once, follows the setting, starts the sweep, and goes away at 0', async () => {
    const options = { taskQueue: desk.config.temporal.taskQueue, scheduleId: `retention-test-${randomBytes(6).toString('hex')}` };
    const handle = desk.temporal.schedule.getHandle(options.scheduleId);
    expect(await ensureRetentionSchedule(desk.temporal, { ...options, months: 24 })).toBe('created');
    expect(await ensureRetentionSchedule(desk.temporal, { ...options, months: 24 })).toBe('unchanged');
    expect(await ensureRetentionSchedule(desk.temporal, { ...options, months: 12 })).toBe('updated');
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionSweep', taskQueue: options.taskQueue, args: [{ months: 12 }] });
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 23, end: 23, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });

    await handle.trigger();
    const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 20_000, 'the schedule to start a sweep');
    const result = await desk.temporal.workflow.getHandle(started).result();
    expect(result).toEqual({ requests: expect.any(Number), documents: expect.any(Number) });

    expect(await ensureRetentionSchedule(desk.temporal, { ...options, months: 0 })).toBe('removed');
    expect(await ensureRetentionSchedule(desk.temporal, { ...options, months: 0 })).toBe('absent');
  });
});

describe('housekeeping in the same sweep', () => {
  test('expired sessions, old login codes and abandoned drafts (with their files) are removed; live ones stay', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const store = createDocumentStore(desk.config);
    const number = uniqueMobile();
    const [person] = await desk.db('citizens').insert({ mobile: number }).returning('id');
    const longAgo = new Date(Date.now() - 40 * DAY);
    const hex = () => randomBytes(32).toString('hex');
    const [expired, live] = [hex(), hex()];
    await desk.db('sessions').insert([
      { id: expired, kind: 'citizen', citizen_id: person.id, expires_at: new Date(Date.now() - 2 * DAY) },
      { id: live, kind: 'citizen', citizen_id: person.id, expires_at: new Date(Date.now() + DAY) },
    ]);
    const [oldCode, freshCode] = await desk.db('otp_codes')
      .insert([
        { mobile: number, code_hash: hex(), ip: '10.9.9.9', expires_at: longAgo, created_at: longAgo },
        { mobile: number, code_hash: hex(), ip: '10.9.9.9', expires_at: new Date(Date.now() + 60_000) },
      ])
      .returning('id');
    await desk.db('drafts').insert([
      { citizen_id: person.id, service_id: 'general-letter', answers: '{}', updated_at: longAgo },
      { citizen_id: person.id, service_id: 'complaint', answers: '{}' },
    ]);
    const pdf = Buffer.from('%PDF-1.4\n% abandoned\n');
    const abandoned = await storeDocument(desk.db, store, { requestId: null, citizenId: person.id, serviceId: 'general-letter', docKey: 'letter', name: 'old.pdf', mime: 'application/pdf', bytes: pdf, uploadedBy: 'citizen' });
    const kept = await storeDocument(desk.db, store, { requestId: null, citizenId: person.id, serviceId: 'complaint', docKey: 'evidence', name: 'new.pdf', mime: 'application/pdf', bytes: pdf, uploadedBy: 'citizen' });

    await sweep({ months: 24 });

    expect(await desk.db('sessions').whereIn('id', [expired, live]).pluck('id')).toEqual([live]);
    expect(await desk.db('otp_codes').whereIn('id', [oldCode.id, freshCode.id]).pluck('id')).toEqual([freshCode.id]);
    expect(await desk.db('drafts').where({ citizen_id: person.id }).pluck('service_id')).toEqual(['complaint']);
    expect(await desk.db('documents').whereIn('id', [abandoned.id, kept.id]).pluck('id')).toEqual([kept.id]);
    expect(await store.get(abandoned.storage_key)).toBeNull();
    expect(await store.get(kept.storage_key)).not.toBeNull();
  });
});

describe('nothing personal survives', () => {
  test('a marker written into every table about one request and its citizen is gone after the sweep; audit entries keep who, what and when', async () => {
    const MARKER = `MARK${randomBytes(5).toString('hex')}`;
    const number = uniqueMobile();
    const person = await loginCitizen(desk, number);
    const answers = { ...letterAnswers('legal'), full_name: `مریم ${MARKER}`, subject: `قرارداد ${MARKER}`, body: `${letterAnswers().body} ${MARKER}` };
    const code = await submitThroughPages(person, 'general-letter', answers);
    await waitForStatus(desk, code, 'pending_review');
    const request = await row(code);
    // Staff write to the citizen and decide with a reason: history, outbox, audit.
    const clerkPage = await clerk.get(`/staff/requests/${code}`);
    const smsToken = /name="smsToken" value="([^"]+)"/.exec(clerkPage.html)![1];
    await clerk.post(`/staff/requests/${code}/sms`, { message: `پیامک ${MARKER}`, smsToken });
    expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve', reason: `دلیل ${MARKER}` })).status).toBe(200);
    await waitForStatus(desk, code, 'in_progress');
    const letter = await desk.db('letters').where({ request_id: request.id }).first();
    expect(letter.sender).toContain(MARKER);

    // What other paths write, seeded where they write it.
    const store = createDocumentStore(desk.config);
    await storeDocument(desk.db, store, { requestId: request.id, citizenId: request.citizen_id, serviceId: 'general-letter', docKey: 'letter', name: `${MARKER}.pdf`, mime: 'application/pdf', bytes: pdfBytes(), uploadedBy: 'citizen' });
    await desk.db('request_events').insert({ request_id: request.id, kind: 'citizen_reply', actor: 'citizen', note: `پاسخ ${MARKER}`, dedupe_key: `reply-${randomBytes(6).toString("hex")}` });
    await desk.db('requests').where({ id: request.id }).update({ decision_reason: `دلیل ${MARKER}` });
    await desk.db('inquiries').where({ request_id: request.id }).update({ response: JSON.stringify({ name: MARKER }), error: MARKER });
    await desk.db('deliverables').insert({ request_id: request.id, kind: 'certificate', verification_token: randomBytes(16).toString('hex'), body: `<p>${MARKER}</p>`, text: MARKER, sha256: 'a'.repeat(64) });
    await desk.db('surveys').insert({ request_id: request.id, service_id: 'general-letter', rating: 5, comment: MARKER });
    const legal = await desk.db('departments').where({ code: 'legal' }).first('id');
    const staff = await desk.db('staff').where({ username: 'dabir' }).first('id');
    await desk.db('letter_referrals').insert({ letter_id: letter.id, from_department_id: legal.id, to_department_id: legal.id, note: MARKER, staff_id: staff.id, outcome: 'referred' });
    // Entries written before the audit kept only references.
    await desk.db('audit_log').insert([
      { staff_id: staff.id, action: 'custom_sms', request_id: request.id, ip: '10.1.1.1', details: JSON.stringify({ message: MARKER }) },
      { staff_id: staff.id, action: 'decision_reject', request_id: request.id, ip: '10.1.1.1', details: JSON.stringify({ reason: MARKER, resultStatus: 'rejected' }) },
    ]);
    const long = new Date('2001-01-01T00:00:00Z');
    await desk.db('drafts').insert({ citizen_id: request.citizen_id, service_id: 'complaint', answers: JSON.stringify({ text: MARKER }), updated_at: long });
    await desk.db('otp_codes').where({ mobile: number }).update({ created_at: long });
    await desk.db('sms_outbox').where({ mobile: number }).whereNull('request_id').update({ created_at: long });
    await desk.db('sessions').where({ citizen_id: request.citizen_id }).update({ expires_at: long });
    await desk.db('requests').where({ id: request.id }).update({ closed_at: '2001-01-01T08:00:00Z', status: 'closed' });
    const auditBefore = await desk.db('audit_log').where({ request_id: request.id }).orderBy('id').select('id', 'staff_id', 'action', 'created_at', 'ip');

    await sweep({ closedBefore: '2001-06-01T00:00:00Z' });

    // Every table, every column, read as text.
    const tables: string[] = (await desk.db.raw("select tablename from pg_tables where schemaname = 'public' order by tablename")).rows.map((r: { tablename: string }) => r.tablename);
    expect(tables).toEqual(expect.arrayContaining(['requests', 'request_events', 'letters', 'deliverables', 'audit_log', 'citizens', 'sms_outbox', 'inquiries', 'surveys', 'letter_referrals', 'documents', 'drafts', 'otp_codes']));
    const found: Record<string, number> = {};
    for (const table of tables) {
      for (const needle of [MARKER, number]) {
        const [{ n }] = (await desk.db.raw(`select count(*)::int as n from "${table}" t where t::text like ?`, [`%${needle}%`])).rows;
        if (n) found[`${table} (${needle === MARKER ? 'marker' : 'mobile'})`] = n;
      }
    }
    expect(found).toEqual({});

    // The audit history still says who did what, when and from where, and that the sweep ran.
    const auditAfter = await desk.db('audit_log').where({ request_id: request.id }).orderBy('id').select('id', 'staff_id', 'action', 'created_at', 'ip', 'details');
    expect(auditAfter.map(({ details: _d, ...rest }) => rest)).toEqual(auditBefore);
    const decided = auditAfter.find((a) => a.action === 'decision_reject')!;
    expect(decided.details).toEqual({ resultStatus: 'rejected', redacted: true });
    expect(await desk.db('audit_log').where({ action: 'personal_data_removed' }).count<{ count: number }[]>('id as count')).not.toEqual([{ count: 0 }]);
    // And the audit history is still append-only outside the sweep.
    await expect(desk.db('audit_log').where({ id: decided.id }).update({ details: JSON.stringify({}) })).rejects.toThrow(/append-only/);
    await expect(desk.db('audit_log').where({ id: decided.id }).delete()).rejects.toThrow(/append-only/);
  });
});
