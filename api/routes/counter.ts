// The in-person desk (میز خدمت حضوری): a counter clerk finds or creates a walk-in citizen and fills the service's form for them.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { translate } from '../../lib/i18n';
import { isValidNationalCode, normalizeMobile, toLatinDigits } from '../../lib/persian';
import { audit } from '../audit';
import { decodeCursor, keysetPage, type AppContext } from '../context';
import { notFound } from '../errors';
import { createFormPages, type Applicant } from '../form-pages';

const PAGE = 20;
/** How long after finding a citizen the clerk may fill forms for them: one visit to the counter. */
const VISIT_MS = 8 * 60 * 60 * 1000;

/** Counter clerks and admins; anyone else signed in as staff gets "not found". */
function requireCounter(req: Request, res: Response, next: NextFunction) {
  if (!req.staff) return res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
  if (req.staff.role !== 'counter' && req.staff.role !== 'admin') return next(notFound());
  next();
}

export function counterRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/staff/counter', requireCounter);
  const pages = createFormPages(ctx);

  const services = () => ctx.db('services').whereNull('retired_at').orderBy('title').select('id', 'title');

  /** The clerk's own registrations, newest first, a page at a time. */
  const registrations = async (req: Request) => {
    const after = decodeCursor(req.query.after);
    const rows = await ctx.db('requests as r')
      .join('services as s', 's.id', 'r.service_id')
      .where('r.registered_by', req.staff!.id)
      .modify((b) => {
        if (after && Number.isSafeInteger(Number(after[0]))) b.where('r.id', '<', Number(after[0]));
      })
      .orderBy('r.id', 'desc')
      .limit(PAGE + 1)
      .select('r.id', 'r.tracking_code', 'r.status', 'r.created_at', 's.title as service_title');
    return keysetPage(rows as { id: number }[], PAGE, (last) => [last.id]);
  };

  const startPage = async (req: Request, extra: Record<string, unknown> = {}) => ({
    services: await services(),
    registered: await registrations(req),
    input: { mobile: '', nationalCode: '', service: '' },
    pageTitle: 'counter.title',
    ...extra,
  });

  router.get('/staff/counter', async (req, res) => {
    res.render('staff/counter', await startPage(req));
  });

  router.post('/staff/counter', async (req, res) => {
    const input = {
      mobile: String(req.body.mobile ?? '').trim().slice(0, 20),
      nationalCode: toLatinDigits(String(req.body.nationalCode ?? '').trim()).replace(/[\s-]/g, '').slice(0, 12),
      service: String(req.body.service ?? '').slice(0, 64),
    };
    const mobile = normalizeMobile(input.mobile);
    const errors: { id: string; messageKey: string }[] = [];
    if (!mobile) errors.push({ id: 'mobile', messageKey: 'login.errors.mobile' });
    if (!isValidNationalCode(input.nationalCode)) errors.push({ id: 'nationalCode', messageKey: 'counter.errors.nationalCode' });
    const service = input.service ? await ctx.db('services').whereNull('retired_at').where({ id: input.service }).first('id') : null;
    if (!service) errors.push({ id: 'service', messageKey: 'counter.errors.service' });
    let citizen: { id: number; national_code: string | null; created: boolean } | null = null;
    if (!errors.length) {
      const found: { id: number; national_code: string | null; created: boolean } = await ctx.db.transaction(async (trx) => {
        const [made] = await trx('citizens').insert({ mobile, national_code: input.nationalCode }).onConflict('mobile').ignore().returning(['id', 'national_code']);
        if (made) return { ...made, created: true };
        const found = await trx('citizens').where({ mobile }).forUpdate().first('id', 'national_code');
        // A citizen who signed in online has no national code on file yet: the one shown at the counter is kept.
        if (!found.national_code) await trx('citizens').where({ id: found.id }).update({ national_code: input.nationalCode });
        return { id: found.id, national_code: found.national_code ?? input.nationalCode, created: false };
      });
      citizen = found;
      if (found.national_code !== input.nationalCode) errors.push({ id: 'nationalCode', messageKey: 'counter.errors.otherPerson' });
    }
    if (errors.length || !citizen) {
      const locale = res.locals.locale;
      return res.status(422).render('staff/counter', await startPage(req, {
        input,
        errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
        errorSummary: errors.map((e) => ({ id: e.id, message: translate(locale, e.messageKey) })),
      }));
    }
    await ctx.db('counter_visits').insert({ staff_id: req.staff!.id, citizen_id: citizen.id });
    await audit(ctx.db, req, 'counter_citizen', { citizenId: citizen.id, created: citizen.created, service: input.service });
    res.redirect(303, `/staff/counter/${citizen.id}/services/${input.service}/apply`);
  });

  /** The citizen this clerk found at the counter during this visit; any other citizen is "not found". */
  const applicantFor = async (req: Request): Promise<{ who: Applicant; extra: Record<string, unknown> }> => {
    const citizenId = Number(req.params.citizen);
    const visit = Number.isSafeInteger(citizenId)
      ? await ctx.db('counter_visits as v')
          .join('citizens as c', 'c.id', 'v.citizen_id')
          .where({ 'v.staff_id': req.staff!.id, 'v.citizen_id': citizenId })
          .where('v.created_at', '>', new Date(Date.now() - VISIT_MS))
          .first('c.id', 'c.mobile')
      : null;
    if (!visit) throw notFound();
    const staff = req.staff!;
    return {
      who: {
        citizenId: visit.id,
        mobile: visit.mobile,
        base: `/staff/counter/${visit.id}/services/${req.params.id as string}`,
        clerk: { id: staff.id, username: staff.username },
        confirmation: (code) => `/staff/counter/requests/${code}`,
        onSubmitted: (requestId) => audit(ctx.db, req, 'counter_registered', { requestId, citizenId: visit.id }),
      },
      extra: { counterCitizen: { mobile: visit.mobile } },
    };
  };

  router.get('/staff/counter/:citizen/services/:id/apply', async (req, res) => {
    const { who, extra } = await applicantFor(req);
    await pages.showForm(req, res, who, extra);
  });
  router.post('/staff/counter/:citizen/services/:id/apply', async (req, res) => {
    const { who, extra } = await applicantFor(req);
    await pages.saveForm(req, res, who, extra);
  });
  router.get('/staff/counter/:citizen/services/:id/check', async (req, res) => {
    const { who, extra } = await applicantFor(req);
    await pages.showCheck(req, res, who, extra);
  });
  router.post('/staff/counter/:citizen/services/:id/submit', async (req, res) => {
    const { who } = await applicantFor(req);
    await pages.submit(req, res, who);
  });

  router.get('/staff/counter/requests/:code', async (req, res) => {
    const request = await ctx.db('requests as r')
      .join('services as s', 's.id', 'r.service_id')
      .where({ 'r.tracking_code': String(req.params.code).slice(0, 16), 'r.registered_by': req.staff!.id })
      .first('r.id', 'r.tracking_code', 'r.mobile', 's.title as service_title');
    if (!request) throw notFound();
    res.render('staff/counter-submitted', { request, pageTitle: 'counter.submittedTitle' });
  });

  return router;
}
