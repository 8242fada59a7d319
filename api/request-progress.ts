// Whether the workflow is busy with automatic steps (letter, document, SMS) right now: pages say so and refresh.
import { isClosingStatus } from '../workflows/statuses';

/** How long after the last write a request with nothing awaited still counts as being worked on. */
const WORKING_WINDOW_MS = 2 * 60 * 1000;

export function isWorking(request: { status: string; awaiting: string | null; closed_at: Date | null; updated_at: Date }, now = Date.now()): boolean {
  if (request.awaiting || request.closed_at || isClosingStatus(request.status)) return false;
  return now - new Date(request.updated_at).getTime() < WORKING_WINDOW_MS;
}
