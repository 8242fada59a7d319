import type { Knex } from 'knex';

// The two rules these triggers kept (a moved request loses its assignee; its letter follows it) now live in
// recordStatus (activities/requests.ts), the only code that moves a request between departments.
// audit_log_append_only (core migration) stays: it guards the audit trail against any writer, not a business rule.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists letters_follow_request on requests');
  await knex.raw('drop function if exists letters_follow_request');
  await knex.raw('drop trigger if exists requests_unassign_on_move on requests');
  await knex.raw('drop function if exists requests_unassign_on_move');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create function requests_unassign_on_move() returns trigger language plpgsql as $$
    begin
      if new.department_id is distinct from old.department_id then new.assigned_to := null; end if;
      return new;
    end $$;
    create trigger requests_unassign_on_move before update of department_id on requests
      for each row execute function requests_unassign_on_move();
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
}
