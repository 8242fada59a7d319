// One HTTP call with a deadline; tells temporary failures (retry) from permanent ones (do not).
export class PermanentError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PermanentError';
  }
}

export class TemporaryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'TemporaryError';
  }
}

export async function requestJson(
  url: string,
  init: { method?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; timeoutMs?: number },
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new TemporaryError(`${new URL(url).host} did not answer: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // a non-JSON body is kept as text for the error message
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new TemporaryError(`${new URL(url).host} answered ${response.status}`, response.status);
  }
  if (response.status >= 400) {
    const detail = typeof parsed === 'object' && parsed ? JSON.stringify(parsed).slice(0, 300) : String(text).slice(0, 300);
    throw new PermanentError(`${new URL(url).host} refused with ${response.status}: ${detail}`, response.status);
  }
  return parsed;
}
