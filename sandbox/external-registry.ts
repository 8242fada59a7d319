// A stand-in correspondence system (office automation such as Didgah): numbers letters in its own
// format, remembers them by idempotency key, and can answer a letter by calling the desk back.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { jalaliYear } from '../lib/jalali';
import type { FaultSwitch } from './faults';

export interface ReceivedLetter {
  number: string;
  idempotencyKey: string;
  trackingCode: string;
  subject: string;
  sender: string;
  body: string;
  department: string;
  attachments: { id: number; name: string; mime: string; size: number; sha256: string; url: string }[];
  authorization: string;
  receivedAt: string;
}

export const EXTERNAL_REGISTRY_FAULT = 'external-registry';

export function externalRegistrySandbox(faults: FaultSwitch) {
  const router = Router();
  const letters = new Map<string, ReceivedLetter>();
  let calls = 0;
  let seq = 0;
  // Where the desk is and the key it gave this system; set by a test or a demo operator.
  let desk: { url: string; apiKey: string } | null = null;
  router.use(express.json({ limit: '2mb' }));

  router.post('/letters', async (req, res) => {
    calls += 1;
    const fault = faults.take(EXTERNAL_REGISTRY_FAULT);
    if (fault === 'down') return res.status(503).json({ error: 'registry unavailable' });
    if (fault === 'reject') return res.status(422).json({ error: 'the department code is not defined in this registry' });
    if (fault === 'slow') await new Promise((r) => setTimeout(r, 30_000));
    // Kept so a test can see the desk sent its EXTERNAL_REGISTRY_TOKEN; the stand-in accepts any.
    const authorization = String(req.headers.authorization ?? '');
    const b = req.body ?? {};
    const key = String(req.headers['idempotency-key'] ?? b.idempotencyKey ?? '');
    if (!key || typeof b.subject !== 'string' || typeof b.department !== 'string' || typeof b.body !== 'string') {
      return res.status(400).json({ error: 'idempotencyKey, subject, department and body are required' });
    }
    const known = letters.get(key);
    if (known) return res.status(200).json({ number: known.number, duplicate: true });
    seq += 1;
    const number = `ED-${jalaliYear(new Date())}-${String(seq).padStart(6, '0')}`;
    letters.set(key, {
      number,
      idempotencyKey: key,
      trackingCode: String(b.trackingCode ?? ''),
      subject: b.subject,
      sender: String(b.sender ?? ''),
      body: b.body,
      department: b.department,
      attachments: Array.isArray(b.attachments) ? b.attachments : [],
      authorization,
      receivedAt: new Date().toISOString(),
    });
    res.status(201).json({ number });
  });

  router.get('/letters', (_req, res) => {
    res.json({ calls, letters: [...letters.values()] });
  });

  router.post('/control/desk', (req, res) => {
    const { url, apiKey } = req.body ?? {};
    if (typeof url !== 'string' || typeof apiKey !== 'string') return res.status(400).json({ error: 'url and apiKey are required' });
    desk = { url: url.replace(/\/$/, ''), apiKey };
    res.json({ ok: true });
  });

  const letterByNumber = (number: string) => [...letters.values()].find((l) => l.number === number);

  // The clerk in the correspondence system answers a letter: the answer goes back to the desk's API.
  router.post('/control/reply', async (req, res) => {
    const { number, status, text, id } = req.body ?? {};
    if (!desk) return res.status(409).json({ error: 'POST /control/desk first' });
    const response = await fetch(`${desk.url}/api/integrations/letters/${encodeURIComponent(String(number))}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${desk.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status, text, id }),
    });
    res.status(200).json({ deskStatus: response.status, deskBody: await response.json().catch(() => null) });
  });

  // Downloads a letter's attachments the way the correspondence system files them.
  router.post('/control/fetch-attachments', async (req, res) => {
    const letter = letterByNumber(String(req.body?.number ?? ''));
    if (!letter || !desk) return res.status(404).json({ error: 'no such letter, or no desk configured' });
    const files = [];
    for (const a of letter.attachments) {
      const response = await fetch(a.url, { headers: { authorization: `Bearer ${desk.apiKey}` } });
      const bytes = Buffer.from(await response.arrayBuffer());
      files.push({ id: a.id, status: response.status, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    res.json({ files });
  });

  return router;
}
