// A payment opened by the workflow (its id is the idempotency key) and closed when the deadline passes.
import type { Db } from '../lib/db';

export function createPaymentActivities(db: Db) {
  return {
    /** The fee's deposit id and account are kept on the payment, so the treasury reconciles it as the card said when it was opened. */
    async openPayment(input: { paymentId: string; requestId: number; feeKey: string; amountRials: number; depositId?: string; account?: string; deadlineAt: string }) {
      await db('payments')
        .insert({
          id: input.paymentId,
          request_id: input.requestId,
          fee_key: input.feeKey,
          amount_rials: input.amountRials,
          deposit_id: input.depositId ?? null,
          account: input.account ?? null,
          deadline_at: input.deadlineAt,
        })
        .onConflict('id')
        .ignore();
    },

    async expirePayment(input: { paymentId: string }) {
      await db('payments').where({ id: input.paymentId, status: 'pending' }).update({ status: 'expired' });
    },
  };
}
