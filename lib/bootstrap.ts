// What a desk needs in its database before it serves anyone: the schema, the departments, the catalogue.
import type { Logger } from 'pino';
import { loadCatalog } from './catalog';
import { syncCatalog } from './catalog-sync';
import type { Config } from './config';
import { migrateLatest, type Db } from './db';
import { seedDemoStaff, seedDepartments } from './demo-data';
import { seedHolidays } from './calendar';
import { jalaliYear } from './jalali';

export async function prepareDatabase(db: Db, config: Config, log: Pick<Logger, 'info' | 'warn'>): Promise<void> {
  const applied = await migrateLatest(db);
  if (applied.length) log.info(`applied ${applied.length} database migrations`);
  await seedDepartments(db);
  // This year's and next year's official holidays, lunar ones marked unconfirmed until an admin checks them.
  const year = jalaliYear(new Date());
  await seedHolidays(db, [year, year + 1]);
  if (config.env !== 'production') await seedDemoStaff(db);
  const { services, problems } = loadCatalog(config.catalogDir);
  // A broken file is reported and skipped; the rest of the desk keeps working.
  for (const p of problems) log.warn(`service catalogue: ${p.file} ${p.pointer} ${p.message} (skipped)`);
  const results = await syncCatalog(db, services);
  const changed = results.filter((r) => r.changed);
  log.info(`service catalogue: ${services.length} services${changed.length ? `, published ${changed.map((r) => `${r.id} v${r.version}`).join(', ')}` : ''}`);
}
