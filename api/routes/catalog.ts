// The public catalogue and each service's card.
import { Router } from 'express';
import { listServices, publishedService } from '../catalog-list';
import type { AppContext } from '../context';
import { missingServiceError } from '../service-availability';
import { renderShared } from '../shared-pages';

export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const snapshot = await ctx.catalog.snapshot();
    const list = await listServices(ctx, req.query, snapshot);
    renderShared(req, res, snapshot, 'catalog', { ...list, categories: snapshot.categories, pageTitle: 'catalog.title' });
  });

  router.get('/services/:id', async (req, res) => {
    const snapshot = await ctx.catalog.snapshot();
    const current = await publishedService(ctx, req.params.id, snapshot);
    if (!current) throw await missingServiceError(ctx.db, req.params.id);
    renderShared(req, res, snapshot, 'service', { service: current.definition, version: current.version, department: current.department, pageTitleText: current.definition.title });
  });

  return router;
}
