import type { Knex } from 'knex';

// Reports read requests by submission date within a range, then group by service or department.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists requests_created_idx on requests (created_at, id)');
  await knex.raw('create index if not exists requests_department_created_idx on requests (department_id, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists requests_department_created_idx');
  await knex.raw('drop index if exists requests_created_idx');
}
