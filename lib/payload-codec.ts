// Every Temporal payload (workflow inputs, results, signals, updates, activity arguments) is sealed with
// AES-256-GCM before it leaves the process; the key's id rides in the payload's metadata, so a rotated key
// keeps old histories readable while new payloads use the new one.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKeys } from './config';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const bytes = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
const text = (value: Uint8Array) => Buffer.from(value).toString('utf8');
const TAG_BYTES = 16;

export class PayloadKeyError extends Error {}

/** Seals bytes with one key: iv ‖ ciphertext ‖ tag; the key id is bound in as associated data. */
export function seal(keys: PayloadKeys, plain: Uint8Array): { keyId: string; sealed: Buffer } {
  const keyId = keys.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.keys[keyId], iv);
  cipher.setAAD(Buffer.from(keyId));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { keyId, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]) };
}

export function unseal(keys: PayloadKeys, keyId: string, sealed: Uint8Array): Buffer {
  const key = keys.keys[keyId];
  if (!key) throw new PayloadKeyError(`payload sealed with key "${keyId}", which TEMPORAL_PAYLOAD_KEYS no longer lists`);
  const data = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}

/** A short text sealed for a database column: `keyId:base64`. */
export function sealText(keys: PayloadKeys, plain: string): string {
  const { keyId, sealed } = seal(keys, Buffer.from(plain, 'utf8'));
  return `${keyId}:${sealed.toString('base64')}`;
}

export function unsealText(keys: PayloadKeys, stored: string): string {
  const at = stored.indexOf(':');
  return unseal(keys, stored.slice(0, at), Buffer.from(stored.slice(at + 1), 'base64')).toString('utf8');
}

export function createPayloadCodec(keys: PayloadKeys): PayloadCodec {
  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        const { keyId, sealed } = seal(keys, temporal.api.common.v1.Payload.encode(payload).finish());
        return { metadata: { [METADATA_ENCODING_KEY]: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes(keyId) }, data: sealed };
      });
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => {
        const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
        // Payloads written before encryption was switched on are read as they are.
        if (!encoding || text(encoding) !== ENCRYPTED_ENCODING) return payload;
        const keyId = payload.metadata?.[KEY_ID_METADATA];
        if (!keyId || !payload.data) throw new PayloadKeyError('an encrypted payload without its key id or data');
        return temporal.api.common.v1.Payload.decode(unseal(keys, text(keyId), payload.data));
      });
    },
  };
}

/** What Client and Worker take as `dataConverter`. */
export const encryptedDataConverter = (keys: PayloadKeys) => ({ payloadCodecs: [createPayloadCodec(keys)] });
