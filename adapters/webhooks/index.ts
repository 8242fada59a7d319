// One signed POST to a subscriber. The address is checked after DNS resolution, on the very address the
// connection uses, so neither a private IP nor a name that resolves (or re-resolves) to one is reached.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { isPublicAddress } from '../../lib/addresses';

export class RefusedAddressError extends Error {}

export interface WebhookPostOptions {
  /** WEBHOOK_ALLOW_PRIVATE: loopback, private and link-local subscribers are allowed (tests, an intranet). */
  allowPrivate: boolean;
  timeoutMs: number;
}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((a) => !allowPrivate && !isPublicAddress(a.address));
      if (refused || !list.length) return callback(new RefusedAddressError(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which is not a public address`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Sends the body and returns the status code; redirects are not followed. */
export function postWebhook(target: string, headers: Record<string, string>, body: string, options: WebhookPostOptions): Promise<number> {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new RefusedAddressError(`${url.protocol} is not http or https`));
  // An address written as such is never looked up, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && !options.allowPrivate && !isPublicAddress(literal)) return Promise.reject(new RefusedAddressError(`${literal} is not a public address`));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: guardedLookup(options.allowPrivate), timeout: options.timeoutMs },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
