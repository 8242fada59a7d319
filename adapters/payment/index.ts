// Bank gateways behind one interface: get a token, send the payer to the gateway page, verify server-to-server.
import type { Config } from '../../lib/config';
import { PermanentError, requestJson } from '../http';

export interface PaymentOrder {
  /** our payments row id: the gateway hands back the same order for a repeated request */
  orderId: string;
  amountRials: number;
  callbackUrl: string;
}

export interface VerifiedPayment {
  status: 'pending' | 'paid' | 'failed';
  reference: string | null;
  amountRials: number;
  orderId: string;
}

export interface PaymentGateway {
  name: string;
  requestToken(order: PaymentOrder): Promise<{ token: string }>;
  /** Where the payer's browser goes to pay. */
  payPageUrl(token: string): string;
  /** What the gateway itself says about a token; the callback's query string is never trusted. */
  verify(token: string): Promise<VerifiedPayment>;
}

const STATUSES: VerifiedPayment['status'][] = ['pending', 'paid', 'failed'];

/** The Shaparak-style API of the desk's sandbox (sandbox/payment.ts): /api/request, /gateway/:token, /api/verify. */
export function httpPaymentGateway(baseUrl: string): PaymentGateway {
  return {
    name: 'http',
    async requestToken({ orderId, amountRials, callbackUrl }) {
      const answer = (await requestJson(`${baseUrl}/api/request`, { body: { amount: amountRials, callbackUrl, orderId } })) as { token?: unknown };
      if (typeof answer?.token !== 'string' || !/^[\w-]{8,100}$/.test(answer.token)) throw new PermanentError('the payment gateway answered without a token');
      return { token: answer.token };
    },
    payPageUrl(token) {
      return `${baseUrl}/gateway/${encodeURIComponent(token)}`;
    },
    async verify(token) {
      const answer = (await requestJson(`${baseUrl}/api/verify`, { body: { token } })) as Record<string, unknown>;
      const status = answer?.status as VerifiedPayment['status'];
      if (!STATUSES.includes(status) || !Number.isSafeInteger(answer.amount) || typeof answer.orderId !== 'string') {
        throw new PermanentError('the payment gateway answered the verification in an unknown shape');
      }
      return {
        status,
        reference: answer.referenceId === null || answer.referenceId === undefined ? null : String(answer.referenceId),
        amountRials: answer.amount as number,
        orderId: answer.orderId,
      };
    },
  };
}

export function paymentGatewayFromConfig(config: Pick<Config, 'paymentGatewayUrl'>): PaymentGateway {
  return httpPaymentGateway(config.paymentGatewayUrl);
}
