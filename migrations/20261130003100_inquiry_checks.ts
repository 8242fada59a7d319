import type { Knex } from 'knex';

// An inquiry's answer is judged against the form: the verdict and each compared item are kept beside the answer.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inquiries', (t) => {
    t.string('verdict', 10);
    t.jsonb('checks');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inquiries', (t) => {
    t.dropColumn('checks');
    t.dropColumn('verdict');
  });
}
