import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Systems that call the desk (the agency's correspondence system): one key each, only its hash kept.
  await knex.schema.createTable('api_clients', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable().unique();
    t.string('key_prefix', 16).notNullable().unique();
    t.string('key_hash', 64).notNullable();
    t.specificType('scopes', 'text[]').notNullable();
    t.integer('created_by').references('staff.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });

  // Systems the desk calls when a request changes: signed JSON, never personal data.
  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.increments('id');
    t.string('url', 500).notNullable();
    t.string('secret', 100).notNullable();
    t.specificType('events', 'text[]').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('created_by').references('staff.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('webhook_events', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('type', 40).notNullable();
    t.bigInteger('request_id').notNullable().references('requests.id');
    // The history row it announces: a retried activity finds its event instead of making another.
    t.string('dedupe_key', 200).notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dedupe_key', 'type']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.integer('subscription_id').notNullable().references('webhook_subscriptions.id').onDelete('CASCADE');
    t.uuid('event_id').notNullable().references('webhook_events.id');
    t.integer('attempt').notNullable();
    t.integer('status_code');
    t.text('error');
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set only when the subscriber accepted the event (2xx).
    t.timestamp('delivered_at', { useTz: true });
    t.unique(['subscription_id', 'event_id', 'attempt']);
  });

  // Letters numbered by an outside correspondence system carry its number and no sequence of ours.
  await knex.schema.alterTable('letters', (t) => {
    t.string('registry', 20).notNullable().defaultTo('builtin');
  });
  await knex.raw('alter table letters alter column year drop not null, alter column seq drop not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table letters alter column year set not null, alter column seq set not null');
  await knex.schema.alterTable('letters', (t) => {
    t.dropColumn('registry');
  });
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_events');
  await knex.schema.dropTableIfExists('webhook_subscriptions');
  await knex.schema.dropTableIfExists('api_clients');
}
