// Where uploaded files live: one small interface, a local folder by default, object storage when replicas span machines.
import type { Config } from '../../lib/config';
import { localDocumentStore } from './local';

export { newStorageKey } from './keys';

export interface DocumentStore {
  /** Stores the bytes under a key we chose (never the citizen's file name); an existing key is refused. */
  put(key: string, bytes: Buffer, meta: { contentType: string }): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the bytes; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export function createDocumentStore(config: Pick<Config, 'documentStore' | 'documentDir' | 's3'>): DocumentStore {
  switch (config.documentStore) {
    case 'local':
      return localDocumentStore(config.documentDir);
    case 's3': {
      // Loaded only when used: the S3 client weighs about 20 MiB in every process that loads it.
      const { s3DocumentStore } = require('./s3') as typeof import('./s3');
      // lib/config.ts refuses DOCUMENT_STORE=s3 without the S3_* settings.
      return s3DocumentStore(config.s3!);
    }
  }
}
