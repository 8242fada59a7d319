// Stand-in inquiry agencies: the civil registry (national code + birth date → person), the mobile-ownership
// service (Shahkar: does this mobile belong to this national code?) and the postal company.
// Tests and demos set who is who through `POST /agencies/_people` and `POST /agencies/_owners`.
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { isValidNationalCode, isValidPostalCode, normalizeMobile, toLatinDigits } from '../lib/persian';
import type { FaultSwitch } from './faults';

const FIRST_NAMES = ['علی', 'مریم', 'رضا', 'زهرا', 'حسین', 'فاطمه', 'محمد', 'سارا'];
const LAST_NAMES = ['احمدی', 'رضایی', 'محمدی', 'حسینی', 'کریمی', 'موسوی', 'جعفری', 'صادقی'];

/** The same national code always names the same person. */
function personFor(nationalCode: string) {
  const h = createHash('sha256').update(nationalCode).digest();
  return { firstName: FIRST_NAMES[h[0] % FIRST_NAMES.length], lastName: LAST_NAMES[h[1] % LAST_NAMES.length], alive: true };
}

interface Person {
  firstName: string;
  lastName: string;
  birthDate?: string;
}

/** The person the demo data and the tests apply as; every other national code gets a made-up name, so a mismatch can be seen. */
const KNOWN_PEOPLE: [string, Person][] = [['0499370899', { firstName: 'مریم', lastName: 'احمدی', birthDate: '1365/04/21' }]];

export function agencySandbox(faults: FaultSwitch) {
  const router = Router();
  router.use(express.json({ limit: '10kb' }));
  /** People the registry knows by national code, as the test data says; anyone else gets a made-up name and the asked birth date. */
  const people = new Map<string, Person>(KNOWN_PEOPLE);
  /** The national code each mobile is registered to; a mobile not set here belongs to whoever asks. */
  const owners = new Map<string, string>();

  router.post('/_people', (req, res) => {
    const { nationalCode, firstName, lastName, birthDate } = req.body ?? {};
    if (typeof nationalCode !== 'string' || typeof firstName !== 'string' || typeof lastName !== 'string') return res.status(400).json({ error: 'nationalCode, firstName and lastName are required' });
    people.set(toLatinDigits(nationalCode), { firstName, lastName, birthDate: typeof birthDate === 'string' ? toLatinDigits(birthDate) : undefined });
    res.json({ ok: true });
  });
  router.post('/_owners', (req, res) => {
    const mobile = normalizeMobile(String(req.body?.mobile ?? ''));
    const nationalCode = toLatinDigits(String(req.body?.nationalCode ?? ''));
    if (!mobile || !isValidNationalCode(nationalCode)) return res.status(400).json({ error: 'mobile and nationalCode are required' });
    owners.set(mobile, nationalCode);
    res.json({ ok: true });
  });

  router.use('/:agency', async (req, res, next) => {
    await faults.released(String(req.params.agency));
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
    const known = people.get(nationalCode);
    if (known) return res.json({ result: { nationalCode, birthDate: known.birthDate ?? birthDate, firstName: known.firstName, lastName: known.lastName, alive: true } });
    res.json({ result: { nationalCode, birthDate, ...personFor(nationalCode) } });
  });

  // Shahkar answers only whether the mobile is registered to the national code, never to whom.
  router.post('/shahkar/mobile-owner', (req, res) => {
    const mobile = normalizeMobile(String(req.body?.mobile ?? ''));
    const nationalCode = toLatinDigits(String(req.body?.nationalCode ?? ''));
    if (!mobile) return res.status(422).json({ error: 'invalid mobile' });
    if (!isValidNationalCode(nationalCode)) return res.status(422).json({ error: 'invalid national code' });
    const owner = owners.get(mobile) ?? nationalCode;
    res.json({ result: { mobile, nationalCode, matched: owner === nationalCode } });
  });

  router.post('/postal-company/address', (req, res) => {
    const postalCode = toLatinDigits(String(req.body?.postalCode ?? ''));
    if (!isValidPostalCode(postalCode)) return res.status(422).json({ error: 'invalid postal code' });
    res.json({ result: { postalCode, province: 'تهران', city: 'تهران', street: `خیابان ${postalCode.slice(0, 3)}`, plate: Number(postalCode.slice(-2)) } });
  });

  return router;
}
