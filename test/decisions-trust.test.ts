// What people do off the happy path, posted exactly as the browser posts it: a refused decision corrected,
// one person at two review levels, a reply during the SMS, an early answer from the correspondence system,
// a survey without delivery, a double click on «ارسال», a start whose answer was lost.
import { createHash } from 'node:crypto';
import { createSubmitter, resumeAbandonedSubmissions } from '../api/submission';
import { currentServiceVersion } from '../lib/catalog-sync';
import { textOf, type Browser } from '../scripts/stack/http-browser';
import type { ReviewStep } from '../workflows/types';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { createApiKey } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';
import { decideAs, fault, footprint, publish, refusalCode, requestRow, step, submit, testService, waitForRow } from './helpers/workflow-services';

let desk: Desk;
let dabir: Browser;

beforeAll(async () => {
  desk = await startDesk();
  dabir = await loginStaff(desk, 'dabir');
  await publish(desk, testService('wf-trust-review', [step.secretariatReview()], { sms: { rejected: 'درخواست {{trackingCode}} رد شد: {{reason}}', approved: 'درخواست {{trackingCode}} تأیید شد.', needs_info: 'برای درخواست {{trackingCode}} اطلاعات بیشتری لازم است: {{reason}}' } }));
  await publish(desk, testService('wf-trust-duties', [step.secretariatReview(), step.letterTo('inspection'), step.departmentReview(['approve', 'reject']), step.supervisorReview()]));
  await publish(desk, testService('wf-trust-duties-relaxed', [step.secretariatReview(), step.letterTo('inspection'), step.departmentReview(['approve', 'reject']), { ...(step.supervisorReview() as ReviewStep), sameDeciderAllowed: true }]));
  // An inquiry between the letter and the department step: held, it keeps the workflow short of that step.
  await publish(desk, testService('wf-trust-early', [step.secretariatReview(), step.letterTo('legal'), step.identity('review'), step.departmentReview(['approve', 'reject'])]));
  await publish(desk, testService('wf-trust-early-ends', [step.secretariatReview(), step.letterTo('legal'), step.identity('reject'), step.departmentReview(['approve', 'reject'])]));
  await publish(desk, testService('wf-trust-survey', [step.secretariatReview(), step.notify(), step.survey()], { sms: { survey: 'نظر خود را درباره {{trackingCode}} بگویید: {{link}}' } }));
});
afterAll(async () => {
  await fault(desk, 'sms', 'ok').catch(() => undefined);
  await fault(desk, 'civil-registry', 'ok').catch(() => undefined);
  await desk?.stop();
});

/** A citizen's request made through the pages, waiting for the secretariat. */
async function pendingThroughPages(serviceId: string) {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, serviceId, letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  const request = await requestRow(desk, code);
  return { mobile, citizen, code, requestId: Number(request.id) };
}

const checkedKinds = (html: string) => [...html.matchAll(/<input type="radio" id="kind-(\w+)" name="kind" value="\w+" checked>/g)].map((m) => m[1]);

test('a refused reject never becomes an approval: the form comes back as chosen, and the corrected reject ends rejected', async () => {
  const { mobile, code, requestId } = await pendingThroughPages('wf-trust-review');
  const page = await dabir.get(`/staff/requests/${code}`);
  expect(page.html).toContain('id="kind-approve"');
  expect(checkedKinds(page.html)).toEqual([]);

  const before = await footprint(desk, requestId);
  const refused = await dabir.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: '' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('برای رد یا درخواست اطلاعات تکمیلی، دلیل را بنویسید');
  expect(checkedKinds(refused.html)).toEqual(['reject']);
  expect(refused.html).toContain('aria-invalid="true"');
  const { updatedAt: _a, ...unchanged } = before;
  const { updatedAt: _b, ...after } = await footprint(desk, requestId);
  expect(after).toEqual(unchanged);

  // The clerk types the reason into the form that came back and presses «ثبت تصمیم» again: exactly what it posts.
  const corrected = await dabir.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: 'مدارک ناقص است' });
  expect(corrected.status).toBe(200);
  expect((await requestRow(desk, code)).status).toBe('rejected');
  const actions = await desk.db('audit_log').where({ request_id: requestId }).pluck('action');
  expect(actions).toContain('decision_reject');
  expect(actions).not.toContain('decision_approve');
  const texts = await eventually(async () => {
    const got = (await smsTo(desk, mobile)).map((m) => m.body);
    return got.some((b) => b.includes('رد شد')) ? got : null;
  }, 20_000, 'the rejection SMS');
  expect(texts.join('\n')).not.toContain('تأیید شد');
});

test('a form that names no decision is refused with a message, keeps the reason, and changes nothing', async () => {
  const { code, requestId } = await pendingThroughPages('wf-trust-review');
  const before = await footprint(desk, requestId);
  const page = await dabir.post(`/staff/requests/${code}/decision`, { reason: 'نوشتم ولی انتخاب نکردم' });
  expect(page.status).toBe(422);
  expect(textOf(page.html)).toContain('یکی از تصمیم‌ها را انتخاب کنید');
  expect(page.html).toContain('نوشتم ولی انتخاب نکردم</textarea>');
  expect(checkedKinds(page.html)).toEqual([]);
  expect((await footprint(desk, requestId)).events).toBe(before.events);
  expect((await requestRow(desk, code)).status).toBe('pending_review');
});

/** A request of the duties service routed to the complaints department, waiting for its department step. */
async function atDepartmentStep(serviceId: string) {
  const request = await submit(desk, serviceId);
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await waitForRow(desk, request.code, (r) => r.awaiting === 'review' && r.review_role === 'department', 'the department step');
  return request;
}

test('one person never decides two review levels of a request, admins included, unless the step allows it', async () => {
  const first = await atDepartmentStep('wf-trust-duties');
  await decideAs(desk, first.code, 'supervisor', 'approve');
  await waitForRow(desk, first.code, (r) => r.awaiting === 'review' && r.review_role === 'supervisor', 'the supervisor step');
  const refusal = await decideAs(desk, first.code, 'supervisor', 'approve').then(() => 'accepted', refusalCode);
  expect(refusal).toBe('same-decider');
  expect((await requestRow(desk, first.code)).status).toBe('in_progress');
  expect((await decideAs(desk, first.code, 'admin', 'approve')).status).toBe('approved');

  const second = await atDepartmentStep('wf-trust-duties');
  await decideAs(desk, second.code, 'admin', 'approve');
  await waitForRow(desk, second.code, (r) => r.review_role === 'supervisor', 'the supervisor step');
  expect(await decideAs(desk, second.code, 'admin', 'reject', { reason: 'نه' }).then(() => 'accepted', refusalCode)).toBe('same-decider');

  // On the page the supervisor reads the refusal in Persian.
  const supervisor = await loginStaff(desk, 'supervisor');
  const third = await atDepartmentStep('wf-trust-duties');
  expect((await supervisor.post(`/staff/requests/${third.code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForRow(desk, third.code, (r) => r.review_role === 'supervisor', 'the supervisor step');
  const page = await supervisor.post(`/staff/requests/${third.code}/decision`, { kind: 'approve', reason: 'تأیید' });
  expect(page.status).toBe(409);
  expect(textOf(page.html)).toContain('تصمیم این مرحله با همکار دیگری است');
  expect(checkedKinds(page.html)).toEqual(['approve']);

  const relaxed = await atDepartmentStep('wf-trust-duties-relaxed');
  await decideAs(desk, relaxed.code, 'supervisor', 'approve');
  await waitForRow(desk, relaxed.code, (r) => r.review_role === 'supervisor', 'the supervisor step');
  expect((await decideAs(desk, relaxed.code, 'supervisor', 'approve')).status).toBe('approved');
});

test('a decision answers as soon as it is recorded, and a reply sent while its SMS is under way is not lost', async () => {
  const { citizen, code } = await pendingThroughPages('wf-trust-review');
  await fault(desk, 'sms', 'hold');
  try {
    const started = Date.now();
    const decided = await dabir.post(`/staff/requests/${code}/decision`, { kind: 'needs_info', reason: 'تصویر شناسنامه را بفرستید' });
    expect(decided.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await requestRow(desk, code)).status).toBe('needs_info');
    // The SMS telling the citizen is still held by the operator when the reply arrives.
    const replying = citizen.upload(`/requests/${code}/resubmit`, { note: 'فرستادم' }, {});
    await new Promise((r) => setTimeout(r, 1_000));
    await fault(desk, 'sms', 'ok');
    const replied = await replying;
    expect(replied.status).toBe(200);
  } finally {
    await fault(desk, 'sms', 'ok');
  }
  const row = await waitForRow(desk, code, (r) => r.status === 'pending_review' && r.awaiting === 'review', 'back in review after the reply');
  expect(row.status).toBe('pending_review');
});

test('an answer from the correspondence system sent the moment its letter is numbered is applied once, whether or not the department step has begun', async () => {
  const admin = await loginStaff(desk, 'admin');
  const key = await createApiKey(admin, `early-${process.pid}-${Date.now() % 100000}`, ['letters:write']);
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  // The correspondence system answers as soon as it has the number. Since SMS go out beside the steps the
  // department step begins a few milliseconds after the letter, so the answer lands on either side of it:
  // kept and applied when the step begins, or applied to the step at once. Never lost, never applied twice.
  const letter: { number: string } = await eventually(async () => desk.db('letters').join('requests', 'requests.id', 'letters.request_id').where('requests.tracking_code', code).where('letters.direction', 'incoming').first('letters.number'));
  const answer = await fetch(`${desk.url}/api/integrations/letters/${encodeURIComponent(letter.number)}/replies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'answered', text: 'پاسخ نامه پیوست است.', id: `early-${code}` }),
  });
  expect(answer.status).toBe(201);
  expect(await answer.json()).toMatchObject({ decision: 'approve' });
  await waitForStatus(desk, code, 'delivered');
  const events = await desk.db('request_events').join('requests', 'requests.id', 'request_events.request_id').where('requests.tracking_code', code).pluck('request_events.status');
  expect(events.filter((s: string) => s === 'approved')).toHaveLength(1);
});

/** The answer the correspondence system sends for the request's incoming letter, as it sends it. */
async function answerLetter(code: string, key: string, id: string, body: Record<string, unknown> = { status: 'answered', text: 'پاسخ نامه پیوست است.' }) {
  const letter: { number: string } = await eventually(async () => desk.db('letters').join('requests', 'requests.id', 'letters.request_id').where('requests.tracking_code', code).where('letters.direction', 'incoming').first('letters.number'));
  const answer = await fetch(`${desk.url}/api/integrations/letters/${encodeURIComponent(letter.number)}/replies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, id }),
  });
  return { status: answer.status, body: await answer.json() };
}

const eventsOf = async (code: string) =>
  desk.db('request_events').join('requests', 'requests.id', 'request_events.request_id').where('requests.tracking_code', code).orderBy('request_events.id').select('request_events.*');

test('an answer from the correspondence system that overtakes the workflow is answered at once, kept until the department step begins, then applied there once', async () => {
  const admin = await loginStaff(desk, 'admin');
  const key = await createApiKey(admin, `overtake-${process.pid}-${Date.now() % 100000}`, ['letters:write']);
  const { code } = await pendingThroughPages('wf-trust-early');
  // The inquiry between the letter and the department step does not answer yet.
  await fault(desk, 'civil-registry', 'hold');
  try {
    expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
    const started = Date.now();
    const answer = await answerLetter(code, key, `overtake-${code}`);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ decision: 'approve', kept: true, duplicate: false });
    // Answered while the inquiry is still held, not when the department step begins.
    expect(Date.now() - started).toBeLessThan(10_000);
    const row = await requestRow(desk, code);
    expect(row.awaiting).not.toBe('review');
    expect(row.status).toBe('in_progress');
    expect((await eventsOf(code)).filter((e) => e.status === 'approved')).toHaveLength(0);
  } finally {
    await fault(desk, 'civil-registry', 'ok');
  }
  // Its last step approved, the request closes.
  const done = await waitForRow(desk, code, (r) => r.closed_at !== null, 'closed after the kept answer');
  expect(done.status).toBe('closed');
  const events = await eventsOf(code);
  expect(events.filter((e) => e.status === 'approved')).toHaveLength(1);
  expect(events.find((e) => e.status === 'approved')?.actor).toMatch(/^api:overtake-/);
});

test('a kept answer whose request ends before its department step is not used, and the history says so', async () => {
  const admin = await loginStaff(desk, 'admin');
  const key = await createApiKey(admin, `unused-${process.pid}-${Date.now() % 100000}`, ['letters:write']);
  const { code } = await pendingThroughPages('wf-trust-early-ends');
  await fault(desk, 'civil-registry', 'hold');
  try {
    expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
    expect((await answerLetter(code, key, `unused-${code}`)).body).toMatchObject({ decision: 'approve', kept: true });
    // The civil registry then refuses the inquiry, and this service rejects the request on that.
    await fault(desk, 'civil-registry', 'reject');
    await waitForRow(desk, code, (r) => r.status === 'rejected', 'rejected by the inquiry');
  } finally {
    await fault(desk, 'civil-registry', 'ok');
  }
  const events = await eventsOf(code);
  expect(events.filter((e) => e.status === 'approved')).toHaveLength(0);
  expect(events.filter((e) => e.kind === 'early_answer_unused')).toHaveLength(1);
  const page = textOf((await admin.get(`/staff/requests/${code}`)).html);
  expect(page).toContain('پاسخ زودهنگام سامانه مکاتبات به کار نرفت');
});

test('an answer whose first call died after it was recorded is applied when the correspondence system sends it again', async () => {
  const admin = await loginStaff(desk, 'admin');
  const name = `again-${process.pid}-${Date.now() % 100000}`;
  const key = await createApiKey(admin, name, ['letters:write']);
  const { code, requestId } = await pendingThroughPages('wf-trust-duties');
  expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForRow(desk, code, (r) => r.awaiting === 'review' && r.review_role === 'department', 'at the department step');
  // The web process recorded the reply in the history and died before handing it to the request.
  const client = await desk.db('api_clients').where({ name }).first('id');
  const replyId = `again-${code}`;
  await desk.db('request_events').insert({
    request_id: requestId,
    kind: 'external_reply',
    actor: `api:${name}`,
    note: 'پاسخ نامه پیوست است.',
    data: JSON.stringify({ status: 'answered', replyId }),
    dedupe_key: `integration:${client.id}:${createHash('sha256').update(replyId).digest('hex').slice(0, 40)}`,
  });
  const again = await answerLetter(code, key, replyId);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ duplicate: true, decision: 'approve', kept: false });
  await waitForRow(desk, code, (r) => r.awaiting === 'review' && r.review_role === 'supervisor', 'at the supervisor after the repeated answer');
  // Sent a third time, it is not applied again.
  expect((await answerLetter(code, key, replyId)).body).toMatchObject({ duplicate: true, decision: 'approve' });
  const events = await eventsOf(code);
  expect(events.filter((e) => e.kind === 'external_reply')).toHaveLength(1);
  expect(events.filter((e) => e.kind === 'approved_step' && e.actor === `api:${name}`)).toHaveLength(1);
});

test('a service without a deliver step opens its survey; the owner answers once and the request closes', async () => {
  const { citizen, code, mobile } = await pendingThroughPages('wf-trust-survey');
  expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForRow(desk, code, (r) => r.awaiting === 'survey', 'the survey to open');
  await eventually(async () => (await smsTo(desk, mobile)).find((m) => m.body.includes('/survey/')), 20_000, 'the survey SMS');
  const requestPage = await citizen.get(`/requests/${code}`);
  expect(requestPage.html).toContain(`href="/survey/${code}"`);
  const form = await citizen.get(`/survey/${code}`);
  expect(form.html).toContain('name="rating"');
  const answered = await citizen.post(`/survey/${code}`, { rating: '5', q_clarity: 'yes', comment: '' });
  expect(answered.status).toBe(200);
  expect((await requestRow(desk, code)).status).toBe('closed');
  expect((await citizen.post(`/survey/${code}`, { rating: '1', q_clarity: 'no', comment: '' })).status).toBe(409);
});

test('the survey page of a request rejected before its survey says no survey opens for it', async () => {
  const { citizen, code } = await pendingThroughPages('wf-trust-survey');
  expect((await dabir.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: 'خارج از صلاحیت' })).status).toBe(200);
  const page = await citizen.get(`/survey/${code}`);
  expect(textOf(page.html)).toContain('پیش از رسیدن به مرحلهٔ نظرسنجی پایان یافت');
  expect(textOf(page.html)).not.toContain('پس از تحویل');
  const posted = await citizen.post(`/survey/${code}`, { rating: '5', q_clarity: 'yes', comment: '' });
  expect(posted.status).toBe(409);
  expect(await desk.db('surveys').join('requests', 'requests.id', 'surveys.request_id').where('requests.tracking_code', code)).toEqual([]);
});

test('a double click on «ارسال» makes one request, and both clicks land on its confirmation', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const form = await citizen.post('/services/wf-trust-review/apply', letterAnswers('legal'));
  expect(form.url).toMatch(/\/check$/);
  const [one, two] = await Promise.all([citizen.post('/services/wf-trust-review/submit', {}), citizen.post('/services/wf-trust-review/submit', {})]);
  expect(one.status).toBe(200);
  expect(two.status).toBe(200);
  expect(one.url).toMatch(/\/requests\/\d{12}\/submitted$/);
  expect(two.url).toBe(one.url);
  // A third click after both came back (the browser's back button, a slow network) lands there too.
  expect((await citizen.post('/services/wf-trust-review/submit', {})).url).toBe(one.url);
  const citizenId = (await desk.db('citizens').where({ mobile }).first('id')).id;
  expect(Number((await desk.db('requests').where({ citizen_id: citizenId }).count({ n: '*' }).first())!.n)).toBe(1);
});

test('a start whose answer was lost after Temporal started the workflow keeps the request, and it runs', async () => {
  const mobile = uniqueMobile();
  const [citizen] = await desk.db('citizens').insert({ mobile }).returning('id');
  const service = (await currentServiceVersion(desk.db, 'wf-trust-review'))!;
  // The start reaches Temporal, then the answer is lost on the way back.
  const lossy = new Proxy(desk.temporal, {
    get(target, prop) {
      if (prop !== 'workflow') return Reflect.get(target, prop);
      const workflow = target.workflow;
      return new Proxy(workflow, {
        get(w, p) {
          if (p !== 'start') return Reflect.get(w, p);
          return async (...args: Parameters<typeof workflow.start>) => {
            await workflow.start(...args);
            throw new Error('14 UNAVAILABLE: the connection dropped before the answer');
          };
        },
      });
    },
  });
  const { trackingCode } = await createSubmitter(desk.db, lossy, desk.config)({ citizenId: citizen.id, mobile, service, answers: letterAnswers('legal') });
  await waitForRow(desk, trackingCode, (r) => r.status === 'pending_review', 'the request to reach review');
});

test('a submission whose web process died between saving the request and starting its workflow runs once the citizen sends it again', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  expect((await citizen.post('/services/wf-trust-review/apply', letterAnswers('legal'))).url).toMatch(/\/check$/);
  const { id: citizenId } = await desk.db('citizens').where({ mobile }).first('id');
  const draft = await desk.db('drafts').where({ citizen_id: citizenId, service_id: 'wf-trust-review' }).first('id', 'answers');
  const service = (await currentServiceVersion(desk.db, 'wf-trust-review'))!;
  // The process saves the row and consumes the draft, then dies before its start reaches Temporal.
  const dying = new Proxy(desk.temporal, {
    get(target, prop) {
      if (prop !== 'workflow') return Reflect.get(target, prop);
      return new Proxy(target.workflow, { get: (w, p) => (p === 'start' ? () => new Promise(() => {}) : Reflect.get(w, p)) });
    },
  });
  void createSubmitter(desk.db, dying, desk.config)({ citizenId, mobile, service, answers: draft.answers, draftId: draft.id });
  const saved: { tracking_code: string; status: string } = await eventually(async () => desk.db('requests').where({ citizen_id: citizenId }).first('tracking_code', 'status'), 20_000, 'the saved request');
  expect(saved.status).toBe('submitted');
  // The citizen, who saw an error page, clicks «ارسال» again: the confirmation, and the request runs.
  const again = await citizen.post('/services/wf-trust-review/submit', {});
  expect(again.status).toBe(200);
  expect(again.url).toBe(`/requests/${saved.tracking_code}/submitted`);
  await waitForStatus(desk, saved.tracking_code, 'pending_review');
  expect(Number((await desk.db('requests').where({ citizen_id: citizenId }).count({ n: '*' }).first())!.n)).toBe(1);
});

test('a request saved by a process that died, whose citizen never sent it again, is started by the next web replica to start', async () => {
  const mobile = uniqueMobile();
  const [citizen] = await desk.db('citizens').insert({ mobile }).returning('id');
  const service = (await currentServiceVersion(desk.db, 'wf-trust-review'))!;
  const dying = new Proxy(desk.temporal, {
    get(target, prop) {
      if (prop !== 'workflow') return Reflect.get(target, prop);
      return new Proxy(target.workflow, { get: (w, p) => (p === 'start' ? () => new Promise(() => {}) : Reflect.get(w, p)) });
    },
  });
  void createSubmitter(desk.db, dying, desk.config)({ citizenId: citizen.id, mobile, service, answers: letterAnswers('legal') });
  const saved: { tracking_code: string } = await eventually(async () => desk.db('requests').where({ citizen_id: citizen.id }).first('tracking_code'), 20_000, 'the saved request');
  // Moments later it may still be starting elsewhere: left alone.
  expect(await resumeAbandonedSubmissions(desk.db, desk.temporal, desk.config)).not.toContain(saved.tracking_code);
  // A minute on, nobody has started it: the next replica's start does, once.
  await desk.db('requests').where({ tracking_code: saved.tracking_code }).update({ created_at: new Date(Date.now() - 61_000) });
  expect(await resumeAbandonedSubmissions(desk.db, desk.temporal, desk.config)).toContain(saved.tracking_code);
  expect(await resumeAbandonedSubmissions(desk.db, desk.temporal, desk.config)).not.toContain(saved.tracking_code);
  await waitForStatus(desk, saved.tracking_code, 'pending_review');
});
