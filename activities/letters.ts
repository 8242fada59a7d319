// The correspondence registry: incoming letters get a gap-free number per Jalali year.
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

export function createLetterActivities(db: Db) {
  return {
    async registerIncomingLetter(input: LetterRegistration): Promise<RegisteredLetter> {
      const department = await db('departments').where({ code: input.departmentCode }).first();
      if (!department) throw new Error(`the department "${input.departmentCode}" does not exist`);
      return db.transaction(async (trx) => {
        // A retried activity finds the letter it already registered.
        const existing = await trx('letters').where({ request_id: input.requestId }).first();
        if (existing) return { number: existing.number, departmentId: existing.department_id };
        const year = jalaliYear(new Date());
        // The counter row is locked until commit, so concurrent registrations queue and a rollback leaves no gap.
        const [{ last_seq: seq }] = await trx.raw(
          `insert into letter_counters (year, last_seq) values (?, 1)
           on conflict (year) do update set last_seq = letter_counters.last_seq + 1
           returning last_seq`,
          [year],
        ).then((r: { rows: { last_seq: number }[] }) => r.rows);
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
