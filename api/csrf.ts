// The CSRF token of a form sent with files travels in its body, like any other form's, never in the address.
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

// The forms that carry files; their routes read the body and then call csrfAfterUpload.
const UPLOAD_ROUTES = [/^\/services\/[^/]+\/apply$/, /^\/staff\/counter\/\d+\/services\/[^/]+\/apply$/, /^\/requests\/[^/]+\/resubmit$/, /^\/verify\/[^/]+$/, /^\/admin\/services\/[^/]+\/upload$/];

export const readsUploads = (path: string) => UPLOAD_ROUTES.some((route) => route.test(path));

export function csrfRefusal(body: unknown, token: string): Error | undefined {
  const sent = String((body as { _csrf?: unknown } | undefined)?._csrf ?? '');
  const ok = token.length > 0 && sent.length === token.length && timingSafeEqual(Buffer.from(sent), Buffer.from(token));
  return ok ? undefined : Object.assign(new Error('csrf'), { status: 403, messageKey: 'errors.csrf' });
}

/** The CSRF check of a multipart form, once its route has read the fields; throws the 403 the middleware would have sent. */
export function csrfAfterUpload(req: Request, res: Response): void {
  const refusal = csrfRefusal(req.body, String(res.locals.csrfToken ?? ''));
  if (refusal) throw refusal;
}
