// Inquiry agencies (civil registry, postal company, ...): POST {operation, input} → {result}.
import { requestJson, PermanentError } from '../http';

export interface InquiryClient {
  inquire(agency: string, operation: string, input: Record<string, string>): Promise<Record<string, unknown>>;
}

export function httpInquiryClient(agencies: Record<string, string>, timeoutMs = 8_000): InquiryClient {
  return {
    async inquire(agency, operation, input) {
      const base = agencies[agency];
      if (!base) throw new PermanentError(`no address is configured for the agency "${agency}"`);
      const answer = (await requestJson(`${base}/${encodeURIComponent(operation)}`, { body: input, timeoutMs })) as {
        result?: Record<string, unknown>;
      };
      if (!answer || typeof answer.result !== 'object') throw new PermanentError(`${agency} answered without a result`);
      return answer.result;
    },
  };
}
