// Sending stored files back: the type we decided, never sniffed; a name that survives any browser.
import type { Response } from 'express';

/** RFC 6266 Content-Disposition with an ASCII fallback name and the exact UTF-8 name. */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function sendFile(res: Response, bytes: Buffer, opts: { mime: string; name: string; inline?: boolean }): void {
  res.set({
    'Content-Type': opts.mime,
    'Content-Disposition': contentDisposition(opts.inline ? 'inline' : 'attachment', opts.name),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(bytes);
}
