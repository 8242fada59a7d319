// Every status a request can have, and which of them end it. The one definition the workflow, the projection, pages and reports use.

export const REQUEST_STATUSES = [
  'submitted',
  'pending_review',
  'needs_info',
  'awaiting_payment',
  'in_progress',
  'approved',
  'rejected',
  'delivered',
  'closed',
  'cancelled',
  'expired',
] as const;

export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A request in one of these has ended: `closed_at` is set, nothing more happens to it. */
export const CLOSING_STATUSES: readonly RequestStatus[] = ['rejected', 'closed', 'cancelled', 'expired'];

/** Still moving: the inbox shows these. */
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter((s) => !CLOSING_STATUSES.includes(s));

export const isClosingStatus = (status: string): boolean => (CLOSING_STATUSES as readonly string[]).includes(status);
export const isRequestStatus = (status: unknown): status is RequestStatus => typeof status === 'string' && (REQUEST_STATUSES as readonly string[]).includes(status);
