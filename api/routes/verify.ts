// Public verification of an issued document: its particulars, its fingerprint, and a check of any copy.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import multer, { MulterError } from 'multer';
import { maskName } from '../../lib/persian';
import type { AppContext } from '../context';
import { csrfAfterUpload } from '../csrf';
import { UserError } from '../errors';

const TOKEN = /^[a-f0-9]{32}$/;
/** Issued documents are at most a few hundred kilobytes; anything this large is certainly not one of them. */
const COPY_LIMIT_BYTES = 2 * 1024 * 1024;

type Outcome = 'genuine' | 'differs' | null;

export function verifyRoutes(ctx: AppContext): Router {
  const router = Router();
  const readCopy = multer({ storage: multer.memoryStorage(), limits: { fileSize: COPY_LIMIT_BYTES, files: 1, fields: 5, parts: 6 } }).single('copy');

  const issued = async (token: string) => {
    const row = TOKEN.test(token)
      ? await ctx.db('deliverables as d')
          .join('requests as r', 'r.id', 'd.request_id')
          .join('service_versions as v', function () {
            this.on('v.service_id', '=', 'r.service_id').andOn('v.version', '=', 'r.service_version');
          })
          .where('d.verification_token', token)
          .first('d.kind', 'd.title', 'd.sha256', 'd.text', 'd.issued_at', 'd.verification_token', 'r.tracking_code', 'r.letter_number', 'r.applicant_name', ctx.db.raw(`v.definition->>'title' as service_title`))
      : null;
    if (!row) throw new UserError(404, 'verify.notFound');
    return row;
  };

  // Anyone with the link learns only what proves the document is ours; its text (national code and all)
  // is shown back only to a visitor who uploads the very file, and so has it already.
  const page = (row: Awaited<ReturnType<typeof issued>>, extra: { outcome?: Outcome; error?: string } = {}) => ({
    document: {
      kind: row.kind,
      title: row.title,
      sha256: row.sha256,
      issued_at: row.issued_at,
      verification_token: row.verification_token,
      letter_number: row.letter_number,
      service_title: row.service_title,
      holder: row.applicant_name ? maskName(row.applicant_name) : null,
      ...(extra.outcome === 'genuine' ? { text: row.text, tracking_code: row.tracking_code, applicant_name: row.applicant_name } : {}),
    },
    outcome: extra.outcome ?? null,
    error: extra.error ?? null,
    pageTitle: 'verify.title',
  });

  router.get('/verify/:token', async (req, res) => {
    res.render('verify', page(await issued(req.params.token as string)));
  });

  router.post('/verify/:token', async (req, res) => {
    const row = await issued(req.params.token as string);
    const copy = await new Promise<Buffer | 'too-large' | null>((resolve, reject) => {
      readCopy(req, res, (error?: unknown) => {
        try {
          csrfAfterUpload(req, res);
        } catch (refusal) {
          return reject(refusal as Error);
        }
        if (error instanceof MulterError && error.code === 'LIMIT_FILE_SIZE') return resolve('too-large');
        if (error instanceof MulterError) return reject(new UserError(400, 'errors.badRequest'));
        if (error) return reject(error);
        resolve(req.file && req.file.size > 0 ? req.file.buffer : null);
      });
    });
    if (!copy) return res.status(422).render('verify', page(row, { error: 'verify.chooseFile' }));
    const same = copy !== 'too-large' && createHash('sha256').update(copy).digest('hex') === row.sha256;
    res.render('verify', page(row, { outcome: same ? 'genuine' : 'differs' }));
  });

  return router;
}
