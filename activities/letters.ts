// The correspondence registry: incoming and outgoing letters each get a gap-free number per Jalali year.
import type { Knex } from 'knex';
import type { Db } from '../lib/db';
import { jalaliYear } from '../lib/jalali';
import { renderText } from '../lib/text-template';

export interface LetterRegistration {
  requestId: number;
  departmentCode: string;
  subjectTemplate: string;
  vars: Record<string, unknown>;
  sender: string;
  registeredBy: string;
}

export interface RegisteredLetter {
  number: string;
  departmentId: number;
}

/** 1405/012/0042: year, handling department, sequence within the year. */
export function formatLetterNumber(year: number, departmentId: number, seq: number): string {
  return `${year}/${String(departmentId).padStart(3, '0')}/${String(seq).padStart(4, '0')}`;
}

/** 1405/012/ص/0042: an outgoing letter (صادره) of the year, from the department, its own sequence. */
export function formatOutgoingNumber(year: number, departmentId: number, seq: number): string {
  return `${year}/${String(departmentId).padStart(3, '0')}/ص/${String(seq).padStart(4, '0')}`;
}

/** The next number of a series. The counter row stays locked until commit, so concurrent registrations queue and a rollback leaves no gap. */
async function nextSeq(trx: Knex.Transaction, year: number, direction: 'incoming' | 'outgoing'): Promise<number> {
  const { rows } = await trx.raw(
    `insert into letter_counters (year, direction, last_seq) values (?, ?, 1)
     on conflict (year, direction) do update set last_seq = letter_counters.last_seq + 1
     returning last_seq`,
    [year, direction],
  );
  return rows[0].last_seq;
}

export interface OutgoingRegistration {
  requestId: number;
  /** the deliver step issuing it: one outgoing letter per step of a request */
  stepId: string;
  subject: string;
  recipient: string;
  registeredBy: string;
}

export interface OutgoingLetter {
  id: number;
  number: string;
  registeredAt: Date;
  inReplyTo: string | null;
}

/** Registers the document a request issues as an outgoing letter, answering the request's incoming letter; a retry finds the one already registered. */
export async function registerOutgoingLetter(db: Db, input: OutgoingRegistration): Promise<OutgoingLetter> {
  const found = (trx: Db | Knex.Transaction) =>
    trx('letters as l')
        .leftJoin('letters as i', 'i.id', 'l.in_reply_to')
        .where({ 'l.request_id': input.requestId, 'l.step_id': input.stepId, 'l.direction': 'outgoing' })
      .first('l.id', 'l.number', 'l.registered_at', 'i.number as in_reply_to');
  const shaped = (row: { id: number; number: string; registered_at: Date; in_reply_to: string | null }) => ({ id: Number(row.id), number: row.number, registeredAt: row.registered_at, inReplyTo: row.in_reply_to });
  const registered = db.transaction(async (trx) => {
    const existing = await found(trx);
    if (existing) return shaped(existing);
    const request = await trx('requests').where({ id: input.requestId }).first('department_id');
    const incoming = await trx('letters').where({ request_id: input.requestId, direction: 'incoming' }).first('id', 'department_id');
    const departmentId = request?.department_id ?? incoming?.department_id;
    if (!departmentId) throw new Error(`request ${input.requestId} has no department to issue its letter from`);
    const department = await trx('departments').where({ id: departmentId }).first('name');
    const year = jalaliYear(new Date());
    const seq = await nextSeq(trx, year, 'outgoing');
    await trx('letters').insert({
      number: formatOutgoingNumber(year, departmentId, seq),
      year,
      seq,
      direction: 'outgoing',
      request_id: input.requestId,
      step_id: input.stepId,
      in_reply_to: incoming?.id ?? null,
      department_id: departmentId,
      sender: String(department?.name ?? '').slice(0, 200),
      recipient: input.recipient.slice(0, 200),
      subject: input.subject.slice(0, 300),
      registered_by: input.registeredBy.slice(0, 64),
    });
    return shaped((await found(trx))!);
  });
  try {
    return await registered;
  } catch (error) {
    // Two registrations of one document at once: the second's transaction (and its number) is rolled back; the first one's letter stands.
    const twin = (error as { code?: string }).code === '23505' ? await found(db) : null;
    if (twin) return shaped(twin);
    throw error;
  }
}

export function createLetterActivities(db: Db) {
  return {
    async registerIncomingLetter(input: LetterRegistration): Promise<RegisteredLetter> {
      const department = await db('departments').where({ code: input.departmentCode }).first();
      if (!department) throw new Error(`the department "${input.departmentCode}" does not exist`);
      return db.transaction(async (trx) => {
        // A retried activity finds the letter it already registered.
        const existing = await trx('letters').where({ request_id: input.requestId, direction: 'incoming' }).first();
        if (existing) return { number: existing.number, departmentId: existing.department_id };
        const year = jalaliYear(new Date());
        const seq = await nextSeq(trx, year, 'incoming');
        const number = formatLetterNumber(year, department.id, seq);
        await trx('letters').insert({
          number,
          year,
          seq,
          request_id: input.requestId,
          department_id: department.id,
          sender: input.sender.slice(0, 200),
          subject: renderText(input.subjectTemplate, input.vars).slice(0, 300),
          registered_by: input.registeredBy,
        });
        await trx('requests').where({ id: input.requestId }).update({ letter_number: number, department_id: department.id });
        return { number, departmentId: department.id };
      });
    },
  };
}
