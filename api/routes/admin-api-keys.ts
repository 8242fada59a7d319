// Admins give each outside system its own key (shown once), see who holds which scopes, and revoke.
import { Router, type Request, type Response } from 'express';
import { translate } from '../../lib/i18n';
import { requireAdmin } from '../admin-access';
import { API_SCOPES, createApiClient, type ApiScope } from '../api-clients';
import { audit } from '../audit';
import { decodeCursor, keysetPage, type AppContext } from '../context';
import { notFound } from '../errors';

const PAGE = 50;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{1,99}$/u;

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)]);

export function adminApiKeyRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin/api-keys', requireAdmin);

  const listPage = async (req: Request) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('api_clients')
      .modify((q) => {
        if (cursor) q.where('id', '<', Number(cursor[0]));
      })
      .orderBy('id', 'desc')
      .limit(PAGE + 1)
      .select('id', 'name', 'key_prefix', 'scopes', 'department_ids', 'created_at', 'revoked_at');
    const { items, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    const departments: { id: number; code: string; name: string }[] = await ctx.db('departments').orderBy('name').select('id', 'code', 'name');
    const nameOf = new Map(departments.map((d) => [d.id, d.name]));
    const clients = (items as unknown as { department_ids: number[] | null }[]).map((c) => ({ ...c, departmentNames: (c.department_ids ?? []).map((id) => nameOf.get(id)).filter(Boolean) }));
    return { clients, next, scopes: API_SCOPES, departments, pageTitle: 'apiKeys.title' };
  };

  const refuse = async (req: Request, res: Response, errors: { id: string; messageKey: string }[], input: Record<string, unknown>) =>
    res.status(422).render('admin/api-keys', {
      ...(await listPage(req)),
      input,
      errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
      errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
    });

  router.get('/admin/api-keys', async (req, res) => {
    res.render('admin/api-keys', { ...(await listPage(req)), revoked: req.query.done === 'revoked' });
  });

  router.post('/admin/api-keys', async (req, res) => {
    const name = String(req.body.name ?? '').trim().replace(/\s+/g, ' ').slice(0, 101);
    const scopes = [...new Set(asList(req.body.scopes))];
    const departmentIds = [...new Set(asList(req.body.departments).map(Number))];
    const known = departmentIds.length && departmentIds.every(Number.isSafeInteger) ? await ctx.db('departments').whereIn('id', departmentIds).pluck('id') : [];
    const errors: { id: string; messageKey: string }[] = [];
    if (!NAME.test(name)) errors.push({ id: 'name', messageKey: 'apiKeys.errors.name' });
    else if (await ctx.db('api_clients').where({ name }).first('id')) errors.push({ id: 'name', messageKey: 'apiKeys.errors.nameTaken' });
    if (!scopes.length || scopes.some((s) => !API_SCOPES.includes(s as ApiScope))) errors.push({ id: 'scope-0', messageKey: 'apiKeys.errors.scopes' });
    // A key reads and decides for the departments it names only: at least one, each real.
    if (!departmentIds.length || known.length !== departmentIds.length) errors.push({ id: 'department-0', messageKey: 'apiKeys.errors.departments' });
    if (errors.length) return refuse(req, res, errors, { name, scopes, departments: departmentIds.map(String) });
    const created = await createApiClient(ctx.db, { name, scopes: scopes as ApiScope[], departmentIds, createdBy: req.staff!.id });
    await audit(ctx.db, req, 'api_key_created', { clientId: created.id, name, scopes, departmentIds });
    // The page that shows the key must not be kept by any cache on the way.
    res.set('Cache-Control', 'no-store');
    res.status(201).render('admin/api-keys', { ...(await listPage(req)), createdKey: created.key, createdName: name });
  });

  router.post('/admin/api-keys/:id/revoke', async (req, res) => {
    const id = Number(req.params.id);
    const client = Number.isSafeInteger(id) ? await ctx.db('api_clients').where({ id }).first() : null;
    if (!client) throw notFound();
    if (!client.revoked_at) {
      await ctx.db('api_clients').where({ id }).update({ revoked_at: ctx.db.fn.now() });
      await audit(ctx.db, req, 'api_key_revoked', { clientId: id, name: client.name });
    }
    res.redirect(303, '/admin/api-keys?done=revoked');
  });

  return router;
}
