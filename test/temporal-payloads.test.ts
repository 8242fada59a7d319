// Personal data never sits in Temporal in the clear: every payload is sealed (AES-256-GCM, key id in the
// metadata), login codes travel only as a reference, and an admin reads histories through the codec endpoint.
import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadKeyError } from '../lib/payload-codec';
import { toLatinDigits } from '../lib/persian';
import { workflowIdFor } from '../lib/temporal';
import { Browser } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

/** Every payload anywhere in a workflow's history, as stored by the server. */
async function storedPayloads(workflowId: string): Promise<{ bytes: Buffer; payloads: Payload[] }> {
  const history = await desk.temporal.workflow.getHandle(workflowId).fetchHistory();
  const payloads: Payload[] = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
    const v = value as Record<string, unknown>;
    if (v.metadata && typeof v.metadata === 'object' && 'data' in v) payloads.push(v as Payload);
    for (const child of Object.values(v)) walk(child);
  };
  walk(history);
  return { bytes: Buffer.from(temporal.api.history.v1.History.encode(history).finish()), payloads };
}

const answers = { ...letterAnswers('legal'), full_name: `نسرین ${randomBytes(3).toString('hex')}` };

describe('a request workflow', () => {
  let code: string;
  let mobile: string;
  beforeAll(async () => {
    mobile = uniqueMobile();
    const citizen = await loginCitizen(desk, mobile);
    code = await submitThroughPages(citizen, 'general-letter', answers);
    await waitForStatus(desk, code, 'pending_review');
  });

  test('its history holds no name, national code or mobile in the clear, only payloads sealed with a named key', async () => {
    const { bytes, payloads } = await storedPayloads(workflowIdFor(code));
    for (const personal of [answers.full_name, answers.national_code, mobile]) expect({ personal, inHistory: bytes.includes(Buffer.from(personal)) }).toEqual({ personal, inHistory: false });
    const history = await desk.temporal.workflow.getHandle(workflowIdFor(code)).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(text(input.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(input.metadata![KEY_ID_METADATA])).toBe(desk.config.temporal.payloadKeys.current);
    // Search attributes (tracking code, service, status) are not payloads of the workflow and carry nothing personal.
    const sealed = payloads.filter((p) => text(p.metadata?.encoding) === ENCRYPTED_ENCODING);
    expect(sealed.length).toBeGreaterThan(2);
  });

  test('with the key, the same history reads back in full; a rotated key ring still reads it and seals with the new key', async () => {
    const history = await desk.temporal.workflow.getHandle(workflowIdFor(code)).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0] as Payload;
    const [opened] = await createPayloadCodec(desk.config.temporal.payloadKeys).decode([input]);
    expect(text(opened.data)).toContain(answers.national_code);

    const old = desk.config.temporal.payloadKeys;
    const rotated = { current: 'k2', keys: { k2: randomBytes(32), ...old.keys } };
    const [readAfterRotation] = await createPayloadCodec(rotated).decode([input]);
    expect(text(readAfterRotation.data)).toContain(answers.national_code);
    const [sealedAnew] = await createPayloadCodec(rotated).encode([opened]);
    expect(text(sealedAnew.metadata![KEY_ID_METADATA])).toBe('k2');
    // A ring that dropped the old key cannot read what it sealed: it says so instead of guessing.
    await expect(createPayloadCodec({ current: 'k2', keys: { k2: rotated.keys.k2 } }).decode([input])).rejects.toBeInstanceOf(PayloadKeyError);
    // A payload changed by one bit is refused by the authentication tag.
    const tampered = { ...input, data: Buffer.from(input.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(createPayloadCodec(old).decode([tampered])).rejects.toThrow();
  });

  test('the codec endpoint decrypts for a signed-in admin only, and answers CORS only to the Temporal Web UI', async () => {
    const history = await desk.temporal.workflow.getHandle(workflowIdFor(code)).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    const body = JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data!).toString('base64') }] });
    const uiOrigin = desk.config.temporal.uiOrigin!;
    const post = (who?: Browser) => fetch(`${desk.url}/api/temporal-codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: uiOrigin, 'x-namespace': desk.config.temporal.namespace, ...(who ? { cookie: `pk_session=${who.cookie('pk_session')}` } : {}) },
      body,
    });

    const admin = await loginStaff(desk, 'admin');
    const answer = await post(admin);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    const decoded = (await answer.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(decoded.payloads[0].data, 'base64').toString('utf8')).toContain(answers.national_code);

    expect((await post()).status).toBe(401);
    expect((await post(await loginStaff(desk, 'dabir'))).status).toBe(403);
    expect((await post(await loginCitizen(desk, uniqueMobile()))).status).toBe(401);

    const preflight = (origin: string) => fetch(`${desk.url}/api/temporal-codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const fromUi = await preflight(uiOrigin);
    expect(fromUi.status).toBe(204);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(fromUi.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

test('a login code never enters Temporal: the SMS workflow carries a reference and the sealed text is dropped once sent', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(desk.url);
  expect((await browser.post('/login', { mobile })).status).toBe(200);
  const message = await eventually(async () => (await smsTo(desk, mobile))[0], 20_000, 'the login code SMS');
  const code = /(\d{6})/.exec(toLatinDigits(message.body))![1];
  const row = await desk.db('otp_codes').where({ mobile }).first();
  const workflowId = `sms-otp:${row.id}`;
  await desk.temporal.workflow.getHandle(workflowId).result();

  const { bytes, payloads } = await storedPayloads(workflowId);
  expect(bytes.includes(Buffer.from(code))).toBe(false);
  const opened = await createPayloadCodec(desk.config.temporal.payloadKeys).decode(payloads);
  const readable = opened.map((p) => text(p.data)).join('\n');
  expect(readable).toContain(`"loginCodeId":${row.id}`);
  expect(readable).not.toContain(code);
  expect((await desk.db('otp_codes').where({ id: row.id }).first('code_sealed')).code_sealed).toBeNull();
  // And the code still works: it is checked against its hash.
  expect((await browser.post('/login/code', { mobile, code })).status).toBe(200);
});
