import knex, { Knex } from 'knex';
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

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ directory: migrationsDirectory, loadExtensions: ['.ts'] });
  return applied as string[];
}
