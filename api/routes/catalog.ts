// The public catalogue and each service's card.
import { Router } from 'express';
import { currentServiceVersion } from '../../lib/catalog-sync';
import { listServices } from '../catalog-list';
import type { AppContext } from '../context';
import { missingServiceError } from '../service-availability';

export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const [list, categories] = await Promise.all([
      listServices(ctx, req.query),
      ctx.db('services').whereNull('retired_at').distinct('category').orderBy('category').pluck('category'),
    ]);
    res.render('catalog', { ...list, categories, pageTitle: 'catalog.title' });
  });

  router.get('/services/:id', async (req, res) => {
    const current = await currentServiceVersion(ctx.db, req.params.id);
    if (!current) throw await missingServiceError(ctx.db, req.params.id);
    const department = await ctx.db('departments').where({ code: current.definition.responsibleUnit.department }).first();
    res.render('service', { service: current.definition, version: current.version, department, pageTitleText: current.definition.title });
  });

  return router;
}
