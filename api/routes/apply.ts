// Filling a service's form online: the form, the "check your answers" page, the submission.
import { Router, type Request } from 'express';
import { requireCitizen } from '../access';
import type { AppContext } from '../context';
import { createFormPages, type Applicant } from '../form-pages';

export function applyRoutes(ctx: AppContext): Router {
  const router = Router();
  const pages = createFormPages(ctx);
  const citizen = (req: Request): Applicant => ({
    citizenId: req.citizen!.id,
    mobile: req.citizen!.mobile,
    base: `/services/${req.params.id as string}`,
    confirmation: (code) => `/requests/${code}/submitted`,
  });

  router.get('/services/:id/apply', requireCitizen, (req, res) => pages.showForm(req, res, citizen(req)));
  router.post('/services/:id/apply', requireCitizen, (req, res) => pages.saveForm(req, res, citizen(req)));
  router.get('/services/:id/check', requireCitizen, (req, res) => pages.showCheck(req, res, citizen(req)));
  router.post('/services/:id/submit', requireCitizen, (req, res) => pages.submit(req, res, citizen(req)));

  return router;
}
