// The documents a citizen sent: stored bytes in the document store, one row each in PostgreSQL.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { createDocumentStore, newStorageKey, type DocumentStore } from '../adapters/documents';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { DocumentMime } from '../lib/file-types';
import { translate, type Locale } from '../lib/i18n';
import type { FieldError } from '../lib/forms';
import { documentSizeText } from '../lib/document-size';
import type { RequiredDocument } from '../workflows/types';
import { inputName } from './uploads';

export interface DocumentRow {
  id: number;
  request_id: number | null;
  citizen_id: number;
  service_id: string;
  doc_key: string;
  original_name: string;
  mime: DocumentMime;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: 'citizen' | 'staff';
  created_at: Date;
}

/** Beyond this a request takes no more files: its document list stays short enough to show whole. */
export const MAX_DOCUMENTS_PER_REQUEST = 40;

const stores = new WeakMap<Config, DocumentStore>();

/** One store per configuration, made on first use. */
export function documentStoreFor(config: Config): DocumentStore {
  let store = stores.get(config);
  if (!store) stores.set(config, (store = createDocumentStore(config)));
  return store;
}

export interface NewDocument {
  requestId: number | null;
  citizenId: number;
  serviceId: string;
  docKey: string;
  name: string;
  mime: DocumentMime;
  bytes: Buffer;
  uploadedBy: 'citizen' | 'staff';
}

/** Writes the bytes under a random key, then the row; if the row cannot be written the bytes are removed again. */
export async function storeDocument(db: Db | Knex.Transaction, store: DocumentStore, doc: NewDocument): Promise<DocumentRow> {
  const storageKey = newStorageKey();
  await store.put(storageKey, doc.bytes, { contentType: doc.mime });
  try {
    const [row] = await db('documents')
      .insert({
        request_id: doc.requestId,
        citizen_id: doc.citizenId,
        service_id: doc.serviceId,
        doc_key: doc.docKey,
        original_name: doc.name,
        mime: doc.mime,
        size_bytes: doc.bytes.length,
        sha256: createHash('sha256').update(doc.bytes).digest('hex'),
        storage_key: storageKey,
        uploaded_by: doc.uploadedBy,
      })
      .returning('*');
    return row;
  } catch (error) {
    await store.delete(storageKey).catch(() => undefined);
    throw error;
  }
}

export function draftDocuments(db: Db | Knex.Transaction, citizenId: number, serviceId: string): Promise<DocumentRow[]> {
  return db('documents').whereNull('request_id').where({ citizen_id: citizenId, service_id: serviceId }).orderBy('id');
}

export function requestDocuments(db: Db, requestId: number): Promise<DocumentRow[]> {
  return db('documents').where({ request_id: requestId }).orderBy('id').limit(MAX_DOCUMENTS_PER_REQUEST);
}

/** A document as lists show it: its card title, name, type and size. */
export function documentListItem(doc: DocumentRow, cardDocuments: RequiredDocument[], locale: Locale) {
  const card = cardDocuments.find((d) => d.key === doc.doc_key);
  return {
    id: doc.id,
    title: card?.title ?? translate(locale, 'documents.additional'),
    name: doc.original_name,
    type: translate(locale, `fileTypes.${doc.mime}`),
    isImage: doc.mime.startsWith('image/'),
    sizeKb: Math.max(1, Math.ceil(doc.size_bytes / 1024)),
    uploadedBy: doc.uploaded_by,
    createdAt: doc.created_at,
  };
}

/** The file inputs of a form: one per document of the card, with what is already uploaded and any error. */
export function documentInputs(documents: RequiredDocument[], uploaded: DocumentRow[], errors: FieldError[], locale: Locale) {
  return documents.map((doc) => {
    const error = errors.find((e) => e.key === doc.key);
    const current = uploaded.filter((u) => u.doc_key === doc.key).pop();
    return {
      ...doc,
      id: `d-${doc.key}`,
      input: inputName(doc.key),
      accept: doc.acceptedTypes.join(','),
      acceptedText: doc.acceptedTypes.map((t) => translate(locale, `fileTypes.${t}`)).join(translate(locale, 'documents.listSeparator')),
      sizeText: documentSizeText(doc, locale),
      uploaded: current ? documentListItem(current, documents, locale) : null,
      error: error ? translate(locale, error.messageKey, error.vars) : null,
    };
  });
}
