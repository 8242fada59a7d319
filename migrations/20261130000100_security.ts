import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Guess counters of rate-limiter-flexible (its own layout), shared by every web replica.
  await knex.raw(`create table rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`);
  await knex.raw('create index rate_limits_expire_idx on rate_limits (expire)');

  // A login code waits here, sealed, until the worker sends it; Temporal only ever sees the row's id.
  await knex.schema.alterTable('otp_codes', (t) => {
    t.text('code_sealed');
  });

  // An integration key reads and decides only for the departments it names (none: nothing).
  await knex.schema.alterTable('api_clients', (t) => {
    t.specificType('department_ids', 'integer[]').notNullable().defaultTo('{}');
  });

  // Audit history stays append-only; the one change allowed is the retention run taking personal text out
  // of `details` (who, what, when and from where stay), and only inside a transaction that says so.
  await knex.raw(`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and current_setting('pishkhan.audit_redaction', true) = 'on'
         and new.id = old.id and new.staff_id is not distinct from old.staff_id and new.action = old.action
         and new.request_id is not distinct from old.request_id and new.ip is not distinct from old.ip
         and new.created_at = old.created_at then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$;
  `);
  await knex.schema.alterTable('api_clients', (t) => {
    t.dropColumn('department_ids');
  });
  await knex.schema.alterTable('otp_codes', (t) => {
    t.dropColumn('code_sealed');
  });
  await knex.schema.dropTableIfExists('rate_limits');
}
