// Settling a citizen's payment: the gateway is asked, never the browser, and the request's workflow accepts it once.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PaymentGateway, VerifiedPayment } from '../adapters/payment';
import type { Db } from '../lib/db';
import { settlePayment } from '../workflows/messages';
import { refusalOf } from './decision-refusals';
import type { AppContext } from './context';
import { sendAction } from './actions';

export interface PaymentRow {
  id: string;
  request_id: number;
  fee_key: string;
  amount_rials: string;
  status: 'pending' | 'paid' | 'expired';
  gateway_token: string | null;
  gateway_reference: string | null;
  deadline_at: Date;
  paid_at: Date | null;
}

/** What the citizen is told on returning from the gateway. */
export type PaymentOutcome = 'paid' | 'failed' | 'unconfirmed' | 'late';
const OUTCOMES: PaymentOutcome[] = ['paid', 'failed', 'unconfirmed', 'late'];

export const paymentNotice = (value: unknown): PaymentOutcome | null => (OUTCOMES.includes(value as PaymentOutcome) ? (value as PaymentOutcome) : null);

/** The payment a request is waiting for, shown with its amount and deadline on the request page. */
export async function duePayment(db: Db, requestId: number): Promise<PaymentRow | null> {
  return (await db('payments').where({ request_id: requestId, status: 'pending' }).orderBy('created_at', 'desc').first()) ?? null;
}

export function createPaymentSettlement(ctx: AppContext, gateway: PaymentGateway) {
  const matches = (payment: PaymentRow, verified: VerifiedPayment) => verified.orderId === payment.id && verified.amountRials === Number(payment.amount_rials);

  /** Verifies the payment's current token with the gateway and, when it is paid, hands it to the workflow and records it. */
  async function settle(payment: PaymentRow, trackingCode: string): Promise<PaymentOutcome> {
    if (payment.status === 'paid') return 'paid';
    if (payment.status !== 'pending') return 'late';
    if (!payment.gateway_token) return 'failed';
    let verified: VerifiedPayment;
    try {
      verified = await gateway.verify(payment.gateway_token);
    } catch (error) {
      ctx.log.warn({ err: error, paymentId: payment.id }, 'the payment could not be verified with the gateway');
      return 'unconfirmed';
    }
    if (verified.status !== 'paid') return 'failed';
    if (!matches(payment, verified)) {
      ctx.log.error({ paymentId: payment.id, verified }, 'the gateway confirmed another order or amount');
      return 'failed';
    }
    return ctx.db.transaction(async (trx) => {
      // The row lock makes a repeated or concurrent callback find the payment already settled.
      const locked: PaymentRow = await trx('payments').where({ id: payment.id }).forUpdate().first();
      if (locked.status === 'paid') return 'paid';
      if (locked.status !== 'pending') return 'late';
      try {
        // Answered once the workflow has recorded the payment: the page that follows shows the new status.
        // The same update id for the same payment: a repeated callback is applied once. Inside the row lock,
        // so it waits less than a page does.
        await sendAction(ctx.temporal, trackingCode, settlePayment, [{ paymentId: payment.id, paid: true, reference: verified.reference ?? undefined }], { updateId: `payment-${payment.id}`, waitMs: 10_000 });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError || refusalOf(error)) return 'late';
        throw error;
      }
      await trx('payments').where({ id: payment.id }).update({ status: 'paid', gateway_reference: verified.reference, paid_at: trx.fn.now() });
      return 'paid';
    });
  }

  return { settle };
}
