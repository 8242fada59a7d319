// Reasons the desk itself gives, in the citizen's language (they go into SMS and the history).
import fa from '../locales/fa.json';

export const systemReasons = {
  inquiryFailed: (title: string) => fa.reasons.inquiryFailed.replace('{title}', title),
  inquiryMismatch: (title: string) => fa.reasons.inquiryMismatch.replace('{title}', title),
  noReply: () => fa.reasons.noReply,
  unpaid: () => fa.reasons.unpaid,
};
