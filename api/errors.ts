// Errors a user can cause carry a status and a message key; everything else is ours (500) or an outage (503).
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { translate, type Locale } from '../lib/i18n';

export class UserError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly vars: Record<string, unknown> = {},
  ) {
    super(messageKey);
  }
}

export const notFound = () => new UserError(404, 'errors.notFound');
export const forbidden = () => new UserError(403, 'errors.forbidden');

const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003']);

// PostgreSQL refuses a value it cannot store or read as the type asked (a NUL character, a cursor whose
// date is no date): the sender's input is at fault.
const BAD_VALUE_CODES = new Set(['22021', '22P05', '22P02', '22007', '22008', '22003']);

// gRPC status codes of a Temporal server that is restarting or out of reach: UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED.
const GRPC_OUTAGE_CODES = new Set([14, 4, 10]);

/** An outage anywhere in the cause chain: the Temporal client wraps the gRPC error of a restarting server in its own. */
export function isOutage(error: unknown, depth = 0): boolean {
  const e = error as { code?: string | number; name?: string; message?: string; cause?: unknown };
  if (!e || depth > 5) return false;
  if (typeof e.code === 'string' && OUTAGE_CODES.has(e.code)) return true;
  if (typeof e.code === 'number' && GRPC_OUTAGE_CODES.has(e.code)) return true;
  // The client gave up waiting for an update's answer: whether it went through is unknown, so the clerk tries again.
  if (e.name === 'KnexTimeoutError' || e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  if (/Connection terminated|connect ECONNREFUSED|UNAVAILABLE|DEADLINE_EXCEEDED/.test(String(e.message ?? ''))) return true;
  return isOutage(e.cause, depth + 1);
}

export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const locale: Locale = res.locals.locale ?? 'fa';
    // The request's own logger carries its request id and tracking code.
    const logger = req.log ?? log;
    let status = 500;
    let messageKey = 'errors.internal';
    let vars: Record<string, unknown> = {};
    const e = error as { status?: number; statusCode?: number; expose?: boolean; messageKey?: string; type?: string; vars?: Record<string, unknown> };
    // What the body parsers and static files refuse (http-errors, exposed) comes with its own 4xx.
    const sent = e?.status ?? e?.statusCode;
    const refusedBeforeUs = e?.expose === true && typeof sent === 'number' && sent >= 400 && sent < 500 ? sent : null;
    if (error instanceof UserError) {
      ({ status, messageKey, vars } = error);
    } else if (e?.messageKey && e.status) {
      status = e.status;
      messageKey = e.messageKey;
    } else if (e?.type === 'entity.too.large' || e?.type === 'parameters.too.many' || refusedBeforeUs === 413) {
      status = 413;
      messageKey = 'errors.tooLarge';
    } else if (e?.type === 'entity.parse.failed' || refusedBeforeUs) {
      status = refusedBeforeUs ?? 400;
      messageKey = 'errors.badRequest';
    } else if (BAD_VALUE_CODES.has((error as { code?: string })?.code ?? '')) {
      status = 400;
      messageKey = 'errors.badRequest';
      logger.warn({ err: error, path: req.path }, 'a value the database refused');
    } else if (isOutage(error)) {
      status = 503;
      messageKey = 'errors.unavailable';
      logger.warn({ err: error, path: req.path }, 'a backing service is unavailable');
    } else {
      logger.error({ err: error, path: req.path }, 'unhandled error');
    }
    const message = translate(locale, messageKey, vars);
    if (status === 503) res.set('Retry-After', '10');
    if (req.path.startsWith('/api/')) {
      res.status(status).type('application/problem+json').json({ type: 'about:blank', title: message, status, code: messageKey });
      return;
    }
    // A 4xx is one sentence; a 5xx also says that nothing saved was lost.
    const heading = status >= 500 ? translate(locale, 'errors.serverHeading') : message;
    res.status(status).render('error', { heading, detail: status >= 500 ? message : null, pageTitleText: heading, status });
  };
}
