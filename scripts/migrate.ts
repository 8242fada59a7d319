// `npm run migrate`: brings the database schema up to date.
import { loadConfigOrExit } from '../lib/config';
import { createDb, migrateLatest } from '../lib/db';

async function main() {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    console.error('configuration error: DATABASE_URL must be set to migrate (npm start migrates the embedded database itself)');
    process.exit(1);
  }
  const db = createDb(config.databaseUrl);
  const applied = await migrateLatest(db);
  console.log(applied.length ? `applied ${applied.length} migrations` : 'schema up to date');
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
