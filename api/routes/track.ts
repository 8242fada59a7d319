// Following a request: my requests, one request, and public tracking by code and mobile.
import { Router } from 'express';
import { toLatinDigits } from '../../lib/persian';
import { isClosingStatus } from '../../workflows/statuses';
import { isWorking } from '../request-progress';
import { decodeCursor, keysetPage, type AppContext } from '../context';
import { citizenRequestExtras } from '../citizen-documents';
import { notFound } from '../errors';
import { duePayment, paymentNotice } from '../payments';
import { citizenTimeline, findRequest, requestHistory, serviceSnapshot, type RequestRow } from '../request-reader';
import { requireCitizen } from '../access';
import { clientAddress, minutesToWait } from '../throttles';

const PAGE = 20;

export function trackRoutes(ctx: AppContext): Router {
  const router = Router();

  const ownRequest = async (code: string, citizenId: number) => {
    const request = await findRequest(ctx.db, code);
    // Another citizen's request is answered exactly like a missing one.
    if (!request || request.citizen_id !== citizenId) throw notFound();
    return request;
  };

  const statusPage = async (request: RequestRow, full: boolean) => {
    const [service, events, payment] = await Promise.all([
      serviceSnapshot(ctx.db, request),
      requestHistory(ctx.db, request.id),
      request.status === 'awaiting_payment' ? duePayment(ctx.db, request.id) : null,
    ]);
    return {
      request,
      service,
      payment,
      full,
      timeline: citizenTimeline(events),
      open: !isClosingStatus(request.status),
      working: full && isWorking(request),
    };
  };

  router.get('/requests', requireCitizen, async (req, res) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('requests as r')
      .join('services as s', 's.id', 'r.service_id')
      .where('r.citizen_id', req.citizen!.id)
      .modify((b) => {
        if (cursor) b.where('r.id', '<', Number(cursor[0]));
      })
      .orderBy('r.id', 'desc')
      .limit(PAGE + 1)
      .select('r.id', 'r.tracking_code', 'r.status', 'r.created_at', 'r.letter_number', 's.title as service_title');
    const { items, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    res.render('my-requests', { requests: items, next, pageTitle: 'myRequests.title' });
  });

  router.get('/requests/:code/submitted', requireCitizen, async (req, res) => {
    const request = await ownRequest(req.params.code as string, req.citizen!.id);
    const service = await serviceSnapshot(ctx.db, request);
    res.render('submitted', { request, service, pageTitle: 'submitted.title' });
  });

  router.get('/requests/:code', requireCitizen, async (req, res) => {
    const request = await ownRequest(req.params.code as string, req.citizen!.id);
    const page = await statusPage(request, true);
    const documents = await citizenRequestExtras(ctx, request, page.service, res.locals.locale);
    res.render('request', { ...page, ...documents, sent: req.query.sent === '1', paymentNotice: paymentNotice(req.query.payment), pageTitle: 'request.title' });
  });

  router.get('/track', (req, res) => {
    res.render('track', { pageTitle: 'track.title' });
  });

  router.get('/track/:code', (req, res) => {
    res.render('track', { code: req.params.code, pageTitle: 'track.title' });
  });

  router.post('/track', async (req, res) => {
    // A tracking code is 12 digits; anything longer is cut, so it cannot stretch a counter's key.
    const code = toLatinDigits(String(req.body.code ?? '')).replace(/\D/g, '').slice(0, 20);
    const lastFour = toLatinDigits(String(req.body.lastFour ?? '')).replace(/\D/g, '');
    // Counted before the answer is looked at, so parallel guesses cannot all slip under the limit.
    const waitMs = await ctx.throttles.trackGuess(code, clientAddress(req));
    if (waitMs) {
      res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      return res.status(429).render('track', { code, error: 'throttle.tryAgain', minutes: minutesToWait(waitMs), pageTitle: 'track.title' });
    }
    const request = await findRequest(ctx.db, code);
    if (!request || lastFour.length !== 4 || !request.mobile.endsWith(lastFour)) {
      return res.status(404).render('track', { code, error: 'track.notFound', pageTitle: 'track.title' });
    }
    await ctx.throttles.trackFound(code);
    res.render('request', { ...(await statusPage(request, false)), pageTitle: 'request.title' });
  });

  return router;
}
