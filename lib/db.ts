import knex, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

// bigint ids and counts come back as numbers; they stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

export type Db = Knex;

export function createDb(databaseUrl: string, pool: { min?: number; max?: number } = {}): Db {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}

export const migrationsDirectory = path.resolve(__dirname, '..', 'migrations');

/**
 * The migration files beside this code: TypeScript when run from source, JavaScript when run compiled
 * (`npm run build`). Either way a migration keeps the name it was first recorded under (`….ts`), so a
 * database migrated from source is up to date for the compiled desk and the other way round.
 */
export const migrationFiles: Knex.MigrationSource<string> = {
  async getMigrations() {
    return migrationFileNames();
  },
  getMigrationName: (file) => file.replace(/\.js$/, '.ts'),
  async getMigration(file) {
    return require(path.join(migrationsDirectory, file)) as Knex.Migration;
  },
};

/** The migration files, in the order they run. */
export function migrationFileNames(): string[] {
  return fs.readdirSync(migrationsDirectory).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
}

/** Every migration's recorded name (`….ts`), in order. */
export function migrationNames(): string[] {
  return migrationFileNames().map((f) => migrationFiles.getMigrationName(f));
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource: migrationFiles });
  return applied as string[];
}
