// `npm run catalog:sync`: publishes changed files of service-catalog/ as new service versions.
import { loadConfigOrExit } from '../lib/config';
import { createDb } from '../lib/db';
import { prepareDatabase } from '../lib/bootstrap';

async function main() {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    console.error('configuration error: DATABASE_URL must be set (npm start syncs the embedded database itself)');
    process.exit(1);
  }
  const db = createDb(config.databaseUrl);
  await prepareDatabase(db, config, { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m) } as never);
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
