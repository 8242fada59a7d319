// Files chosen on the apply form belong to the citizen's draft until the request is submitted.
import type { Locale } from '../lib/i18n';
import type { FieldError } from '../lib/forms';
import type { RequiredDocument, ServiceDefinition } from '../workflows/types';
import type { AppContext } from './context';
import { documentStoreFor, storeDocument, type DocumentRow } from './documents';
import { checkUpload, inputName, tooLargeError, type MultipartForm } from './uploads';

/** Applies the form's files to the draft: a new file replaces its document's earlier one, "remove" drops an optional one. */
export async function saveDraftUploads(ctx: AppContext, citizenId: number, definition: ServiceDefinition, form: MultipartForm, locale: Locale, uploadedBy: 'citizen' | 'staff' = 'citizen'): Promise<FieldError[]> {
  const store = documentStoreFor(ctx.config);
  const errors: FieldError[] = [];
  const unused: string[] = [];
  const draftOf = { citizen_id: citizenId, service_id: definition.id };
  for (const doc of definition.documents) {
    if (form.tooLargeField === inputName(doc.key)) {
      errors.push(tooLargeError(doc, locale));
      continue;
    }
    const file = form.files.find((f) => f.field === inputName(doc.key));
    const remove = !doc.required && form.body[`remove-${doc.key}`] === 'yes';
    if (!file && !remove) continue;
    const checked = file ? checkUpload(doc, file, locale) : null;
    if (checked && !checked.ok) {
      errors.push(checked.error);
      continue;
    }
    await ctx.db.transaction(async (trx) => {
      // Two tabs uploading to one draft take turns.
      await trx('drafts').where(draftOf).forUpdate().first('id');
      const old = await trx('documents').whereNull('request_id').where({ ...draftOf, doc_key: doc.key }).delete().returning('storage_key');
      unused.push(...old.map((o: { storage_key: string }) => o.storage_key));
      if (file && checked?.ok) {
        await storeDocument(trx, store, { requestId: null, citizenId, serviceId: definition.id, docKey: doc.key, name: checked.name, mime: checked.mime, bytes: file.bytes, uploadedBy });
      }
    });
  }
  for (const key of unused) await store.delete(key).catch((error) => ctx.log.warn({ err: error, key }, 'could not remove a replaced document'));
  return errors;
}

/** Required documents of the card with nothing uploaded and no other complaint already made about them. */
export function missingRequiredDocuments(documents: RequiredDocument[], uploaded: DocumentRow[], already: FieldError[] = []): FieldError[] {
  return documents
    .filter((d) => d.required && !uploaded.some((u) => u.doc_key === d.key) && !already.some((e) => e.key === d.key))
    .map((d) => ({ key: d.key, messageKey: 'documents.errors.required', vars: { title: d.title } }));
}
