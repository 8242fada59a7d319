import type { Knex } from 'knex';

// The in-person desk: a counter clerk registers a walk-in citizen's request; the request keeps its channel and clerk.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table staff drop constraint staff_role_check');
  await knex.raw(`alter table staff add constraint staff_role_check check (role in ('secretariat','reviewer','supervisor','admin','counter'))`);
  await knex.schema.alterTable('citizens', (t) => {
    t.string('national_code', 10);
  });
  await knex.schema.alterTable('requests', (t) => {
    t.string('channel', 10).notNullable().defaultTo('online');
    t.integer('registered_by').references('staff.id');
  });
  await knex.raw(`alter table requests add constraint requests_channel_check check (channel in ('online','counter'))`);
  // A clerk's own registrations, newest first.
  await knex.raw('create index requests_registered_by_idx on requests (registered_by, id desc) where registered_by is not null');
  // A clerk works for a citizen they found by mobile and national code, for the length of the visit.
  await knex.schema.createTable('counter_visits', (t) => {
    t.bigIncrements('id');
    t.integer('staff_id').notNullable().references('staff.id').onDelete('CASCADE');
    t.integer('citizen_id').notNullable().references('citizens.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['staff_id', 'citizen_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('counter_visits');
  await knex.raw('drop index if exists requests_registered_by_idx');
  await knex.raw('alter table requests drop constraint if exists requests_channel_check');
  await knex.schema.alterTable('requests', (t) => {
    t.dropColumn('registered_by');
    t.dropColumn('channel');
  });
  await knex.schema.alterTable('citizens', (t) => {
    t.dropColumn('national_code');
  });
  await knex.raw('alter table staff drop constraint staff_role_check');
  await knex.raw(`alter table staff add constraint staff_role_check check (role in ('secretariat','reviewer','supervisor','admin'))`);
}
