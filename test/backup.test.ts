// `npm run backup` then `npm run restore` into a second, fresh database: requests, history, letters and files come back whole.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localDocumentStore } from '../adapters/documents/local';
import type { BackupManifest } from '../lib/backup';
import { createDb, type Db } from '../lib/db';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { pdfBytes, submitWithDocument } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { handleOf, settled } from './helpers/workflow-services';

const root = path.resolve(__dirname, '..');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let desk: Desk;
let restored: Db | null = null;
const folders: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
};
const restoredName = `pishkhan_restore_${process.pid}`;

beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await restored?.destroy();
  await desk?.db.raw(`drop database if exists ${restoredName}`);
  await desk?.stop();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

function npmRun(script: string, dir: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', script, '--', dir], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 180_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function snapshotOf(db: Db, codes: string[]) {
  const requests = await db('requests').whereIn('tracking_code', codes).orderBy('id');
  const ids = requests.map((r) => r.id);
  return {
    requests,
    events: await db('request_events').whereIn('request_id', ids).orderBy('id'),
    letters: await db('letters').whereIn('request_id', ids).orderBy('id'),
    documents: await db('documents').whereIn('request_id', ids).orderBy('id'),
    inquiries: await db('inquiries').whereIn('request_id', ids).orderBy('id'),
    sms: await db('sms_outbox').whereIn('request_id', ids).orderBy('id'),
  };
}

test('a backup restored into a fresh database holds every request, event, letter and document intact', async () => {
  const clerk = await loginStaff(desk, 'dabir');
  const files = [pdfBytes('first'), pdfBytes('second')];
  const first = await submitWithDocument(await loginCitizen(desk, uniqueMobile()), 'general-letter', letterAnswers('legal'), { key: 'letter', name: 'نامه.pdf', bytes: files[0], mime: 'application/pdf' });
  const second = await submitWithDocument(await loginCitizen(desk, uniqueMobile()), 'general-letter', letterAnswers('hr'), { key: 'letter', name: 'scan.pdf', bytes: files[1], mime: 'application/pdf' });
  const third = await submitThroughPages(await loginCitizen(desk, uniqueMobile()), 'general-letter', letterAnswers());
  const codes = [first, second, third];
  for (const code of codes) await waitForStatus(desk, code, 'pending_review');
  await clerk.post(`/staff/requests/${first}/decision`, { kind: 'approve' });
  await waitForStatus(desk, first, 'in_progress');
  // Its SMS go out beside the steps: the backup is taken once nothing is on its way.
  for (const code of [first, second]) await settled(desk, code);
  // A request whose workflow is gone: the restore must name it.
  await handleOf(desk, third).terminate('lost with the old Temporal');
  const before = await snapshotOf(desk.db, codes);
  expect(before.letters).toHaveLength(1);
  expect(before.documents).toHaveLength(2);

  const dir = tempDir('pishkhan-backup-');
  const env = { DATABASE_URL: desk.config.databaseUrl!, DOCUMENT_DIR: desk.config.documentDir, TEMPORAL_ADDRESS: desk.config.temporal.address! };
  const backup = await npmRun('backup', dir, env);
  expect(backup.stderr).not.toContain('backup failed');
  expect(backup.code).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  const migrations = fs.readdirSync(path.join(root, 'migrations')).filter((f) => f.endsWith('.ts')).sort();
  expect(manifest.schemaVersion).toBe(migrations[migrations.length - 1]);
  expect(manifest.counts.requests).toBeGreaterThanOrEqual(3);
  expect(manifest.tables.map((t) => t.name).indexOf('requests')).toBeLessThan(manifest.tables.map((t) => t.name).indexOf('request_events'));
  for (const doc of before.documents) expect(fs.existsSync(path.join(dir, 'documents', doc.storage_key.slice(0, 2), doc.storage_key))).toBe(true);

  // Into a database that already holds data: refused with a clear message, nothing touched.
  const refused = await npmRun('restore', dir, { ...env, DOCUMENT_DIR: tempDir('pishkhan-docs-') });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/restore refused: the database .* is not empty/);

  await desk.db.raw(`create database ${restoredName}`);
  const restoredUrl = desk.config.databaseUrl!.replace(/\/[^/]+$/, `/${restoredName}`);
  const documentDir = tempDir('pishkhan-restored-docs-');
  const restore = await npmRun('restore', dir, { ...env, DATABASE_URL: restoredUrl, DOCUMENT_DIR: documentDir });
  expect(restore.stderr).not.toContain('restore failed');
  expect(restore.code).toBe(0);
  expect(restore.stderr).toContain(`${third}  pending_review  workflow: terminated`);
  expect(restore.stderr).not.toContain(first);

  restored = createDb(restoredUrl);
  const after = await snapshotOf(restored, codes);
  expect(after).toEqual(before);
  for (const table of manifest.tables) {
    const { n } = (await restored(table.name).count({ n: '*' }).first()) as { n: number };
    expect({ table: table.name, rows: Number(n) }).toEqual({ table: table.name, rows: table.rows });
  }
  // The files, byte for byte, in the new document folder.
  const store = localDocumentStore(documentDir);
  for (const [i, doc] of after.documents.entries()) {
    const bytes = await store.get(doc.storage_key);
    expect(sha256(bytes!)).toBe(doc.sha256);
    expect(doc.sha256).toBe(sha256(files[i]));
  }
  // Sequences carry on after the restored rows: new ids never collide with old ones.
  const { rows } = await restored.raw("select nextval(pg_get_serial_sequence('request_events', 'id')) as next, (select max(id) from request_events) as max");
  expect(Number(rows[0].next)).toBeGreaterThan(Number(rows[0].max));
  // The restored schema is the code's current one.
  expect((await restored('knex_migrations').pluck('name')).sort()).toEqual(migrations);
});
