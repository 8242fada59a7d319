// The first admin of a production desk is made from the command line, and can then sign in.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDesk, type Desk } from './helpers/desk';
import { Browser, textOf } from '../scripts/stack/http-browser';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

test('admin:create makes an admin who signs in and reaches the admin pages; a bad name is refused', async () => {
  const username = `chief-${Date.now() % 100000}`;
  const { stdout } = await run(tsx, [path.join(root, 'scripts', 'create-admin.ts'), username], {
    cwd: root,
    env: { ...process.env, ADMIN_PASSWORD: 'a-long-enough-secret' },
  });
  expect(stdout).toContain(`admin "${username}" is ready`);
  expect(stdout).not.toContain('a-long-enough-secret');

  const browser = new Browser(desk.url);
  const page = await browser.post('/staff/login', { username, password: 'a-long-enough-secret', next: '/admin/services' });
  expect(page.status).toBe(200);
  expect(page.url).toBe('/admin/services');
  const row = await desk.db('staff').where({ username }).first();
  expect(row.role).toBe('admin');
  expect(row.password_hash).toMatch(/^\$argon2id\$/);

  const refused = await run(tsx, [path.join(root, 'scripts', 'create-admin.ts'), '../x'], { cwd: root, env: process.env }).catch((e) => e);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('usage: npm run admin:create');
  expect(textOf((await browser.get('/admin/services')).html)).toContain(username);
});
