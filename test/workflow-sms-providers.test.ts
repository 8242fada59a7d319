// The real SMS adapters against local servers that speak Kavenegar's API and a generic JSON gateway.
import http from 'node:http';
import express from 'express';
import { PermanentError, TemporaryError } from '../adapters/http';
import { genericHttpSms, kavenegarLocalId, kavenegarSms, smsProviderFromConfig } from '../adapters/sms';
import { loadConfig } from '../lib/config';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An operator on a free port: records every request and answers with whatever `answer` says next. */
async function operator(route: string, answer: (req: express.Request, res: express.Response) => void) {
  const received: Received[] = [];
  const app = express();
  app.post(route, express.urlencoded({ extended: false }), express.json(), (req, res) => {
    received.push({ path: req.path, headers: req.headers, body: req.body });
    answer(req, res);
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const message = { to: '09121234567', body: 'کد رهگیری شما ۱۲۳۴۵۶', dedupeKey: '123456789012:3:sms-submitted' };

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: Error) => error,
  );
}

describe('Kavenegar', () => {
  let reply: { status: number; json?: unknown; text?: string };
  let kavenegar: Awaited<ReturnType<typeof operator>>;
  beforeAll(async () => {
    kavenegar = await operator('/v1/:key/sms/send.json', (_req, res) => {
      if (reply.json !== undefined) res.status(reply.status).json(reply.json);
      else res.status(reply.status).type('text').send(reply.text ?? '');
    });
  });
  afterAll(() => kavenegar.close());
  beforeEach(() => {
    kavenegar.received.length = 0;
  });

  const accepted = (messageid: number) => ({
    status: 200,
    json: { return: { status: 200, message: 'تایید شد' }, entries: [{ messageid, message: message.body, status: 1, statustext: 'در صف ارسال', sender: '10004346', receptor: message.to, date: 1735000000, cost: 120 }] },
  });

  test('sends the form Kavenegar expects, with a numeric localid made from the dedupe key, and returns its message id', async () => {
    reply = accepted(8792343);
    const provider = kavenegarSms(kavenegar.url, 'API-KEY/with space', '10004346');
    expect(await provider.send(message)).toEqual({ providerMessageId: '8792343' });
    expect(kavenegar.received).toHaveLength(1);
    const [request] = kavenegar.received;
    expect(request.path).toBe(`/v1/${encodeURIComponent('API-KEY/with space')}/sms/send.json`);
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.body).toEqual({ receptor: message.to, message: message.body, sender: '10004346', localid: kavenegarLocalId(message.dedupeKey) });
    // Kavenegar takes a number there; the same key always gives the same one, another key another.
    expect(request.body.localid).toMatch(/^\d{1,16}$/);
    expect(Number.isSafeInteger(Number(request.body.localid))).toBe(true);
    expect(kavenegarLocalId(`${message.dedupeKey}x`)).not.toBe(request.body.localid);
  });

  test('without a configured sender the account default is used (no sender field)', async () => {
    reply = accepted(1);
    await kavenegarSms(kavenegar.url, 'k').send(message);
    expect(kavenegar.received[0].body).not.toHaveProperty('sender');
  });

  test('an invalid receptor (411) and too little credit (418) are permanent', async () => {
    reply = { status: 411, json: { return: { status: 411, message: 'دریافت کننده نامعتبر است' }, entries: null } };
    const invalid = await failureOf(kavenegarSms(kavenegar.url, 'k').send(message));
    expect(invalid).toBeInstanceOf(PermanentError);
    expect((invalid as PermanentError).status).toBe(411);
    reply = { status: 418, json: { return: { status: 418, message: 'اعتبار حساب شما کافی نیست' }, entries: null } };
    expect(await failureOf(kavenegarSms(kavenegar.url, 'k').send(message))).toBeInstanceOf(PermanentError);
  });

  test('a server error, "busy, try later" (409) and a rate limit (451) are temporary', async () => {
    for (const status of [500, 502, 503]) {
      reply = { status, text: 'Bad Gateway' };
      expect(await failureOf(kavenegarSms(kavenegar.url, 'k').send(message))).toBeInstanceOf(TemporaryError);
    }
    for (const status of [409, 451]) {
      reply = { status, json: { return: { status, message: 'بعدا تلاش کنید' }, entries: null } };
      expect(await failureOf(kavenegarSms(kavenegar.url, 'k').send(message))).toBeInstanceOf(TemporaryError);
    }
  });

  test('an answer without entries is permanent, an operator that does not answer is temporary', async () => {
    reply = { status: 200, json: { return: { status: 200, message: 'تایید شد' }, entries: [] } };
    expect(await failureOf(kavenegarSms(kavenegar.url, 'k').send(message))).toBeInstanceOf(PermanentError);
    expect(await failureOf(kavenegarSms('http://127.0.0.1:9', 'k').send(message))).toBeInstanceOf(TemporaryError);
  });

  test('SMS_PROVIDER=kavenegar in the settings sends through Kavenegar', async () => {
    reply = accepted(42);
    const config = loadConfig({ ...process.env, SMS_PROVIDER: 'kavenegar', KAVENEGAR_API_KEY: 'the-key', KAVENEGAR_URL: kavenegar.url, KAVENEGAR_SENDER: '2000500' });
    const provider = smsProviderFromConfig(config.sms);
    expect(provider.name).toBe('kavenegar');
    expect(await provider.send(message)).toEqual({ providerMessageId: '42' });
    expect(kavenegar.received[0]).toMatchObject({ path: '/v1/the-key/sms/send.json', body: { sender: '2000500', localid: kavenegarLocalId(message.dedupeKey) } });
  });
});

describe('generic HTTP gateway', () => {
  let reply: { status: number; json: unknown };
  let gateway: Awaited<ReturnType<typeof operator>>;
  beforeAll(async () => {
    gateway = await operator('/send', (_req, res) => res.status(reply.status).json(reply.json));
  });
  afterAll(() => gateway.close());
  beforeEach(() => {
    gateway.received.length = 0;
  });

  test('posts JSON with the bearer token and the dedupe key as idempotency key and reference', async () => {
    reply = { status: 201, json: { id: 'msg-77' } };
    const provider = genericHttpSms(`${gateway.url}/send`, 'secret-token-1234567890');
    expect(await provider.send(message)).toEqual({ providerMessageId: 'msg-77' });
    const [request] = gateway.received;
    expect(request.headers.authorization).toBe('Bearer secret-token-1234567890');
    expect(request.headers['idempotency-key']).toBe(message.dedupeKey);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.body).toEqual({ to: message.to, text: message.body, reference: message.dedupeKey });
  });

  test('without a token no authorization header is sent', async () => {
    reply = { status: 200, json: { id: 1 } };
    await genericHttpSms(`${gateway.url}/send`).send(message);
    expect(gateway.received[0].headers.authorization).toBeUndefined();
  });

  test('4xx and an answer without id are permanent; 5xx, 429 and no answer are temporary', async () => {
    const provider = genericHttpSms(`${gateway.url}/send`, 't');
    reply = { status: 400, json: { error: 'invalid number' } };
    const refused = await failureOf(provider.send(message));
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused.message).toMatch(/invalid number/);
    reply = { status: 200, json: { queued: true } };
    expect(await failureOf(provider.send(message))).toBeInstanceOf(PermanentError);
    for (const status of [500, 503, 429]) {
      reply = { status, json: { error: 'later' } };
      expect(await failureOf(provider.send(message))).toBeInstanceOf(TemporaryError);
    }
    expect(await failureOf(genericHttpSms('http://127.0.0.1:9/send').send(message))).toBeInstanceOf(TemporaryError);
  });

  test('SMS_PROVIDER=http in the settings sends through the gateway', async () => {
    reply = { status: 200, json: { id: 'cfg-1' } };
    const config = loadConfig({ ...process.env, SMS_PROVIDER: 'http', SMS_HTTP_URL: `${gateway.url}/send`, SMS_HTTP_TOKEN: 'configured-token-123456' });
    const provider = smsProviderFromConfig(config.sms);
    expect(provider.name).toBe('http');
    expect(await provider.send(message)).toEqual({ providerMessageId: 'cfg-1' });
    expect(gateway.received[0].headers.authorization).toBe('Bearer configured-token-123456');
  });
});
