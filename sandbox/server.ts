// The outside world for local use and tests: SMS operator, inquiry agencies, bank gateway. Real HTTP, made up data.
import express from 'express';
import { agencySandbox } from './agencies';
import { externalRegistrySandbox } from './external-registry';
import { FAULTS, FaultSwitch, type Fault } from './faults';
import { paymentSandbox } from './payment';
import { smsSandbox } from './sms';

export function createSandbox() {
  const faults = new FaultSwitch();
  const sms = smsSandbox(faults);
  const app = express();
  app.disable('x-powered-by');
  app.use('/sms', sms.router);
  app.use('/agencies', agencySandbox(faults));
  app.use('/payment', paymentSandbox(faults));
  app.use('/external-registry', externalRegistrySandbox(faults));
  app.post('/control/faults', express.json(), (req, res) => {
    const { target, fault, times } = req.body ?? {};
    if (typeof target !== 'string' || !FAULTS.includes(fault)) {
      return res.status(400).json({ error: 'target and fault (down|reject|slow|hold|ok) are required' });
    }
    faults.set(target, fault as Fault | 'ok', Number.isInteger(times) && times > 0 ? times : Infinity);
    res.json({ ok: true });
  });
  app.get('/', (_req, res) => {
    res.type('html').send('<!doctype html><meta charset="utf-8"><title>Pishkhan sandbox</title><ul><li><a href="/sms">SMS inbox</a></li></ul>');
  });
  return { app, faults, smsMessages: sms.messages };
}
