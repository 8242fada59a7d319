// Staff accounts: who they are, what role, which departments; deactivation, password reset and unlocking.
import argon2 from 'argon2';
import { Router, type Response } from 'express';
import { translate } from '../../lib/i18n';
import { normalizePersianText } from '../../lib/persian';
import { requireAdmin } from '../admin-access';
import { audit } from '../audit';
import { decodeCursor, encodeCursor, type AppContext } from '../context';
import { notFound } from '../errors';

const PAGE = 50;
const ROLES = ['secretariat', 'reviewer', 'supervisor', 'counter', 'admin'] as const;
const USERNAME = /^[a-z][a-z0-9._-]{2,63}$/;
const MIN_PASSWORD = 10;

type FieldErrors = { id: string; messageKey: string }[];

interface StaffInput {
  username: string;
  displayName: string;
  role: string;
  departments: number[];
  password: string;
}

function readInput(body: Record<string, unknown>): StaffInput {
  const list = Array.isArray(body.departments) ? body.departments : body.departments === undefined ? [] : [body.departments];
  return {
    username: String(body.username ?? '').trim().toLowerCase().slice(0, 65),
    displayName: normalizePersianText(String(body.displayName ?? '')).slice(0, 201),
    role: String(body.role ?? ''),
    departments: [...new Set(list.slice(0, 50).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0))],
    password: String(body.password ?? '').slice(0, 201),
  };
}

export function adminStaffRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  const summary = (res: Response, errors: FieldErrors) => ({
    errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
    errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
  });

  const departmentChoices = async (chosen: number[]) =>
    (await ctx.db('departments').orderBy('id').select('id', 'name')).map((d: { id: number }) => ({ ...d, checked: chosen.includes(d.id) }));

  /** Display name, role and departments are checked the same way on creation and on edit. */
  const checkProfile = async (input: StaffInput, errors: FieldErrors) => {
    if (input.displayName.length < 2 || input.displayName.length > 200) errors.push({ id: 'displayName', messageKey: 'admin.errors.displayName' });
    if (!ROLES.includes(input.role as (typeof ROLES)[number])) errors.push({ id: 'role', messageKey: 'admin.errors.role' });
    const known = input.departments.length ? await ctx.db('departments').whereIn('id', input.departments).pluck('id') : [];
    if (known.length !== input.departments.length || (input.role !== 'admin' && input.role !== 'counter' && !known.length)) errors.push({ id: 'departments', messageKey: 'admin.errors.departments' });
  };

  const existing = async (id: unknown) => {
    const n = Number(id);
    const member = Number.isSafeInteger(n) ? await ctx.db('staff').where({ id: n }).first() : null;
    if (!member) throw notFound();
    return member;
  };

  type Member = { id: number; display_name: string; role: string; locked_until: Date | null };
  const isLocked = (m: { locked_until: Date | null }) => !!m.locked_until && new Date(m.locked_until).getTime() > Date.now();

  const editPage = async (member: Member, extra: Record<string, unknown> = {}) => {
    const chosen: number[] = await ctx.db('staff_departments').where({ staff_id: member.id }).pluck('department_id');
    return {
      member,
      input: { displayName: member.display_name, role: member.role },
      roles: ROLES,
      departments: await departmentChoices(chosen),
      locked: isLocked(member),
      pageTitle: 'admin.staff.editTitle',
      ...extra,
    };
  };

  router.get('/admin/staff', async (req, res) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('staff as s')
      .modify((b) => {
        if (cursor) b.where('s.username', '>', String(cursor[0]));
      })
      .orderBy('s.username')
      .limit(PAGE + 1)
      .select('s.id', 's.username', 's.display_name', 's.role', 's.active', 's.locked_until', ctx.db.raw(
        `(select array_agg(d.name order by d.name) from staff_departments sd join departments d on d.id = sd.department_id where sd.staff_id = s.id) as department_names`,
      ));
    const page = rows.slice(0, PAGE).map((r: Member) => ({ ...r, locked: isLocked(r) }));
    res.render('admin/staff', {
      staff: page,
      next: rows.length > PAGE ? encodeCursor([(page[page.length - 1] as { username: string }).username]) : null,
      done: req.query.done === 'created' ? 'created' : null,
      pageTitle: 'admin.staff.title',
    });
  });

  router.get('/admin/staff/new', async (_req, res) => {
    res.render('admin/staff-new', { input: { role: 'reviewer' }, roles: ROLES, departments: await departmentChoices([]), pageTitle: 'admin.staff.newTitle' });
  });

  router.post('/admin/staff', async (req, res) => {
    const input = readInput(req.body);
    const errors: FieldErrors = [];
    if (!USERNAME.test(input.username)) errors.push({ id: 'username', messageKey: 'admin.errors.username' });
    else if (await ctx.db('staff').where({ username: input.username }).first('id')) errors.push({ id: 'username', messageKey: 'admin.errors.usernameTaken' });
    await checkProfile(input, errors);
    if (input.password.length < MIN_PASSWORD || input.password.length > 200) errors.push({ id: 'password', messageKey: 'admin.errors.password' });
    if (errors.length) {
      // The password is never sent back to the page.
      return res.status(422).render('admin/staff-new', { input: { ...input, password: '' }, roles: ROLES, departments: await departmentChoices(input.departments), ...summary(res, errors), pageTitle: 'admin.staff.newTitle' });
    }
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    await ctx.db.transaction(async (trx) => {
      const [row] = await trx('staff').insert({ username: input.username, display_name: input.displayName, role: input.role, password_hash: passwordHash }).returning('id');
      if (input.departments.length) await trx('staff_departments').insert(input.departments.map((id) => ({ staff_id: row.id, department_id: id })));
    });
    await audit(ctx.db, req, 'staff_created', { username: input.username, role: input.role, departments: input.departments });
    res.redirect(303, '/admin/staff?done=created');
  });

  router.get('/admin/staff/:id', async (req, res) => {
    const member = await existing(req.params.id);
    const done = ['updated', 'deactivated', 'reactivated', 'password', 'unlocked'].includes(String(req.query.done)) ? req.query.done : null;
    res.render('admin/staff-edit', await editPage(member, { done }));
  });

  router.post('/admin/staff/:id', async (req, res) => {
    const member = await existing(req.params.id);
    const input = readInput(req.body);
    const errors: FieldErrors = [];
    await checkProfile(input, errors);
    if (member.id === req.staff!.id && input.role !== 'admin') errors.push({ id: 'role', messageKey: 'admin.errors.selfRole' });
    if (errors.length) {
      return res.status(422).render('admin/staff-edit', {
        ...(await editPage(member)),
        input,
        departments: await departmentChoices(input.departments),
        ...summary(res, errors),
      });
    }
    await ctx.db.transaction(async (trx) => {
      await trx('staff').where({ id: member.id }).update({ display_name: input.displayName, role: input.role });
      await trx('staff_departments').where({ staff_id: member.id }).delete();
      if (input.departments.length) await trx('staff_departments').insert(input.departments.map((id) => ({ staff_id: member.id, department_id: id })));
    });
    await audit(ctx.db, req, 'staff_updated', { username: member.username, role: input.role, departments: input.departments });
    res.redirect(303, `/admin/staff/${member.id}?done=updated`);
  });

  const refuse = async (res: Response, member: Member, id: string, messageKey: string) =>
    res.status(422).render('admin/staff-edit', { ...(await editPage(member)), ...summary(res, [{ id, messageKey }]) });

  router.post('/admin/staff/:id/deactivate', async (req, res) => {
    const member = await existing(req.params.id);
    if (member.id === req.staff!.id) return refuse(res, member, 'deactivate', 'admin.errors.selfDeactivate');
    await ctx.db('staff').where({ id: member.id }).update({ active: false });
    // Signed out everywhere at once.
    await ctx.db('sessions').where({ staff_id: member.id }).delete();
    await audit(ctx.db, req, 'staff_deactivated', { username: member.username });
    res.redirect(303, `/admin/staff/${member.id}?done=deactivated`);
  });

  router.post('/admin/staff/:id/reactivate', async (req, res) => {
    const member = await existing(req.params.id);
    await ctx.db('staff').where({ id: member.id }).update({ active: true });
    await audit(ctx.db, req, 'staff_reactivated', { username: member.username });
    res.redirect(303, `/admin/staff/${member.id}?done=reactivated`);
  });

  router.post('/admin/staff/:id/password', async (req, res) => {
    const member = await existing(req.params.id);
    const password = String(req.body.password ?? '').slice(0, 201);
    if (password.length < MIN_PASSWORD || password.length > 200) return refuse(res, member, 'password', 'admin.errors.password');
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    await ctx.db('staff').where({ id: member.id }).update({ password_hash: passwordHash, failed_logins: 0, locked_until: null });
    await ctx.throttles.staffUnlocked(member.username);
    // Whoever knew the old password is signed out (the admin doing this keeps this session).
    await ctx.db('sessions').where({ staff_id: member.id }).whereNot('id', req.sessionId ?? '').delete();
    await audit(ctx.db, req, 'staff_password_reset', { username: member.username });
    res.redirect(303, `/admin/staff/${member.id}?done=password`);
  });

  router.post('/admin/staff/:id/unlock', async (req, res) => {
    const member = await existing(req.params.id);
    await ctx.db('staff').where({ id: member.id }).update({ failed_logins: 0, locked_until: null });
    await ctx.throttles.staffUnlocked(member.username);
    await audit(ctx.db, req, 'staff_unlocked', { username: member.username });
    res.redirect(303, `/admin/staff/${member.id}?done=unlocked`);
  });

  return router;
}
