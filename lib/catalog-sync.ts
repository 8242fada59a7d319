// The files in service-catalog/ seed the catalogue: a changed file publishes a new version.
import { createHash } from 'node:crypto';
import type { Db } from './db';
import type { ServiceDefinition } from '../workflows/types';
import { normalizePersianText } from './persian';

export function contentHash(definition: ServiceDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

function searchText(def: ServiceDefinition): string {
  return normalizePersianText([def.title, def.summary, def.category, ...(def.keywords ?? []), ...def.audience].join(' ')).toLowerCase();
}

/** Publishes `definition` as the next version unless it equals the current one. Returns the version in force. */
export async function publishService(db: Db, definition: ServiceDefinition, publishedBy: string): Promise<{ version: number; changed: boolean }> {
  const { $schema: _ignored, ...clean } = definition as ServiceDefinition & { $schema?: string };
  const hash = contentHash(clean as ServiceDefinition);
  return db.transaction(async (trx) => {
    const current = await trx('services').where({ id: clean.id }).forUpdate().first();
    if (current) {
      const latest = await trx('service_versions').where({ service_id: clean.id, version: current.current_version }).first();
      if (latest?.content_hash === hash && !current.retired_at) return { version: current.current_version, changed: false };
    }
    const version = current ? current.current_version + 1 : 1;
    const row = { id: clean.id, current_version: version, title: clean.title, category: clean.category, search_text: searchText(clean as ServiceDefinition), retired_at: null, updated_at: trx.fn.now() };
    if (current) await trx('services').where({ id: clean.id }).update(row);
    else await trx('services').insert(row);
    await trx('service_versions').insert({
      service_id: clean.id,
      version,
      definition: JSON.stringify(clean),
      content_hash: hash,
      published_by: publishedBy,
    });
    return { version, changed: true };
  });
}

export async function syncCatalog(db: Db, services: ServiceDefinition[], publishedBy = 'catalog-sync') {
  const results: { id: string; version: number; changed: boolean }[] = [];
  for (const service of services) {
    // A file unchanged since its last sync leaves the service alone: edits and retirements made by admins stand.
    const { $schema: _ignored, ...clean } = service as ServiceDefinition & { $schema?: string };
    const synced = await db('service_versions as v').join('services as s', 's.id', 'v.service_id').where({ 'v.service_id': service.id, 'v.published_by': publishedBy }).orderBy('v.version', 'desc').first('v.content_hash', 's.current_version');
    if (synced?.content_hash === contentHash(clean as ServiceDefinition)) {
      results.push({ id: service.id, version: synced.current_version, changed: false });
      continue;
    }
    results.push({ id: service.id, ...(await publishService(db, service, publishedBy)) });
  }
  return results;
}

export async function currentServiceVersion(db: Db, serviceId: string): Promise<{ version: number; definition: ServiceDefinition } | null> {
  const row = await db('services as s')
    .join('service_versions as v', function () {
      this.on('v.service_id', 's.id').andOn('v.version', 's.current_version');
    })
    .where('s.id', serviceId)
    .whereNull('s.retired_at')
    .first('v.version', 'v.definition');
  return row ? { version: row.version, definition: row.definition } : null;
}
