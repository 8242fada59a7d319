// Paying a fee: the request page's button → the bank gateway → the callback, verified server-to-server.
import { Router } from 'express';
import { paymentGatewayFromConfig } from '../../adapters/payment';
import type { AppContext } from '../context';
import { notFound, UserError } from '../errors';
import { createPaymentSettlement, duePayment, type PaymentRow } from '../payments';
import { findRequest } from '../request-reader';
import { requireCitizen } from '../access';

const TOKEN = /^[\w-]{8,100}$/;

export function paymentRoutes(ctx: AppContext): Router {
  const router = Router();
  const gateway = paymentGatewayFromConfig(ctx.config);
  const { settle } = createPaymentSettlement(ctx, gateway);
  const callbackUrl = `${ctx.config.publicUrl}/payments/callback`;

  router.post('/requests/:code/pay', requireCitizen, async (req, res) => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || request.citizen_id !== req.citizen!.id) throw notFound();
    const payment = request.status === 'awaiting_payment' ? await duePayment(ctx.db, request.id) : null;
    if (!payment) throw new UserError(409, 'payment.errors.notAwaiting');
    if (new Date(payment.deadline_at).getTime() <= Date.now()) throw new UserError(410, 'payment.errors.deadlinePassed');
    const back = (outcome: string) => res.redirect(303, `/requests/${request.tracking_code}?payment=${outcome}`);
    // A payment made at the gateway whose callback never came back is settled, never taken twice.
    if (payment.gateway_token) {
      const earlier = await settle(payment, request.tracking_code);
      if (earlier === 'paid' || earlier === 'late') return back(earlier);
      if (earlier === 'unconfirmed') throw new UserError(503, 'payment.errors.gatewayDown');
    }
    let token: string;
    try {
      ({ token } = await gateway.requestToken({ orderId: payment.id, amountRials: Number(payment.amount_rials), callbackUrl }));
    } catch (error) {
      ctx.log.warn({ err: error, paymentId: payment.id }, 'the payment gateway refused a token');
      throw new UserError(503, 'payment.errors.gatewayDown');
    }
    await ctx.db('payments').where({ id: payment.id, status: 'pending' }).update({ gateway_token: token });
    res.redirect(303, gateway.payPageUrl(token));
  });

  // The gateway sends the payer back here; its query string only says which payment to verify.
  router.get('/payments/callback', async (req, res) => {
    const token = typeof req.query.token === 'string' && TOKEN.test(req.query.token) ? req.query.token : null;
    const payment: PaymentRow | undefined = token ? await ctx.db('payments').where({ gateway_token: token }).first() : undefined;
    if (!payment) throw new UserError(404, 'payment.errors.unknown');
    const request = await ctx.db('requests').where({ id: payment.request_id }).first('tracking_code');
    const outcome = await settle(payment, request.tracking_code);
    res.redirect(303, `/requests/${request.tracking_code}?payment=${outcome}`);
  });

  return router;
}
