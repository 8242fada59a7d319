import type { Knex } from 'knex';

// The catalogue filtered by category is paged by id (keyset), over live services only.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index services_category_page_idx on services (category, id) where retired_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists services_category_page_idx');
}
