import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // When a closed request's personal data was removed by the retention sweep; null while it is kept.
  await knex.schema.alterTable('requests', (t) => {
    t.timestamp('personal_data_removed_at', { useTz: true });
  });
  // The sweep's queue: closed requests still holding personal data, oldest first.
  await knex.raw('create index requests_retention_idx on requests (closed_at, id) where closed_at is not null and personal_data_removed_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists requests_retention_idx');
  await knex.schema.alterTable('requests', (t) => {
    t.dropColumn('personal_data_removed_at');
  });
}
