// What backup and restore share: the manifest, the tables in the order their foreign keys allow, file checksums.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { migrationNames } from './db';

export const BACKUP_FORMAT = 'pishkhan-backup/1';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** The last migration applied to the database that was saved. */
  schemaVersion: string;
  migrations: string[];
  postgresVersion: string;
  /** Tables in load order (parents before the tables that refer to them). */
  tables: { name: string; rows: number; file: string; sha256: string }[];
  sequences: { name: string; lastValue: number | null }[];
  counts: { requests: number; requestEvents: number; letters: number; documents: number };
  documents: { store: string; files: number; bytes: number; missing: string[] };
}

/** knex keeps its own bookkeeping; the restore recreates it by running the migrations. */
const SKIPPED = ['knex_migrations', 'knex_migrations_lock'];

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of the current schema, each after every table it refers to. */
export async function tablesInLoadOrder(db: Knex | Knex.Transaction): Promise<string[]> {
  const tables: string[] = (
    await db.raw(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`)
  ).rows.map((r: { name: string }) => r.name).filter((t: string) => !SKIPPED.includes(t));
  const edges: { child: string; parent: string }[] = (
    await db.raw(`select distinct c.relname as child, p.relname as parent from pg_constraint k
                  join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
                  join pg_namespace n on n.oid = c.relnamespace
                  where k.contype = 'f' and n.nspname = current_schema()`)
  ).rows;
  const parents = new Map(tables.map((t) => [t, new Set(edges.filter((e) => e.child === t && e.parent !== t).map((e) => e.parent))]));
  const ordered: string[] = [];
  const placing = new Set<string>();
  const place = (table: string) => {
    if (ordered.includes(table)) return;
    if (placing.has(table)) throw new Error(`the foreign keys of ${table} form a cycle; this backup format cannot order it`);
    placing.add(table);
    for (const parent of parents.get(table) ?? []) if (tables.includes(parent)) place(parent);
    placing.delete(table);
    ordered.push(table);
  };
  tables.forEach(place);
  return ordered;
}

/** Columns a restore can write: generated columns are computed again by PostgreSQL. */
export async function writableColumns(db: Knex | Knex.Transaction, table: string): Promise<string[]> {
  const { rows } = await db.raw(
    `select a.attname as name from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relname = ? and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`,
    [table],
  );
  return rows.map((r: { name: string }) => r.name);
}

export function migrationsInCode(): string[] {
  return migrationNames();
}

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

/** Where a document's bytes sit inside a backup folder: the same two-letter layout as the local store. */
export const backupDocumentPath = (dir: string, storageKey: string) => path.join(dir, 'documents', storageKey.slice(0, 2), storageKey);

/** A database address fit for a message: without its password. */
export const withoutPassword = (url: string) => url.replace(/:[^:@/]*@/, ':***@');
