// `npm run restore -- <dir>`: a backup into an EMPTY database and document store, then the open requests whose
// workflows Temporal no longer runs are listed (Temporal's persistence is backed up on its own).
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createDocumentStore } from '../adapters/documents';
import { BACKUP_FORMAT, fileSha256, migrationsInCode, quoteIdent, withoutPassword, writableColumns, type BackupManifest } from '../lib/backup';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb, migrateLatest, migrationFiles, type Db } from '../lib/db';
import { connectClient, workflowIdFor } from '../lib/temporal';

const BATCH = 500;

/** A restore that must not start; the message says why and what to do. */
export class RestoreRefused extends Error {}

export interface RestoreResult {
  manifest: BackupManifest;
  documents: number;
  /** Open requests whose workflow is not running in Temporal (gone, or ended), to be looked at by hand. */
  orphaned: { trackingCode: string; status: string; workflow: string }[];
  temporalChecked: boolean;
}

async function checkBackup(dir: string): Promise<BackupManifest> {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new RestoreRefused(`${dir} has no manifest.json: it is not a finished Pishkhan backup`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new RestoreRefused(`${dir} is in format "${manifest.format}", this version reads ${BACKUP_FORMAT}`);
  for (const table of manifest.tables) {
    if ((await fileSha256(path.join(dir, table.file))) !== table.sha256) throw new RestoreRefused(`${table.file} does not match its checksum in the manifest: the backup is damaged`);
  }
  const known = migrationsInCode();
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length) throw new RestoreRefused(`the backup was made by a newer Pishkhan (migrations ${unknown.join(', ')}); restore it with that version or newer`);
  return manifest;
}

async function refuseUnlessEmpty(db: Db, config: Config): Promise<void> {
  const { rows } = await db.raw(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm', 'S') order by 1 limit 6`,
  );
  if (rows.length) {
    const names = rows.map((r: { relname: string }) => r.relname).join(', ');
    throw new RestoreRefused(
      `the database ${withoutPassword(config.databaseUrl!)} is not empty (it has ${names}${rows.length > 5 ? ', …' : ''}). ` +
        'A restore only goes into an empty database: create one (create database pishkhan_restored;) and point DATABASE_URL at it.',
    );
  }
  if (config.documentStore === 'local' && fs.existsSync(config.documentDir) && fs.readdirSync(config.documentDir).length) {
    throw new RestoreRefused(`the document folder ${config.documentDir} is not empty; restore into an empty DOCUMENT_DIR`);
  }
}

/** The schema exactly as it was when the backup was made; newer migrations run after the rows are in. */
async function migrateTo(db: Db, version: string): Promise<void> {
  const options = { migrationSource: migrationFiles };
  for (let i = 0; i <= migrationsInCode().length; i++) {
    const done: string[] = (await db.schema.hasTable('knex_migrations')) ? await db('knex_migrations').pluck('name') : [];
    if (done.includes(version)) return;
    await db.migrate.up(options);
  }
  throw new Error(`could not bring the schema to ${version}`);
}

async function loadTables(db: Db, dir: string, manifest: BackupManifest, say: (m: string) => void): Promise<void> {
  await db.transaction(async (trx) => {
    // Whatever the migrations seeded gives way to the saved rows.
    await trx.raw(`truncate table ${manifest.tables.map((t) => quoteIdent(t.name)).join(', ')}`);
    for (const table of manifest.tables) {
      const columns = (await writableColumns(trx, table.name)).map(quoteIdent).join(', ');
      const insert = (lines: string[]) =>
        trx.raw(`insert into ${quoteIdent(table.name)} (${columns}) select ${columns} from json_populate_recordset(null::${quoteIdent(table.name)}, ?::json)`, [`[${lines.join(',')}]`]);
      const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, table.file)).pipe(zlib.createGunzip()), crlfDelay: Infinity });
      let batch: string[] = [];
      let rows = 0;
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length === BATCH) {
          await insert(batch);
          rows += batch.length;
          batch = [];
        }
      }
      if (batch.length) await insert(batch);
      rows += batch.length;
      if (rows !== table.rows) throw new Error(`${table.name}: read ${rows} rows, the manifest says ${table.rows}`);
      say(`  ${table.name}: ${rows} rows`);
    }
    for (const seq of manifest.sequences) {
      if (seq.lastValue !== null) await trx.raw('select setval(?::regclass, ?, true)', [quoteIdent(seq.name), seq.lastValue]);
    }
  });
}

async function restoreDocuments(db: Db, config: Config, dir: string): Promise<number> {
  const store = createDocumentStore(config);
  const root = path.join(dir, 'documents');
  if (!fs.existsSync(root)) return 0;
  let count = 0;
  for (const prefix of fs.readdirSync(root)) {
    for (const key of fs.readdirSync(path.join(root, prefix))) {
      const row = await db('documents').where({ storage_key: key }).first('mime', 'sha256');
      const file = path.join(root, prefix, key);
      if (!row) throw new Error(`${file} belongs to no document row`);
      if ((await fileSha256(file)) !== row.sha256) throw new Error(`${file} does not match the checksum of its document row`);
      await store.put(key, fs.readFileSync(file), { contentType: row.mime });
      count += 1;
    }
  }
  return count;
}

/** Open requests whose workflow Temporal does not run: their history came back, their process did not. */
async function orphanedRequests(db: Db, temporal: Client): Promise<RestoreResult['orphaned']> {
  const orphaned: RestoreResult['orphaned'] = [];
  let after = 0;
  for (;;) {
    const open: { id: number; tracking_code: string; status: string }[] = await db('requests').whereNull('closed_at').where('id', '>', after).orderBy('id').limit(200).select('id', 'tracking_code', 'status');
    if (!open.length) return orphaned;
    after = open[open.length - 1].id;
    await Promise.all(open.map(async (r) => {
      try {
        const described = await temporal.workflow.getHandle(workflowIdFor(r.tracking_code)).describe();
        if (described.status.name !== 'RUNNING') orphaned.push({ trackingCode: r.tracking_code, status: r.status, workflow: described.status.name.toLowerCase() });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        orphaned.push({ trackingCode: r.tracking_code, status: r.status, workflow: 'not-found' });
      }
    }));
  }
}

export async function restore(config: Config, dir: string, say: (m: string) => void): Promise<RestoreResult> {
  const manifest = await checkBackup(dir);
  const db = createDb(config.databaseUrl!, { max: 4 });
  try {
    await refuseUnlessEmpty(db, config);
    say(`schema ${manifest.schemaVersion}`);
    await migrateTo(db, manifest.schemaVersion);
    await loadTables(db, dir, manifest, say);
    const applied = await migrateLatest(db);
    if (applied.length) say(`applied ${applied.length} newer migrations`);
    const documents = await restoreDocuments(db, config, dir);
    let orphaned: RestoreResult['orphaned'] = [];
    let temporalChecked = false;
    if (config.temporal.address) {
      const temporal = await connectClient(config.temporal).catch(() => null);
      if (temporal) {
        orphaned = (await orphanedRequests(db, temporal)).sort((a, b) => a.trackingCode.localeCompare(b.trackingCode));
        temporalChecked = true;
        await temporal.connection.close();
      }
    }
    return { manifest, documents, orphaned, temporalChecked };
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const dir = process.argv[2];
  if (!dir || !config.databaseUrl) {
    console.error(dir ? 'configuration error: DATABASE_URL must name the EMPTY database to restore into' : 'usage: npm run restore -- <backup folder>');
    process.exit(2);
  }
  console.log(`restoring ${path.resolve(dir)} into ${withoutPassword(config.databaseUrl)} and the ${config.documentStore} document store`);
  restore(config, path.resolve(dir), (m) => console.log(m)).then((r) => {
    console.log(`restored ${r.manifest.counts.requests} requests, ${r.manifest.counts.requestEvents} history rows, ${r.manifest.counts.letters} letters, ${r.documents} documents`);
    if (!r.temporalChecked) console.warn('Temporal was not reachable (TEMPORAL_ADDRESS): open requests were not checked against their workflows');
    else if (!r.orphaned.length) console.log('every open request has a running workflow in Temporal');
    else {
      console.warn(`${r.orphaned.length} open requests have no running workflow in Temporal (restore Temporal's persistence too, or handle them by hand):`);
      for (const o of r.orphaned) console.warn(`  ${o.trackingCode}  ${o.status}  workflow: ${o.workflow}`);
    }
  }, (error) => {
    console.error(error instanceof RestoreRefused ? `restore refused: ${error.message}` : `restore failed: ${(error as Error).message}`);
    process.exit(error instanceof RestoreRefused ? 2 : 1);
  });
}
