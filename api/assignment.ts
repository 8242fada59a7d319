// Who handles a request inside its department, and how much working time it has left.
import type { Knex } from 'knex';
import type { Db } from '../lib/db';
import { translate, type Locale } from '../lib/i18n';
import { DAY_MS, workingMsBetween, type Weekday } from '../lib/jalali';
import { toPersianDigits } from '../lib/persian';
import type { StaffUser } from './session';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export const ASSIGNEE_FILTERS = ['all', 'mine', 'unassigned'] as const;
export type AssigneeFilter = (typeof ASSIGNEE_FILTERS)[number];

export function assigneeFilterOf(raw: unknown): AssigneeFilter {
  return ASSIGNEE_FILTERS.includes(raw as AssigneeFilter) ? (raw as AssigneeFilter) : 'all';
}

/** Narrows an inbox query on `requests as r` to my requests or to those nobody has taken. */
export function applyAssigneeFilter(builder: Knex.QueryBuilder, who: AssigneeFilter, staffId: number): void {
  if (who === 'mine') builder.where('r.assigned_to', staffId);
  if (who === 'unassigned') builder.whereNull('r.assigned_to');
}

/** «۲ روز مانده» / «۳ ساعت گذشته»: working time to the due moment, the weekend and holidays left out. */
export function slaCountdown(due: Date | string | null, now: Date, holidays: ReadonlySet<string>, locale: Locale, weekend?: ReadonlySet<Weekday>): string {
  if (!due) return '';
  const ms = workingMsBetween(now, new Date(due), holidays, weekend);
  const left = ms >= 0;
  const abs = Math.abs(ms);
  let unit = 'minutes';
  let n = Math.max(1, Math.floor(abs / MINUTE_MS));
  if (abs >= DAY_MS) [unit, n] = ['days', Math.floor(abs / DAY_MS)];
  else if (abs >= HOUR_MS) [unit, n] = ['hours', Math.floor(abs / HOUR_MS)];
  const shown = locale === 'fa' ? toPersianDigits(n) : String(n);
  return translate(locale, `assign.countdown.${unit}${left ? 'Left' : 'Over'}`, { n: shown });
}

/** Supervisors of the department (by role or as its named supervisor) and admins hand work out. */
export async function canAssignIn(db: Db, staff: StaffUser, departmentId: number | null): Promise<boolean> {
  if (staff.role === 'admin') return true;
  if (departmentId === null || !staff.departmentIds.includes(departmentId)) return false;
  if (staff.role === 'supervisor') return true;
  const department = await db('departments').where({ id: departmentId }).first('supervisor_staff_id');
  return department?.supervisor_staff_id === staff.id;
}

/** Active members of a department, the people a request there can be assigned to. */
export function departmentMembers(db: Db, departmentId: number) {
  return db('staff as s')
    .join('staff_departments as sd', 'sd.staff_id', 's.id')
    .where({ 'sd.department_id': departmentId, 's.active': true })
    .orderBy('s.display_name')
    .select('s.id', 's.username', 's.display_name');
}

const DONE = ['claimed', 'released', 'assigned'];

/** What the request page shows about its assignee, and which of claim / release / assign I may do. */
export async function assignmentPanel(db: Db, staff: StaffUser, request: { department_id: number | null; assigned_to?: number | null; closed_at?: Date | null }, done: unknown) {
  const assignedTo = request.assigned_to ?? null;
  const open = !request.closed_at;
  const member = request.department_id !== null && staff.departmentIds.includes(request.department_id);
  const supervises = open && (await canAssignIn(db, staff, request.department_id));
  const [assignee, members] = await Promise.all([
    assignedTo ? db('staff').where({ id: assignedTo }).first('id', 'username', 'display_name') : null,
    supervises && request.department_id !== null ? departmentMembers(db, request.department_id) : [],
  ]);
  return {
    assignee,
    canClaim: open && member && !assignedTo,
    canRelease: open && !!assignedTo && (assignedTo === staff.id || supervises),
    canAssign: supervises,
    members: members.map((m: { id: number }) => ({ ...m, selected: m.id === assignedTo })),
    done: DONE.includes(String(done)) ? String(done) : null,
  };
}
