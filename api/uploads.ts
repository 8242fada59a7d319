// Reading multipart forms with files: memory only, a hard size limit, and each file judged by its content.
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { safeFileName, sniffDocumentType, type DocumentMime } from '../lib/file-types';
import { translate, type Locale } from '../lib/i18n';
import { documentSizeText } from '../lib/document-size';
import { maxSizeKbOf } from '../workflows/service-facts';
import type { RequiredDocument } from '../workflows/types';
import type { FieldError } from '../lib/forms';
import { UserError } from './errors';
import { csrfAfterUpload } from './csrf';

/** No single upload is ever held in memory beyond this, whatever a service card says. */
export const HARD_LIMIT_BYTES = 20 * 1024 * 1024;

export interface UploadedFile {
  field: string;
  originalName: string;
  bytes: Buffer;
}

export interface MultipartForm {
  body: Record<string, unknown>;
  files: UploadedFile[];
  /** The input whose file passed the hard limit; the parse stopped there. */
  tooLargeField: string | null;
}

export const inputName = (docKey: string) => `doc-${docKey}`;

export function uploadLimitBytes(documents: RequiredDocument[]): number {
  const largest = Math.max(0, ...documents.map((d) => maxSizeKbOf(d) * 1024));
  return Math.min(largest, HARD_LIMIT_BYTES);
}

/** Parses the form into memory; fields sent before an oversize file are still returned, so nothing typed is lost. */
export function readMultipart(req: Request, res: Response, documents: RequiredDocument[]): Promise<MultipartForm> {
  const parser = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: uploadLimitBytes(documents), files: documents.length, fields: 100, fieldSize: 64 * 1024, parts: documents.length + 100 },
  }).fields(documents.map((d) => ({ name: inputName(d.key), maxCount: 1 })));
  return new Promise((resolve, reject) => {
    parser(req, res, (error?: unknown) => {
      try {
        csrfAfterUpload(req, res);
      } catch (refusal) {
        return reject(refusal as Error);
      }
      const body = { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
      if (error instanceof MulterError && error.code === 'LIMIT_FILE_SIZE') return resolve({ body, files: [], tooLargeField: error.field ?? null });
      if (error instanceof MulterError) return reject(new UserError(400, 'errors.badRequest'));
      if (error) return reject(error);
      const grouped = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
      const files = Object.values(grouped)
        .flat()
        // An empty file input is sent as a nameless, empty part: nothing was chosen.
        .filter((f) => f.size > 0 || f.originalname)
        .map((f) => ({ field: f.fieldname, originalName: f.originalname ?? '', bytes: f.buffer }));
      resolve({ body, files, tooLargeField: null });
    });
  });
}

export type CheckedUpload = { ok: true; mime: DocumentMime; name: string } | { ok: false; error: FieldError };

function acceptedText(doc: RequiredDocument, locale: Locale): string {
  return doc.acceptedTypes.map((t) => translate(locale, `fileTypes.${t}`)).join(translate(locale, 'documents.listSeparator'));
}

export function tooLargeError(doc: RequiredDocument, locale: Locale): FieldError {
  return { key: doc.key, messageKey: 'documents.errors.tooLarge', vars: { title: doc.title, max: documentSizeText(doc, locale) } };
}

/** The checks a citizen's file must pass for one document of the card; the type is what the bytes say. */
export function checkUpload(doc: RequiredDocument, file: UploadedFile, locale: Locale): CheckedUpload {
  const fail = (messageKey: string, vars: Record<string, unknown> = {}): CheckedUpload => ({
    ok: false,
    error: { key: doc.key, messageKey, vars: { title: doc.title, accepted: acceptedText(doc, locale), ...vars } },
  });
  if (file.bytes.length === 0) return fail('documents.errors.empty');
  if (file.bytes.length > maxSizeKbOf(doc) * 1024) return { ok: false, error: tooLargeError(doc, locale) };
  const mime = sniffDocumentType(file.bytes);
  if (!mime) return fail('documents.errors.unknownType');
  // The bytes decide: a real PNG named ".jpg" is a PNG, accepted when the card accepts PNG, and stored as one.
  if (!doc.acceptedTypes.includes(mime)) return fail('documents.errors.notAccepted');
  return { ok: true, mime, name: safeFileName(file.originalName, mime) };
}
