import type { Knex } from 'knex';

// Outgoing letters (نامه صادره): the reply letter or permit leaves with its own number series, linked to the incoming letter.
export async function up(knex: Knex): Promise<void> {
  // One counter per year and direction: incoming and outgoing letters are numbered apart, each without gaps.
  await knex.schema.alterTable('letter_counters', (t) => {
    t.string('direction', 10).notNullable().defaultTo('incoming');
  });
  await knex.raw('alter table letter_counters drop constraint letter_counters_pkey, add primary key (year, direction)');
  await knex.schema.alterTable('letters', (t) => {
    t.bigInteger('in_reply_to').references('letters.id');
    t.string('recipient', 200);
    // The deliver step an outgoing letter was issued by; a request may issue several documents.
    t.string('step_id', 64);
  });
  await knex.raw(`alter table letters add constraint letters_direction_check check (direction in ('incoming','outgoing'))`);
  await knex.raw('alter table letters drop constraint letters_year_seq_unique');
  await knex.raw('create unique index letters_direction_year_seq_unique on letters (direction, year, seq) where seq is not null');
  await knex.raw('alter table letters drop constraint letters_request_id_unique');
  await knex.raw(`create unique index letters_incoming_request_unique on letters (request_id) where direction = 'incoming'`);
  await knex.raw(`create unique index letters_outgoing_request_step_unique on letters (request_id, step_id) where direction = 'outgoing'`);
  // A request's letters, either direction (the registry's search by the citizen's mobile walks it).
  await knex.raw('create index letters_request_idx on letters (request_id)');
  // The document carries its outgoing letter's number and date.
  await knex.schema.alterTable('deliverables', (t) => {
    t.bigInteger('letter_id').references('letters.id');
  });
  // The registry filtered by direction, newest first.
  await knex.raw('create index letters_direction_registered_idx on letters (direction, registered_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliverables', (t) => {
    t.dropColumn('letter_id');
  });
  await knex('letters').where({ direction: 'outgoing' }).delete();
  await knex.raw('drop index if exists letters_direction_registered_idx');
  await knex.raw('drop index if exists letters_request_idx');
  await knex.raw('drop index if exists letters_outgoing_request_step_unique');
  await knex.raw('drop index if exists letters_incoming_request_unique');
  await knex.raw('alter table letters add constraint letters_request_id_unique unique (request_id)');
  await knex.raw('drop index if exists letters_direction_year_seq_unique');
  await knex.raw('alter table letters add constraint letters_year_seq_unique unique (year, seq)');
  await knex.raw('alter table letters drop constraint if exists letters_direction_check');
  await knex.schema.alterTable('letters', (t) => {
    t.dropColumn('step_id');
    t.dropColumn('recipient');
    t.dropColumn('in_reply_to');
  });
  await knex('letter_counters').where({ direction: 'outgoing' }).delete();
  await knex.raw('alter table letter_counters drop constraint letter_counters_pkey, add primary key (year)');
  await knex.schema.alterTable('letter_counters', (t) => {
    t.dropColumn('direction');
  });
}
