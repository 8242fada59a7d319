// Documents as objects in an S3-compatible bucket (MinIO, Ceph, ArvanCloud, AWS): what several web and worker machines share.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Config } from '../../lib/config';
import type { DocumentStore } from './index';
import { assertStorageKey } from './keys';

export type S3Settings = NonNullable<Config['s3']>;

const missing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404);

/** Same two-letter prefixes as the local folder, so a bucket listing stays browsable. */
const objectKey = (key: string) => {
  assertStorageKey(key);
  return `documents/${key.slice(0, 2)}/${key}`;
};

export function s3DocumentStore(settings: S3Settings): DocumentStore {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    // Path-style (endpoint/bucket/key): what self-hosted S3-compatible stores answer to.
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
  });
  const Bucket = settings.bucket;

  return {
    async put(key, bytes, meta) {
      const Key = objectKey(key);
      // Keys are random and never reused; an existing one means a bug, and its bytes must not be replaced.
      const exists = await client.send(new HeadObjectCommand({ Bucket, Key })).then(() => true, (error) => {
        if (missing(error)) return false;
        throw error;
      });
      if (exists) throw new Error(`a document is already stored under ${key}`);
      await client.send(new PutObjectCommand({ Bucket, Key, Body: bytes, ContentType: meta.contentType, ContentLength: bytes.length }));
    },

    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        return Buffer.from(await object.Body!.transformToByteArray());
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
  };
}
