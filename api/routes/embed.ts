// A service card other sites may frame (only those in EMBED_ALLOWED_ORIGINS), and the snippet they paste.
import { Router, type Response } from 'express';
import { translate } from '../../lib/i18n';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { publishedService } from '../catalog-list';

/** Sandboxed without scripts: the card needs none, and its "start" link opens the desk in a normal tab. */
export const EMBED_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation';
export const EMBED_SIZE = { width: 360, height: 320 };

const attribute = (value: string) => value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The exact markup an organisation pastes into its page. */
export function embedSnippet(src: string, title: string): string {
  const attrs = { src, title, width: String(EMBED_SIZE.width), height: String(EMBED_SIZE.height), loading: 'lazy', sandbox: EMBED_SANDBOX, referrerpolicy: 'strict-origin-when-cross-origin' };
  return `<iframe ${Object.entries(attrs).map(([k, v]) => `${k}="${attribute(v)}"`).join(' ')}></iframe>`;
}

/** Widens frame-ancestors on this response only; every other page keeps helmet's 'self'. */
function allowFraming(res: Response, origins: string[]) {
  const ancestors = `frame-ancestors ${["'self'", ...origins].join(' ')}`;
  const policy = String(res.getHeader('Content-Security-Policy') ?? '');
  const widened = /frame-ancestors [^;]*/.test(policy) ? policy.replace(/frame-ancestors [^;]*/, ancestors) : [policy, ancestors].filter(Boolean).join(';');
  res.setHeader('Content-Security-Policy', widened);
  res.removeHeader('X-Frame-Options');
}

export function embedRoutes(ctx: AppContext): Router {
  const router = Router();
  const origins = ctx.config.embedAllowedOrigins;

  const loadService = async (id: string) => {
    const current = await publishedService(ctx, id);
    if (!current) throw notFound();
    return current.definition;
  };

  router.get('/embed/services/:id', async (req, res) => {
    const service = await loadService(req.params.id as string);
    allowFraming(res, origins);
    res.render('embed/service', { service, layout: 'embed', pageTitleText: service.title });
  });

  router.get('/embed/snippet/:id', async (req, res) => {
    const service = await loadService(req.params.id as string);
    const src = `${ctx.config.publicUrl}/embed/services/${encodeURIComponent(service.id)}`;
    const snippet = embedSnippet(src, translate(res.locals.locale, 'embed.frameTitle', { service: service.title }));
    res.render('embed/snippet', { service, snippet, origins, pageTitle: 'embed.snippetTitle' });
  });

  return router;
}
