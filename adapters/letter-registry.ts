// The agency's own correspondence system (office automation such as Didgah) numbering our incoming letters.
import type { Config } from '../lib/config';
import { PermanentError, requestJson } from './http';

export interface LetterAttachment {
  id: number;
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

/** One incoming letter as the desk sends it; the tracking code is its idempotency key. */
export interface OutgoingLetter {
  trackingCode: string;
  subject: string;
  sender: string;
  body: string;
  department: string;
  receivedAt: string;
  attachments: LetterAttachment[];
}

export interface ExternalLetterRegistry {
  /** Registers the letter and returns the number the correspondence system gave it (the same one on a repeat). */
  register(letter: OutgoingLetter): Promise<{ number: string }>;
}

// What the letters table and the SMS can hold; anything else is a broken answer, not a number.
const LETTER_NUMBER = /^[\x21-\x7e\u0600-\u06FF]{1,32}$/;

/**
 * POST {url}/letters with `Authorization: Bearer <token>` and `Idempotency-Key: <tracking code>`; answers
 * `{ "number": "…" }`. Attachments travel as download links to the desk's integration API (needs a key
 * with the `requests:read` scope), not as file bytes, so a letter stays small whatever was uploaded.
 */
export function httpLetterRegistry(settings: { url: string; token?: string; publicUrl: string }): ExternalLetterRegistry {
  return {
    async register(letter) {
      const answer = (await requestJson(`${settings.url}/letters`, {
        method: 'POST',
        headers: {
          'idempotency-key': letter.trackingCode,
          ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
        },
        body: {
          idempotencyKey: letter.trackingCode,
          ...letter,
          attachments: letter.attachments.map((a) => ({
            ...a,
            url: `${settings.publicUrl}/api/integrations/requests/${letter.trackingCode}/documents/${a.id}`,
          })),
        },
        timeoutMs: 15_000,
      })) as { number?: unknown } | null;
      const number = typeof answer?.number === 'string' ? answer.number.trim() : '';
      if (!LETTER_NUMBER.test(number)) throw new PermanentError(`the correspondence system answered without a usable letter number: ${JSON.stringify(answer).slice(0, 200)}`);
      return { number };
    },
  };
}

/** Undefined means the desk numbers letters itself (LETTER_REGISTRY=builtin). */
export function letterRegistryFromConfig(config: Pick<Config, 'letterRegistry' | 'externalRegistry' | 'publicUrl'>): ExternalLetterRegistry | undefined {
  if (config.letterRegistry !== 'http' || !config.externalRegistry) return undefined;
  return httpLetterRegistry({ ...config.externalRegistry, publicUrl: config.publicUrl });
}
