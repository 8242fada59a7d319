import type { Knex } from 'knex';

// The agency's holidays, edited by admins: SLA due dates, reminders and reports skip them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('holidays', (t) => {
    // The Tehran calendar day, the key of every working-day computation.
    t.date('day').primary();
    t.integer('year').notNullable();
    t.string('title', 200).notNullable();
    t.string('kind', 10).notNullable();
    // Lunar holidays are estimates until an admin confirms the official calendar's day.
    t.boolean('confirmed').notNullable().defaultTo(false);
    t.integer('updated_by').references('staff.id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['year', 'day']);
  });
  await knex.raw(`alter table holidays add constraint holidays_kind_check check (kind in ('solar','lunar','custom'))`);
  // A year is seeded once; what admins then change is never seeded over.
  await knex.schema.createTable('holiday_years', (t) => {
    t.integer('year').primary();
    t.timestamp('seeded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('holiday_years');
  await knex.schema.dropTableIfExists('holidays');
}
