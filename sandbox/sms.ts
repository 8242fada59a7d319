// A stand-in SMS operator: accepts messages over HTTP, drops a repeat of the same dedupe key, shows a phone inbox.
import express, { Router } from 'express';
import { escapeHtml, type FaultSwitch } from './faults';

export interface SandboxSms {
  id: number;
  to: string;
  body: string;
  dedupeKey: string;
  at: string;
}

export function smsSandbox(faults: FaultSwitch) {
  const messages: SandboxSms[] = [];
  const byKey = new Map<string, SandboxSms>();
  const router = Router();
  router.use(express.json({ limit: '20kb' }));

  router.post('/messages', async (req, res) => {
    await faults.released('sms');
    const fault = faults.take('sms');
    if (fault === 'down') return res.status(503).json({ error: 'operator unavailable' });
    if (fault === 'reject') return res.status(400).json({ error: 'receptor blocked' });
    const { to, body, dedupeKey } = req.body ?? {};
    if (typeof to !== 'string' || !/^09\d{9}$/.test(to) || typeof body !== 'string' || !body || typeof dedupeKey !== 'string') {
      return res.status(400).json({ error: 'to (09xxxxxxxxx), body and dedupeKey are required' });
    }
    const existing = byKey.get(dedupeKey);
    if (existing) return res.json({ id: existing.id, duplicate: true });
    const message = { id: messages.length + 1, to, body, dedupeKey, at: new Date().toISOString() };
    messages.push(message);
    byKey.set(dedupeKey, message);
    res.status(201).json({ id: message.id });
  });

  router.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : null;
    res.json(to ? messages.filter((m) => m.to === to) : messages);
  });

  router.get('/', (_req, res) => {
    const rows = messages
      .slice(-200)
      .reverse()
      .map((m) => `<tr><td>${escapeHtml(m.at)}</td><td dir="ltr">${escapeHtml(m.to)}</td><td>${escapeHtml(m.body).replace(/\n/g, '<br>')}</td></tr>`)
      .join('');
    res.type('html').send(`<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Sandbox SMS</title><body style="font-family:Tahoma,sans-serif;max-width:60rem;margin:auto">
<h1>پیامک‌های گوشی آزمایشی</h1><p>پیامک‌هایی که پیشخوان در محیط آزمایشی فرستاده است (هر ۵ ثانیه تازه می‌شود).</p>
<table border="1" cellpadding="6" style="border-collapse:collapse;width:100%"><tr><th>زمان</th><th>گیرنده</th><th>متن</th></tr>${rows}</table></body></html>`);
  });

  return { router, messages };
}
