// `npm run backup -- <dir>`: every table of PostgreSQL from one consistent snapshot, the stored documents, and a manifest.
// Rows are read through the desk's own driver (JSON lines, gzip), so no pg_dump matching the server's version is needed.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Knex } from 'knex';
import { createDocumentStore } from '../adapters/documents';
import { BACKUP_FORMAT, backupDocumentPath, fileSha256, quoteIdent, tablesInLoadOrder, withoutPassword, type BackupManifest } from '../lib/backup';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb } from '../lib/db';

const BATCH = 2000;

/** Writes one table as gzip'd JSON lines through a cursor, so memory stays flat however large it is. */
async function dumpTable(trx: Knex.Transaction, table: string, file: string): Promise<number> {
  const gzip = zlib.createGzip();
  const out = gzip.pipe(fs.createWriteStream(file));
  let rows = 0;
  await trx.raw(`declare backup_rows no scroll cursor for select row_to_json(t)::text as j from ${quoteIdent(table)} t`);
  for (;;) {
    const batch: { j: string }[] = (await trx.raw(`fetch forward ${BATCH} from backup_rows`)).rows;
    if (!batch.length) break;
    rows += batch.length;
    if (!gzip.write(batch.map((r) => r.j).join('\n') + '\n')) await once(gzip, 'drain');
  }
  await trx.raw('close backup_rows');
  gzip.end();
  await once(out, 'finish');
  return rows;
}

export async function backup(config: Config, dir: string, say: (m: string) => void): Promise<BackupManifest> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new Error(`${dir} is not empty; back up into a new or empty folder`);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const db = createDb(config.databaseUrl!, { max: 2 });
  try {
    const saved = await db.transaction(async (trx) => {
      // One snapshot for every table: rows that refer to each other are saved together.
      await trx.raw('set transaction isolation level repeatable read, read only');
      const migrations: string[] = await trx('knex_migrations').orderBy('id').pluck('name');
      const postgresVersion: string = (await trx.raw('show server_version')).rows[0].server_version;
      const tables: BackupManifest['tables'] = [];
      for (const name of await tablesInLoadOrder(trx)) {
        const file = path.join('data', `${name}.jsonl.gz`);
        const rows = await dumpTable(trx, name, path.join(dir, file));
        tables.push({ name, rows, file, sha256: await fileSha256(path.join(dir, file)) });
        say(`  ${name}: ${rows} rows`);
      }
      const sequences = (await trx.raw('select sequencename as name, last_value from pg_sequences where schemaname = current_schema() order by 1')).rows.map(
        (s: { name: string; last_value: string | null }) => ({ name: s.name, lastValue: s.last_value === null ? null : Number(s.last_value) }),
      );
      const documents: { storage_key: string; sha256: string }[] = tables.some((t) => t.name === 'documents') ? await trx('documents').select('storage_key', 'sha256') : [];
      return { migrations, postgresVersion, tables, sequences, documents };
    });

    const store = createDocumentStore(config);
    const missing: string[] = [];
    let bytes = 0;
    for (const doc of saved.documents) {
      const content = await store.get(doc.storage_key);
      // A file that is gone or changed is named in the manifest instead of being copied wrong.
      if (!content || createHash('sha256').update(content).digest('hex') !== doc.sha256) {
        missing.push(doc.storage_key);
        continue;
      }
      const target = backupDocumentPath(dir, doc.storage_key);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content, { flag: 'wx' });
      bytes += content.length;
    }
    const rows = (name: string) => saved.tables.find((t) => t.name === name)?.rows ?? 0;
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      schemaVersion: saved.migrations[saved.migrations.length - 1],
      migrations: saved.migrations,
      postgresVersion: saved.postgresVersion,
      tables: saved.tables,
      sequences: saved.sequences,
      counts: { requests: rows('requests'), requestEvents: rows('request_events'), letters: rows('letters'), documents: rows('documents') },
      documents: { store: config.documentStore, files: saved.documents.length - missing.length, bytes, missing },
    };
    // Written last: a folder without a manifest is an unfinished backup.
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npm run backup -- <folder>');
    process.exit(2);
  }
  if (!config.databaseUrl) {
    console.error('configuration error: DATABASE_URL must be set (while `npm start` runs, its database is postgres://pishkhan:pishkhan@127.0.0.1:5433/pishkhan)');
    process.exit(2);
  }
  console.log(`backing up ${withoutPassword(config.databaseUrl)} and the ${config.documentStore} document store into ${path.resolve(dir)}`);
  backup(config, path.resolve(dir), (m) => console.log(m)).then((m) => {
    console.log(`done: ${m.counts.requests} requests, ${m.counts.requestEvents} history rows, ${m.counts.letters} letters, ${m.documents.files} documents (${m.documents.bytes} bytes); schema ${m.schemaVersion}`);
    if (m.documents.missing.length) console.warn(`warning: ${m.documents.missing.length} documents were missing or changed in the store and are not in this backup (listed in manifest.json)`);
    console.log("Temporal's own persistence (the running requests' workflows) is not in this folder: back it up alongside, see docs/operating.md");
  }, (error) => {
    console.error(`backup failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
