// Departments: created with a code that never changes (letters and service cards refer to it), renamed, given a supervisor.
import { Router, type Request, type Response } from 'express';
import { translate } from '../../lib/i18n';
import { normalizePersianText } from '../../lib/persian';
import { requireAdmin } from '../admin-access';
import { departmentMembers } from '../assignment';
import { audit } from '../audit';
import { decodeCursor, keysetPage, type AppContext } from '../context';
import { notFound } from '../errors';

const PAGE = 50;
const CODE = /^[a-z][a-z0-9-]{1,63}$/;

type FieldErrors = { id: string; messageKey: string }[];

export function departmentName(raw: unknown): string {
  return normalizePersianText(String(raw ?? '')).slice(0, 201);
}

export function adminDepartmentRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  const summary = (res: Response, errors: FieldErrors) => ({
    errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
    errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
  });

  const listPage = async (req: Request) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('departments as d')
      .leftJoin('staff as s', 's.id', 'd.supervisor_staff_id')
      .modify((b) => {
        if (cursor) b.where('d.id', '>', Number(cursor[0]));
      })
      .orderBy('d.id')
      .limit(PAGE + 1)
      .select('d.id', 'd.code', 'd.name', 'd.is_secretariat', 's.display_name as supervisor_name', ctx.db.raw('(select count(*)::int from staff_departments sd where sd.department_id = d.id) as members'));
    const { items, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    return { departments: items, next, pageTitle: 'admin.departments.title' };
  };

  const existing = async (id: unknown) => {
    const n = Number(id);
    const department = Number.isSafeInteger(n) ? await ctx.db('departments').where({ id: n }).first() : null;
    if (!department) throw notFound();
    return department;
  };

  const editPage = async (department: { id: number }, extra: Record<string, unknown> = {}) => ({
    department,
    members: (await departmentMembers(ctx.db, department.id)).map((m: { id: number }) => ({ ...m, selected: m.id === (department as { supervisor_staff_id?: number }).supervisor_staff_id })),
    pageTitle: 'admin.departments.editTitle',
    ...extra,
  });

  router.get('/admin/departments', async (req, res) => {
    res.render('admin/departments', { ...(await listPage(req)), done: req.query.done === 'created' ? 'created' : null });
  });

  router.post('/admin/departments', async (req, res) => {
    const code = String(req.body.code ?? '').trim().toLowerCase().slice(0, 65);
    const name = departmentName(req.body.name);
    const errors: FieldErrors = [];
    if (!CODE.test(code)) errors.push({ id: 'code', messageKey: 'admin.errors.code' });
    else if (await ctx.db('departments').where({ code }).first('id')) errors.push({ id: 'code', messageKey: 'admin.errors.codeTaken' });
    if (name.length < 2 || name.length > 200) errors.push({ id: 'name', messageKey: 'admin.errors.departmentName' });
    if (errors.length) return res.status(422).render('admin/departments', { ...(await listPage(req)), ...summary(res, errors), input: { code, name } });
    const [row] = await ctx.db('departments').insert({ code, name }).returning('id');
    await audit(ctx.db, req, 'department_created', { department: code, id: row.id });
    await ctx.catalog.changed();
    res.redirect(303, '/admin/departments?done=created');
  });

  router.get('/admin/departments/:id', async (req, res) => {
    const department = await existing(req.params.id);
    res.render('admin/department', await editPage(department, { done: ['renamed', 'supervisor'].includes(String(req.query.done)) ? req.query.done : null }));
  });

  router.post('/admin/departments/:id', async (req, res) => {
    const department = await existing(req.params.id);
    const name = departmentName(req.body.name);
    if (name.length < 2 || name.length > 200) {
      return res.status(422).render('admin/department', await editPage(department, { ...summary(res, [{ id: 'name', messageKey: 'admin.errors.departmentName' }]), nameInput: name }));
    }
    // Only the name changes; the code is what letters and service cards point at.
    await ctx.db('departments').where({ id: department.id }).update({ name });
    await audit(ctx.db, req, 'department_renamed', { department: department.code, from: department.name, to: name });
    await ctx.catalog.changed();
    res.redirect(303, `/admin/departments/${department.id}?done=renamed`);
  });

  router.post('/admin/departments/:id/supervisor', async (req, res) => {
    const department = await existing(req.params.id);
    const raw = String(req.body.staffId ?? '');
    const staffId = raw === '' ? null : Number(raw);
    const member = staffId === null ? null : Number.isSafeInteger(staffId) ? await departmentMembers(ctx.db, department.id).where('s.id', staffId).first() : null;
    if (staffId !== null && !member) {
      return res.status(422).render('admin/department', await editPage(department, summary(res, [{ id: 'staffId', messageKey: 'admin.errors.supervisor' }])));
    }
    await ctx.db('departments').where({ id: department.id }).update({ supervisor_staff_id: staffId });
    await audit(ctx.db, req, 'department_supervisor_set', { department: department.code, supervisor: member?.username ?? null });
    await ctx.catalog.changed();
    res.redirect(303, `/admin/departments/${department.id}?done=supervisor`);
  });

  return router;
}
