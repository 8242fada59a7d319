// A retired service is gone from the catalogue, but someone holding its address is told why, not "not found".
import type { Db } from '../lib/db';
import { notFound, UserError } from './errors';

export async function missingServiceError(db: Db, id: string): Promise<UserError> {
  const retired = await db('services').where({ id }).whereNotNull('retired_at').first('id');
  return retired ? new UserError(410, 'authoring.retired') : notFound();
}
