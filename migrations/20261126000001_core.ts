import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    t.boolean('is_secretariat').notNullable().defaultTo(false);
    t.integer('supervisor_staff_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('staff', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 200).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('role', 20).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table staff add constraint staff_role_check check (role in ('secretariat','reviewer','supervisor','admin'))`);

  await knex.schema.createTable('staff_departments', (t) => {
    t.integer('staff_id').notNullable().references('staff.id').onDelete('CASCADE');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    t.primary(['staff_id', 'department_id']);
    t.index(['department_id']);
  });

  await knex.schema.createTable('services', (t) => {
    t.string('id', 64).primary();
    t.integer('current_version').notNullable();
    t.string('title', 300).notNullable();
    t.string('category', 200).notNullable();
    t.text('search_text').notNullable().defaultTo('');
    t.timestamp('retired_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('service_versions', (t) => {
    t.string('service_id', 64).notNullable().references('services.id');
    t.integer('version').notNullable();
    t.jsonb('definition').notNullable();
    t.string('content_hash', 64).notNullable();
    t.string('published_by', 64).notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['service_id', 'version']);
  });

  await knex.schema.createTable('citizens', (t) => {
    t.increments('id');
    t.string('mobile', 11).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('requests', (t) => {
    t.bigIncrements('id');
    t.string('tracking_code', 16).notNullable().unique();
    t.string('service_id', 64).notNullable().references('services.id');
    t.integer('service_version').notNullable();
    t.integer('citizen_id').notNullable().references('citizens.id');
    t.string('mobile', 11).notNullable();
    t.string('status', 20).notNullable();
    t.string('step_id', 64);
    t.string('awaiting', 20);
    t.string('review_role', 20);
    t.integer('department_id').references('departments.id');
    t.jsonb('answers').notNullable();
    t.string('applicant_name', 200);
    t.string('letter_number', 32);
    t.text('decision_reason');
    t.timestamp('sla_due_at', { useTz: true });
    t.string('sla_state', 12).notNullable().defaultTo('on_time');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
  });
  // The lists: a citizen's own requests, a department's queue, the secretariat's pending review.
  await knex.raw('create index requests_citizen_idx on requests (citizen_id, id desc)');
  await knex.raw('create index requests_department_queue_idx on requests (department_id, status, sla_due_at, id)');
  await knex.raw('create index requests_open_queue_idx on requests (department_id, sla_due_at, id) where closed_at is null');
  await knex.raw('create index requests_review_queue_idx on requests (review_role, status, sla_due_at, id)');
  await knex.raw('create index requests_service_idx on requests (service_id, created_at)');

  await knex.schema.createTable('request_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('requests.id');
    t.string('kind', 40).notNullable();
    t.string('status', 20);
    t.string('actor', 100).notNullable();
    t.text('note');
    t.jsonb('data');
    // Activities may be retried: a key makes each event land once.
    t.string('dedupe_key', 200).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['request_id', 'id']);
  });

  await knex.schema.createTable('inquiries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('requests.id');
    t.string('step_id', 64).notNullable();
    t.string('agency', 64).notNullable();
    t.string('operation', 64).notNullable();
    t.string('outcome', 20).notNullable();
    t.jsonb('response');
    t.text('error');
    t.integer('duration_ms');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['request_id', 'step_id']);
  });

  await knex.schema.createTable('sms_outbox', (t) => {
    t.bigIncrements('id');
    t.string('dedupe_key', 200).notNullable().unique();
    t.bigInteger('request_id').references('requests.id');
    t.string('mobile', 11).notNullable();
    t.string('purpose', 40).notNullable();
    t.text('body').notNullable();
    t.string('status', 12).notNullable().defaultTo('queued');
    t.string('provider', 20);
    t.string('provider_message_id', 100);
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['request_id', 'id']);
    t.index(['id'], 'sms_outbox_recent_idx');
  });

  await knex.schema.createTable('letter_counters', (t) => {
    t.integer('year').primary();
    t.integer('last_seq').notNullable();
  });

  await knex.schema.createTable('letters', (t) => {
    t.bigIncrements('id');
    t.string('number', 32).notNullable().unique();
    t.integer('year').notNullable();
    t.integer('seq').notNullable();
    t.string('direction', 10).notNullable().defaultTo('incoming');
    t.bigInteger('request_id').references('requests.id').unique();
    t.integer('department_id').notNullable().references('departments.id');
    t.string('sender', 200).notNullable();
    t.string('subject', 300).notNullable();
    t.string('registered_by', 64).notNullable();
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['year', 'seq']);
    t.index(['department_id', 'id']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.uuid('id').primary();
    t.bigInteger('request_id').notNullable().references('requests.id');
    t.string('fee_key', 64).notNullable();
    t.bigInteger('amount_rials').notNullable();
    t.string('status', 12).notNullable().defaultTo('pending');
    t.string('gateway_token', 100).unique();
    t.string('gateway_reference', 100);
    t.timestamp('deadline_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('paid_at', { useTz: true });
    t.index(['request_id']);
  });

  await knex.schema.createTable('deliverables', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('requests.id').unique();
    t.string('kind', 20).notNullable();
    t.string('verification_token', 64).notNullable().unique();
    t.text('body').notNullable();
    t.string('sha256', 64).notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('surveys', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('requests.id').unique();
    t.string('service_id', 64).notNullable();
    t.smallint('rating').notNullable();
    t.text('comment');
    t.jsonb('answers');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['service_id', 'created_at']);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 10).notNullable();
    t.integer('citizen_id').references('citizens.id').onDelete('CASCADE');
    t.integer('staff_id').references('staff.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['expires_at']);
  });

  await knex.schema.createTable('drafts', (t) => {
    t.bigIncrements('id');
    t.integer('citizen_id').notNullable().references('citizens.id').onDelete('CASCADE');
    t.string('service_id', 64).notNullable().references('services.id');
    t.jsonb('answers').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['citizen_id', 'service_id']);
  });

  await knex.schema.createTable('otp_codes', (t) => {
    t.bigIncrements('id');
    t.string('mobile', 11).notNullable();
    t.string('code_hash', 64).notNullable();
    t.string('ip', 64).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['mobile', 'created_at']);
    t.index(['ip', 'created_at']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.integer('staff_id').references('staff.id');
    t.string('action', 60).notNullable();
    t.bigInteger('request_id').references('requests.id');
    t.string('ip', 64);
    t.jsonb('details');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['request_id', 'id']);
    t.index(['staff_id', 'id']);
  });
  // Audit history is append-only: updates and deletes are refused by the database itself.
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$;
    create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_log', 'otp_codes', 'drafts', 'sessions', 'surveys', 'deliverables', 'payments', 'letters', 'letter_counters', 'sms_outbox', 'inquiries', 'request_events',
    'requests', 'citizens', 'service_versions', 'services', 'staff_departments', 'staff', 'departments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('drop function if exists audit_log_append_only');
}
