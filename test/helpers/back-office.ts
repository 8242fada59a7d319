// Requests already routed to a department, and staff accounts made through the admin pages.
import { randomBytes } from 'node:crypto';
import type { Browser } from '../../scripts/stack/http-browser';
import { eventually, uniqueMobile, type Desk } from './desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './journeys';

export interface RoutedLetter {
  code: string;
  mobile: string;
  requestId: number;
  letterNumber: string;
  departmentId: number;
}

/** A general letter approved by the secretariat and now waiting for review in `department`. */
export async function routedLetter(desk: Desk, department: string, answers: Record<string, string> = {}): Promise<RoutedLetter> {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', { ...letterAnswers(department), ...answers });
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  const decided = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  if (decided.status !== 200) throw new Error(`the secretariat could not approve ${code}: ${decided.status}`);
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.status === 'in_progress' && row.awaiting === 'review' && row.letter_number ? row : null;
  }, 20_000, `${code} to wait for department review`);
  return { code, mobile, requestId: request.id, letterNumber: request.letter_number, departmentId: request.department_id };
}

export const uniqueName = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** Creates a staff account through the admin page; returns its id. */
export async function createStaff(desk: Desk, admin: Browser, input: { username: string; displayName: string; role: string; departments: string[]; password: string }): Promise<number> {
  const ids = await desk.db('departments').whereIn('code', input.departments).pluck('id');
  const { displayName, ...rest } = input;
  const page = await admin.post('/admin/staff', { ...rest, displayName, departments: ids.map(String) });
  if (page.status !== 200) throw new Error(`staff not created: ${page.status} ${page.html.slice(0, 500)}`);
  return (await desk.db('staff').where({ username: input.username }).first('id')).id;
}
