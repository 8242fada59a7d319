// For local use: the SMS the desk has sent, newest first. Not mounted in production.
import { Router } from 'express';
import { decodeCursor, keysetPage, type AppContext } from '../context';

const PAGE = 50;

export function devRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/dev/sms', async (req, res) => {
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('sms_outbox')
      .modify((b) => {
        if (cursor) b.where('id', '<', Number(cursor[0]));
      })
      .orderBy('id', 'desc')
      .limit(PAGE + 1)
      .select('id', 'mobile', 'purpose', 'body', 'status', 'attempts', 'provider', 'last_error', 'created_at', 'sent_at');
    const { items: page, next } = keysetPage(rows, PAGE, (last: { id: number }) => [last.id]);
    res.render('dev/sms', {
      messages: page,
      next,
      sandboxInbox: ctx.config.sms.provider === 'sandbox' ? `${ctx.config.sandboxUrl}/sms` : null,
      pageTitle: 'devSms.title',
    });
  });
  return router;
}
