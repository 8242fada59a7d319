// Authoring service cards: edit or upload the JSON, check it, preview the citizen's page, publish, compare, retire.
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { publishService } from '../../lib/catalog-sync';
import { translate, type Locale } from '../../lib/i18n';
import type { ServiceDefinition } from '../../workflows/types';
import { requireAdmin } from '../admin-access';
import { audit } from '../audit';
import { csrfAfterUpload } from '../csrf';
import { decodeCursor, encodeCursor, keysetPage, type AppContext } from '../context';
import { notFound } from '../errors';
import { departmentOptions } from '../answers';
import { formFields } from '../form-fields';
import { checkServiceText, prettyService, SERVICE_TEMPLATES, templateText, versionDiffs, type AuthoringProblem } from '../service-authoring';

const PAGE = 50;
const VERSIONS_PAGE = 10;
const MAX_UPLOAD_BYTES = 200 * 1024;
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } }).single('file');

export function adminServiceRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  const existing = async (id: string) => {
    const service = await ctx.db('services').where({ id }).first();
    if (!service) throw notFound();
    return service;
  };

  /** The current version as the editor shows it, keys in the schema's order. */
  const currentText = async (id: string | null) => {
    if (!id) return templateText(SERVICE_TEMPLATES[0]);
    const service = await existing(id);
    const row = await ctx.db('service_versions').where({ service_id: id, version: service.current_version }).first('definition');
    return prettyService(row.definition);
  };

  /** The editor, with the text as the admin left it and every problem found in it. */
  const editor = (res: Response, status: number, data: { id: string | null; text: string; problems?: AuthoringProblem[]; service?: unknown; uploadError?: string; template?: string }) =>
    res.status(status).render('admin/service-edit', {
      ...data,
      templates: data.id ? [] : SERVICE_TEMPLATES.map((name) => ({ name, current: name === (data.template ?? SERVICE_TEMPLATES[0]) })),
      action: data.id ? `/admin/services/${data.id}` : '/admin/services/new',
      pageTitle: data.id ? 'authoring.editTitle' : 'authoring.newTitle',
    });

  router.get('/admin', (_req, res) => res.redirect(303, '/admin/services'));

  router.get('/admin/services', async (req, res) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('services as s')
      .join('service_versions as v', function () {
        this.on('v.service_id', 's.id').andOn('v.version', 's.current_version');
      })
      .modify((b) => {
        if (cursor) b.where('s.id', '>', String(cursor[0]));
      })
      .orderBy('s.id')
      .limit(PAGE + 1)
      .select('s.id', 's.title', 's.current_version', 's.retired_at', 'v.published_by', 'v.published_at');
    const { items, next } = keysetPage(rows, PAGE, (last: { id: string }) => [last.id]);
    res.render('admin/services', {
      services: items,
      next,
      done: ['published', 'retired', 'unchanged'].includes(String(req.query.done)) ? req.query.done : null,
      doneId: typeof req.query.id === 'string' ? req.query.id.slice(0, 64) : null,
      pageTitle: 'authoring.title',
    });
  });

  // A new service starts from a complete card of a common shape, chosen by the author.
  router.get('/admin/services/new', (req, res) => {
    const template = SERVICE_TEMPLATES.find((t) => t === req.query.template) ?? SERVICE_TEMPLATES[0];
    editor(res, 200, { id: null, text: templateText(template), template });
  });

  router.get('/admin/services/:id/edit', async (req, res) => {
    const service = await existing(req.params.id);
    editor(res, 200, { id: service.id, text: await currentText(service.id), service });
  });

  /** Checks, then publishes a new version with my username on it; problems go back to the editor. */
  const publish = async (req: Request, res: Response, id: string | null, text: string) => {
    const service = id ? await existing(id) : null;
    const checked = await checkServiceText(ctx.db, text, id, res.locals.locale);
    if (!checked.service) {
      await audit(ctx.db, req, 'service_refused', { service: id ?? 'new', problems: checked.problems.length });
      return editor(res, 422, { id, text, problems: checked.problems, service });
    }
    const result = await publishService(ctx.db, checked.service, req.staff!.username);
    await audit(ctx.db, req, 'service_published', { service: checked.service.id, version: result.version, changed: result.changed });
    // The admin's next page on this replica shows it; the other replicas hear of it from PostgreSQL.
    await ctx.catalog.changed();
    res.redirect(303, `/admin/services?done=${result.changed ? 'published' : 'unchanged'}&id=${checked.service.id}`);
  };

  /** The citizen's card rendered from the unsaved text; nothing is stored. */
  const preview = async (req: Request, res: Response, id: string | null, text: string) => {
    const service = id ? await existing(id) : null;
    const checked = await checkServiceText(ctx.db, text, id, res.locals.locale);
    if (!checked.service) return editor(res, 422, { id, text, problems: checked.problems, service });
    const { card, form } = await previewHtml(req, res, checked.service, (service?.current_version ?? 0) + 1);
    await audit(ctx.db, req, 'service_previewed', { service: checked.service.id });
    res.render('admin/service-preview', { card, form, text, id, action: id ? `/admin/services/${id}` : '/admin/services/new', pageTitleText: checked.service.title });
  };

  const renderView = (req: Request, res: Response, view: string, data: Record<string, unknown>) =>
    new Promise<string>((resolve, reject) => req.app.render(view, { ...res.locals, ...data, layout: false }, (error, html) => (error ? reject(error) : resolve(html))));

  /** The citizen's card and empty form for an unsaved definition. */
  const previewHtml = async (req: Request, res: Response, definition: ServiceDefinition, version: number) => {
    const department = await ctx.db('departments').where({ code: definition.responsibleUnit.department }).first();
    const fields = formFields(definition, {}, [], await departmentOptions(ctx), res.locals.locale);
    const card = await renderView(req, res, 'service', { service: definition, version, department });
    const form = await renderView(req, res, 'admin/service-form-preview', { service: definition, fields });
    return { card, form };
  };

  /** An uploaded file takes the place of the textarea: the same checks, the same publishing. */
  const uploaded = (req: Request, res: Response, id: string | null) =>
    new Promise<void>((resolve, reject) => {
      upload(req, res, (error: unknown) => {
        try {
          csrfAfterUpload(req, res);
        } catch (refusal) {
          return reject(refusal as Error);
        }
        if (error || !req.file) {
          const tooLarge = (error as { code?: string })?.code === 'LIMIT_FILE_SIZE';
          const uploadError = tooLarge ? 'authoring.errors.uploadTooLarge' : 'authoring.errors.uploadMissing';
          return currentText(id).then((text) => editor(res, tooLarge ? 413 : 422, { id, text, uploadError })).then(() => resolve(), reject);
        }
        publish(req, res, id, req.file.buffer.toString('utf8')).then(resolve, reject);
      });
    });

  const textOf = (req: Request) => String(req.body?.definition ?? '');

  /** The editor's live check: problems in words with line and column, and the card and form as they would look. Nothing is stored. */
  router.post('/admin/service-check', async (req, res) => {
    const id = typeof req.body?.id === 'string' && req.body.id ? req.body.id : null;
    const service = id ? await ctx.db('services').where({ id }).first() : null;
    const checked = await checkServiceText(ctx.db, textOf(req), service ? id : null, res.locals.locale);
    const locale = res.locals.locale as Locale;
    if (!checked.service) {
      const problems = checked.problems.map((p) => ({ ...p, position: translate(locale, 'catalogProblems.position', { line: p.line, column: p.column }) }));
      return res.status(422).json({ problems, status: translate(locale, 'authoring.liveProblems', { count: problems.length }) });
    }
    const preview = await previewHtml(req, res, checked.service, (service?.current_version ?? 0) + 1);
    res.json({ problems: [], status: translate(locale, 'authoring.liveOk'), ...preview });
  });
  router.post('/admin/services/new', (req, res) => publish(req, res, null, textOf(req)));
  router.post('/admin/services/new/preview', (req, res) => preview(req, res, null, textOf(req)));
  router.post('/admin/services/new/upload', (req, res) => uploaded(req, res, null));
  router.post('/admin/services/:id', (req, res) => publish(req, res, req.params.id, textOf(req)));
  router.post('/admin/services/:id/preview', (req, res) => preview(req, res, req.params.id, textOf(req)));
  router.post('/admin/services/:id/upload', (req, res) => uploaded(req, res, req.params.id));

  router.post('/admin/services/:id/retire', async (req, res) => {
    const service = await existing(req.params.id);
    // Running requests keep their snapshot; only the catalogue and new submissions see the retirement.
    await ctx.db('services').where({ id: service.id }).whereNull('retired_at').update({ retired_at: ctx.db.fn.now(), updated_at: ctx.db.fn.now() });
    await audit(ctx.db, req, 'service_retired', { service: service.id, version: service.current_version });
    await ctx.catalog.changed();
    res.redirect(303, `/admin/services?done=retired&id=${service.id}`);
  });

  router.get('/admin/services/:id/versions', async (req, res) => {
    const service = await existing(req.params.id);
    const cursor = decodeCursor(req.query.after);
    // One row beyond the page: the version the last one shown is compared with.
    const rows = await ctx.db('service_versions')
      .where({ service_id: service.id })
      .modify((b) => {
        if (cursor) b.where('version', '<', Number(cursor[0]));
      })
      .orderBy('version', 'desc')
      .limit(VERSIONS_PAGE + 1)
      .select('version', 'definition', 'published_by', 'published_at');
    const versions = versionDiffs(rows).slice(0, VERSIONS_PAGE);
    res.render('admin/service-versions', {
      service,
      versions,
      next: rows.length > VERSIONS_PAGE ? encodeCursor([versions[versions.length - 1].version]) : null,
      pageTitle: 'authoring.versionsTitle',
    });
  });

  return router;
}
