import type { Knex } from 'knex';

// The treasury's view of payments: the deposit id and account of the fee, beside the bank's reference.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('deposit_id', 30);
    t.string('account', 40);
  });
  // Reconciliation lists paid payments by day, newest first, a page at a time.
  await knex.raw(`create index payments_paid_idx on payments (paid_at desc, id desc) where status = 'paid'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists payments_paid_idx');
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('account');
    t.dropColumn('deposit_id');
  });
}
