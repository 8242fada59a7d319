import type { Knex } from 'knex';

// Every web replica holds the published catalogue in memory (lib/published-catalog.ts). Any change to the
// services or the departments, by any writer (the back office, `npm run catalog:sync`, plain SQL), tells
// them to reload: one notice per transaction, sent when it commits.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function pishkhan_catalog_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('pishkhan_catalog', tg_table_name);
      return null;
    end $$;
    create trigger services_catalog_changed after insert or update or delete or truncate on services
      for each statement execute function pishkhan_catalog_changed();
    create trigger departments_catalog_changed after insert or update or delete or truncate on departments
      for each statement execute function pishkhan_catalog_changed();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists services_catalog_changed on services');
  await knex.raw('drop trigger if exists departments_catalog_changed on departments');
  await knex.raw('drop function if exists pishkhan_catalog_changed');
}
