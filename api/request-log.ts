// One log line and one timing per request: a request id, the path without its query, and the tracking
// code when the route has one — never bodies, query strings or headers that may carry personal data.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import type { Metrics } from '../lib/metrics';
import { isWellFormedTrackingCode } from '../lib/tracking-code';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const QUIET = /^\/(static\/|healthz$|readyz$|metrics$)/;
export const TRACKED_PATHS = ['/requests/:code', '/track/:code', '/staff/requests/:code', '/api/requests/:code'];

const pathOnly = (url: string | undefined) => (url ?? '').split('?')[0];

/** A well-formed X-Request-Id from the proxy is kept so one id follows the request everywhere. */
export function requestIdFor(req: Request | import('node:http').IncomingMessage, res: Response | import('node:http').ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function requestLogger(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: requestIdFor,
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: pathOnly(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => {
      const trackingCode = (res as Response).locals?.trackingCode;
      return trackingCode ? { trackingCode } : {};
    },
    autoLogging: { ignore: (req) => QUIET.test(pathOnly(req.url)) },
  }) as unknown as RequestHandler;
}

/** Mounted on TRACKED_PATHS: the tracking code joins every later log line of the request. */
export function bindTrackingCode(req: Request, res: Response, next: NextFunction) {
  const code = String(req.params.code ?? '');
  if (isWellFormedTrackingCode(code)) {
    res.locals.trackingCode = code;
    req.log = req.log.child({ trackingCode: code });
  }
  next();
}

/** Latency by route pattern (never the raw URL: tracking codes would make a series per request). */
export function requestTiming(metrics: Metrics | undefined): RequestHandler {
  return (req, res, next) => {
    if (!metrics) return next();
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
