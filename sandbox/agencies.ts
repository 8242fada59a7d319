// Stand-in inquiry agencies: the civil registry (national code + birth date → person) and the postal company.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { isValidNationalCode, isValidPostalCode, toLatinDigits } from '../lib/persian';
import type { FaultSwitch } from './faults';

const FIRST_NAMES = ['علی', 'مریم', 'رضا', 'زهرا', 'حسین', 'فاطمه', 'محمد', 'سارا'];
const LAST_NAMES = ['احمدی', 'رضایی', 'محمدی', 'حسینی', 'کریمی', 'موسوی', 'جعفری', 'صادقی'];

/** The same national code always names the same person. */
function personFor(nationalCode: string) {
  const h = createHash('sha256').update(nationalCode).digest();
  return { firstName: FIRST_NAMES[h[0] % FIRST_NAMES.length], lastName: LAST_NAMES[h[1] % LAST_NAMES.length], alive: true };
}

export function agencySandbox(faults: FaultSwitch) {
  const router = Router();
  router.use(express.json({ limit: '10kb' }));

  router.use('/:agency', async (req, res, next) => {
    const fault = faults.take(String(req.params.agency));
    if (fault === 'down') return res.status(503).json({ error: 'agency unavailable' });
    if (fault === 'reject') return res.status(422).json({ error: 'inquiry refused' });
    if (fault === 'slow') await new Promise((r) => setTimeout(r, 30_000));
    next();
  });

  router.post('/civil-registry/person', (req, res) => {
    const nationalCode = toLatinDigits(String(req.body?.nationalCode ?? ''));
    const birthDate = toLatinDigits(String(req.body?.birthDate ?? ''));
    if (!isValidNationalCode(nationalCode)) return res.status(422).json({ error: 'invalid national code' });
    if (!/^1[34]\d\d\/\d\d\/\d\d$/.test(birthDate)) return res.status(422).json({ error: 'invalid birth date' });
    // Codes starting 000 stand for people the registry does not know, so the "not found" path can be tried.
    if (nationalCode.startsWith('000')) return res.status(404).json({ error: 'no such person' });
    res.json({ result: { nationalCode, birthDate, ...personFor(nationalCode) } });
  });

  router.post('/postal-company/address', (req, res) => {
    const postalCode = toLatinDigits(String(req.body?.postalCode ?? ''));
    if (!isValidPostalCode(postalCode)) return res.status(422).json({ error: 'invalid postal code' });
    res.json({ result: { postalCode, province: 'تهران', city: 'تهران', street: `خیابان ${postalCode.slice(0, 3)}`, plate: Number(postalCode.slice(-2)) } });
  });

  return router;
}
