import type { Knex } from 'knex';

// Official documents: printed to PDF (kept as the very bytes served), several per request, one per deliver step.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliverables', (t) => {
    t.string('step_id', 64);
    t.string('title', 200);
    t.string('mime', 60).notNullable().defaultTo('text/html');
    t.binary('file');
  });
  await knex.raw('alter table deliverables alter column kind type varchar(64)');
  await knex.raw('alter table deliverables drop constraint deliverables_request_id_unique');
  await knex.raw(`create unique index deliverables_request_step_unique on deliverables (request_id, coalesce(step_id, ''))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists deliverables_request_step_unique');
  await knex.raw('delete from deliverables d using deliverables e where d.request_id = e.request_id and d.id > e.id');
  await knex.raw('alter table deliverables add constraint deliverables_request_id_unique unique (request_id)');
  await knex.schema.alterTable('deliverables', (t) => {
    t.dropColumn('file');
    t.dropColumn('mime');
    t.dropColumn('title');
    t.dropColumn('step_id');
  });
}
