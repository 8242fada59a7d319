import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('documents', (t) => {
    t.bigIncrements('id');
    // Null while the file belongs to a draft; set when the request is submitted.
    t.bigInteger('request_id').references('requests.id');
    t.integer('citizen_id').notNullable().references('citizens.id');
    t.string('service_id', 64).notNullable().references('services.id');
    t.string('doc_key', 64).notNullable();
    t.string('original_name', 200).notNullable();
    t.string('mime', 40).notNullable();
    t.integer('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('storage_key', 100).notNullable().unique();
    t.string('uploaded_by', 10).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['request_id']);
    t.index(['citizen_id', 'service_id']);
  });
  await knex.raw(`alter table documents add constraint documents_uploaded_by_check check (uploaded_by in ('citizen','staff'))`);
  await knex.raw(`alter table documents add constraint documents_mime_check check (mime in ('application/pdf','image/jpeg','image/png'))`);

  // The plain text of an issued document, shown on its public verification page beside the fingerprint.
  await knex.schema.alterTable('deliverables', (t) => {
    t.text('text');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliverables', (t) => {
    t.dropColumn('text');
  });
  await knex.schema.dropTableIfExists('documents');
}
