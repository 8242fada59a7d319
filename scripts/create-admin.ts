// `npm run admin:create -- <username>`: the first admin of a production desk (demo accounts never exist there).
// The password comes from ADMIN_PASSWORD, or a random one is made and printed once.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { loadConfigOrExit } from '../lib/config';
import { createDb } from '../lib/db';

async function main() {
  const config = loadConfigOrExit();
  const username = (process.argv[2] ?? '').trim().toLowerCase();
  if (!/^[a-z][a-z0-9._-]{2,63}$/.test(username)) {
    console.error('usage: npm run admin:create -- <username>   (3–64 characters: a-z, 0-9, . _ -)');
    process.exit(1);
  }
  if (!config.databaseUrl) {
    console.error('configuration error: DATABASE_URL must be set');
    process.exit(1);
  }
  const password = config.adminPassword ?? randomBytes(12).toString('base64url');
  if (password.length < 10) {
    console.error('ADMIN_PASSWORD must have at least 10 characters');
    process.exit(1);
  }
  const db = createDb(config.databaseUrl);
  const hash = await argon2.hash(password, { type: argon2.argon2id });
  await db('staff')
    .insert({ username, display_name: username, role: 'admin', password_hash: hash, active: true })
    .onConflict('username')
    .merge({ role: 'admin', password_hash: hash, active: true, failed_logins: 0, locked_until: null });
  await db.destroy();
  console.log(`admin "${username}" is ready${config.adminPassword ? '' : `; password: ${password}`}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
