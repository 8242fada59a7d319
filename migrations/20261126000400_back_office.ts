import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Claim and assign: who in the department is handling a request.
  await knex.schema.alterTable('requests', (t) => {
    t.integer('assigned_to').references('staff.id');
  });
  await knex.raw('create index requests_assignee_queue_idx on requests (department_id, assigned_to, sla_due_at, id)');
  // Superseded by 20261130000100_rules_in_code: these two rules now live in recordStatus (activities/requests.ts).
  // A request that moves to another department leaves its assignee behind, whatever moved it.
  await knex.raw(`
    create function requests_unassign_on_move() returns trigger language plpgsql as $$
    begin
      if new.department_id is distinct from old.department_id then new.assigned_to := null; end if;
      return new;
    end $$;
    create trigger requests_unassign_on_move before update of department_id on requests
      for each row execute function requests_unassign_on_move();
  `);
  // The letter of a request stays with the department handling the request (forwards included).
  await knex.raw(`
    create function letters_follow_request() returns trigger language plpgsql as $$
    begin
      if new.department_id is distinct from old.department_id and new.department_id is not null then
        update letters set department_id = new.department_id where request_id = new.id;
      end if;
      return new;
    end $$;
    create trigger letters_follow_request after update of department_id on requests
      for each row execute function letters_follow_request();
  `);

  // The correspondence registry: newest first, by department, and searched by number, sender and date.
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw('create index letters_registered_idx on letters (registered_at desc, id desc)');
  await knex.raw('create index letters_department_registered_idx on letters (department_id, registered_at desc, id desc)');
  await knex.raw('create index letters_number_trgm_idx on letters using gin (number gin_trgm_ops)');
  await knex.raw('create index letters_sender_trgm_idx on letters using gin (lower(sender) gin_trgm_ops)');

  await knex.schema.createTable('letter_referrals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('letter_id').notNullable().references('letters.id');
    t.integer('from_department_id').notNullable().references('departments.id');
    t.integer('to_department_id').notNullable().references('departments.id');
    t.text('note');
    t.integer('staff_id').notNullable().references('staff.id');
    // forwarded: through the request's workflow; moved: a letter without a running request; noted: recorded only.
    t.string('outcome', 12).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['letter_id', 'id']);
  });

  // Audit search, newest first, by any one filter.
  await knex.raw('create index audit_log_recent_idx on audit_log (created_at desc, id desc)');
  await knex.raw('create index audit_log_staff_recent_idx on audit_log (staff_id, created_at desc, id desc)');
  await knex.raw('create index audit_log_action_recent_idx on audit_log (action, created_at desc, id desc)');
  await knex.raw('create index audit_log_request_recent_idx on audit_log (request_id, created_at desc, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['audit_log_recent_idx', 'audit_log_staff_recent_idx', 'audit_log_action_recent_idx', 'audit_log_request_recent_idx']) {
    await knex.raw(`drop index if exists ${name}`);
  }
  await knex.schema.dropTableIfExists('letter_referrals');
  for (const name of ['letters_registered_idx', 'letters_department_registered_idx', 'letters_number_trgm_idx', 'letters_sender_trgm_idx']) {
    await knex.raw(`drop index if exists ${name}`);
  }
  await knex.raw('drop trigger if exists letters_follow_request on requests');
  await knex.raw('drop function if exists letters_follow_request');
  await knex.raw('drop trigger if exists requests_unassign_on_move on requests');
  await knex.raw('drop function if exists requests_unassign_on_move');
  await knex.raw('drop index if exists requests_assignee_queue_idx');
  await knex.schema.alterTable('requests', (t) => {
    t.dropColumn('assigned_to');
  });
}
