// DOCUMENT_STORE=s3 against a real S3-compatible server (moto's), started for this file alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { newStorageKey } from '../adapters/documents';
import { s3DocumentStore, type S3Settings } from '../adapters/documents/s3';
import { loadConfig, ConfigError } from '../lib/config';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { pdfBytes, submitWithDocument } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, waitForStatus } from './helpers/journeys';
import { freePort } from '../scripts/stack/ports';

let moto: ChildProcess;
let settings: S3Settings;
let s3: S3Client;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');


/** moto's server from PyPI; installed here when this machine does not have it yet. */
function ensureMoto(): void {
  const importable = () => spawnSync('python3', ['-c', 'import moto.server, flask, flask_cors'], { stdio: 'ignore' }).status === 0;
  if (importable()) return;
  const install = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (install.status !== 0 || !importable()) throw new Error("could not install moto's S3 server: python3 -m pip install 'moto[server]' failed");
}

beforeAll(async () => {
  ensureMoto();
  const port = await freePort();
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${endpoint}/moto-api/`).catch(() => null))?.ok, 60_000, 'moto_server to answer');
  settings = { endpoint, bucket: `pishkhan-${process.pid}`, accessKey: 'test-access-key', secretKey: 'test-secret-key', region: 'us-east-1' };
  s3 = new S3Client({ endpoint, region: settings.region, forcePathStyle: true, credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey } });
  await s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
}, 360_000);

afterAll(async () => {
  s3?.destroy();
  if (moto && moto.exitCode === null) {
    const exited = new Promise((resolve) => moto.once('exit', resolve));
    moto.kill('SIGTERM');
    await exited;
  }
});

test('the s3 store keeps exact bytes, refuses to overwrite a key, and treats missing keys as the interface says', async () => {
  const store = s3DocumentStore(settings);
  const key = newStorageKey();
  const bytes = Buffer.concat([pdfBytes(), Buffer.from([0, 255, 1, 254])]);
  await store.put(key, bytes, { contentType: 'application/pdf' });
  const back = await store.get(key);
  expect(sha256(back!)).toBe(sha256(bytes));

  // In the bucket, under a two-letter prefix, with its type.
  const head = await s3.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: `documents/${key.slice(0, 2)}/${key}` }));
  expect(head.ContentType).toBe('application/pdf');
  expect(head.ContentLength).toBe(bytes.length);

  await expect(store.put(key, Buffer.from('%PDF-other'), { contentType: 'application/pdf' })).rejects.toThrow(/already stored/);
  expect(sha256((await store.get(key))!)).toBe(sha256(bytes));

  expect(await store.get(newStorageKey())).toBeNull();
  await store.delete(key);
  expect(await store.get(key)).toBeNull();
  await expect(store.delete(key)).resolves.toBeUndefined();
  await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a storage key/);
});

test('DOCUMENT_STORE=s3 is refused at start without its settings', () => {
  expect(() => loadConfig({ DOCUMENT_STORE: 's3', S3_ENDPOINT: settings.endpoint })).toThrow(ConfigError);
  expect(() => loadConfig({ DOCUMENT_STORE: 's3', S3_ENDPOINT: settings.endpoint })).toThrow(/S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY must be set/);
  const config = loadConfig({ DOCUMENT_STORE: 's3', S3_ENDPOINT: settings.endpoint, S3_BUCKET: settings.bucket, S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' });
  expect(config.s3).toMatchObject({ bucket: settings.bucket, region: 'us-east-1' });
});

describe('a desk with DOCUMENT_STORE=s3', () => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await startDesk({
      DOCUMENT_STORE: 's3',
      S3_ENDPOINT: settings.endpoint,
      S3_BUCKET: settings.bucket,
      S3_ACCESS_KEY: settings.accessKey,
      S3_SECRET_KEY: settings.secretKey,
      S3_REGION: settings.region,
      DOCUMENT_DIR: fs.mkdtempSync('/tmp/pishkhan-s3-test-local-'),
    });
  });
  afterAll(async () => {
    await desk?.stop();
  });

  test('a citizen uploads through the pages, the file lands in the bucket, and staff download the same bytes', async () => {
    const citizen = await loginCitizen(desk, uniqueMobile());
    const file = pdfBytes('s3-journey');
    const code = await submitWithDocument(citizen, 'general-letter', letterAnswers('legal'), { key: 'letter', name: 'scan.pdf', bytes: file, mime: 'application/pdf' });
    await waitForStatus(desk, code, 'pending_review');
    const request = await desk.db('requests').where({ tracking_code: code }).first();
    const doc = await eventually(async () => desk.db('documents').where({ request_id: request.id }).first());
    expect(doc.sha256).toBe(sha256(file));

    const object = await s3.send(new GetObjectCommand({ Bucket: settings.bucket, Key: `documents/${doc.storage_key.slice(0, 2)}/${doc.storage_key}` }));
    expect(sha256(Buffer.from(await object.Body!.transformToByteArray()))).toBe(sha256(file));
    // Nothing went to the local folder.
    expect(fs.readdirSync(desk.config.documentDir)).toEqual([]);

    const clerk = await loginStaff(desk, 'dabir');
    const response = await fetch(`${desk.url}/documents/${doc.id}`, { headers: { cookie: `pk_session=${clerk.cookie('pk_session')}`, 'x-forwarded-for': clerk.address } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(file));
  });
});
