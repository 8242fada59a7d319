// A stand-in bank gateway shaped like the Shaparak PSPs: get a token, send the payer to the gateway page,
// receive them back on the callback, then verify server-to-server before trusting anything.
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { formatRials } from '../lib/persian';
import { escapeHtml, type FaultSwitch } from './faults';

interface SandboxPayment {
  token: string;
  orderId: string;
  amount: number;
  callbackUrl: string;
  status: 'pending' | 'paid' | 'failed';
  referenceId?: string;
}

export function paymentSandbox(faults: FaultSwitch) {
  const payments = new Map<string, SandboxPayment>();
  const router = Router();
  router.use(express.json({ limit: '10kb' }));
  router.use(express.urlencoded({ extended: false, limit: '10kb' }));

  router.post('/api/request', (req, res) => {
    if (faults.take('payment') === 'down') return res.status(503).json({ error: 'gateway unavailable' });
    const { amount, callbackUrl, orderId } = req.body ?? {};
    if (!Number.isInteger(amount) || amount <= 0 || typeof callbackUrl !== 'string' || typeof orderId !== 'string') {
      return res.status(400).json({ error: 'amount (rials), callbackUrl and orderId are required' });
    }
    const existing = [...payments.values()].find((p) => p.orderId === orderId && p.status === 'pending');
    if (existing) return res.json({ token: existing.token });
    const token = randomBytes(12).toString('hex');
    payments.set(token, { token, orderId, amount, callbackUrl, status: 'pending' });
    res.status(201).json({ token });
  });

  router.get('/gateway/:token', (req, res) => {
    const payment = payments.get(req.params.token);
    if (!payment) return res.status(404).type('text').send('unknown payment');
    res.type('html').send(`<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><title>درگاه پرداخت آزمایشی</title>
<body style="font-family:Tahoma,sans-serif;max-width:30rem;margin:3rem auto">
<h1>درگاه پرداخت آزمایشی</h1><p>مبلغ: <strong>${escapeHtml(formatRials(payment.amount))} ریال</strong></p>
<form method="post" action="/payment/gateway/${escapeHtml(payment.token)}"><input type="hidden" name="action" value="pay"><button type="submit" id="pay">پرداخت</button></form>
<form method="post" action="/payment/gateway/${escapeHtml(payment.token)}"><input type="hidden" name="action" value="cancel"><button type="submit" id="cancel">انصراف</button></form></body></html>`);
  });

  router.post('/gateway/:token', (req, res) => {
    const payment = payments.get(req.params.token);
    if (!payment) return res.status(404).type('text').send('unknown payment');
    if (payment.status === 'pending') {
      const paid = req.body?.action === 'pay';
      payment.status = paid ? 'paid' : 'failed';
      if (paid) payment.referenceId = String(100000000 + payments.size * 7919 + Math.floor(Math.random() * 1000));
    }
    const url = new URL(payment.callbackUrl);
    url.searchParams.set('token', payment.token);
    url.searchParams.set('status', payment.status === 'paid' ? 'OK' : 'NOK');
    res.redirect(303, url.toString());
  });

  router.post('/api/verify', (req, res) => {
    const payment = payments.get(String(req.body?.token ?? ''));
    if (!payment) return res.status(404).json({ error: 'unknown payment' });
    res.json({ status: payment.status, referenceId: payment.referenceId ?? null, amount: payment.amount, orderId: payment.orderId });
  });

  return router;
}
