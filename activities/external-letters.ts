// Incoming letters numbered by the agency's correspondence system (LETTER_REGISTRY=http) instead of our own counter.
import { ApplicationFailure } from '@temporalio/common';
import { PermanentError } from '../adapters/http';
import type { ExternalLetterRegistry, OutgoingLetter } from '../adapters/letter-registry';
import type { Db } from '../lib/db';
import { jalaliYear } from '../lib/jalali';
import { renderText } from '../lib/text-template';
import { LETTER_REFUSED, type ServiceDefinition } from '../workflows/types';
import type { LetterRegistration, RegisteredLetter } from './letters';
import { toPersianDigitsInWords } from '../lib/persian';

const refused = (message: string) => ApplicationFailure.nonRetryable(message.slice(0, 500), LETTER_REFUSED);

/** The citizen's answers as plain lines, `label: value`, in the order of the form. */
export function answersAsText(definition: Pick<ServiceDefinition, 'fields'>, answers: Record<string, string>): string {
  return definition.fields
    .filter((f) => (answers[f.key] ?? '') !== '')
    .map((f) => {
      const value = answers[f.key];
      const option = f.options?.find((o) => o.value === value);
      // Answers are stored with Latin digits; the letter is Persian text, read by people.
      return `${f.label}: ${toPersianDigitsInWords(option ? option.label : value)}`;
    })
    .join('\n');
}

export function createExternalLetterActivities(db: Db, registry: ExternalLetterRegistry) {
  return {
    async registerIncomingLetter(input: LetterRegistration): Promise<RegisteredLetter> {
      const existing = await db('letters').where({ request_id: input.requestId, direction: 'incoming' }).first();
      if (existing) return { number: existing.number, departmentId: existing.department_id };
      const department = await db('departments').where({ code: input.departmentCode }).first();
      if (!department) throw refused(`the department "${input.departmentCode}" does not exist`);
      const request = await db('requests').where({ id: input.requestId }).first();
      const version = await db('service_versions').where({ service_id: request.service_id, version: request.service_version }).first('definition');
      const attachments = await db('documents')
        .where({ request_id: input.requestId })
        .orderBy('id')
        .select('id', 'original_name as name', 'mime', 'size_bytes as size', 'sha256');
      const letter: OutgoingLetter = {
        trackingCode: request.tracking_code,
        subject: renderText(input.subjectTemplate, input.vars).slice(0, 300),
        sender: input.sender.slice(0, 200),
        body: answersAsText(version.definition, request.answers),
        department: department.code,
        receivedAt: new Date(request.created_at).toISOString(),
        attachments: attachments.map((a) => ({ ...a, id: Number(a.id) })),
      };
      let number: string;
      try {
        ({ number } = await registry.register(letter));
      } catch (error) {
        // Temporary failures are thrown as they are, so Temporal retries them; a refusal is final.
        if (error instanceof PermanentError) throw refused(error.message);
        throw error;
      }
      return db.transaction(async (trx) => {
        const inserted = await trx('letters')
          .insert({
            number,
            year: jalaliYear(new Date()),
            seq: null,
            registry: 'http',
            request_id: input.requestId,
            department_id: department.id,
            sender: letter.sender,
            subject: letter.subject,
            registered_by: input.registeredBy.slice(0, 64),
          })
          .onConflict('number')
          .ignore()
          .returning('request_id');
        if (!inserted.length) {
          const holder = await trx('letters').where({ number }).first('request_id');
          // Our own earlier attempt is fine; the same number on another request is the other system's error.
          if (Number(holder?.request_id) !== Number(input.requestId)) throw refused(`the correspondence system gave number ${number}, already held by another letter`);
        }
        await trx('requests').where({ id: input.requestId }).update({ letter_number: number, department_id: department.id });
        return { number, departmentId: department.id };
      });
    },
  };
}
