import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkResolvedAddress, checkWebhookUrl, type WebhookUrlPolicy } from './webhookUrlPolicy';

/** One POST of a JSON body; resolves with the status, rejects on network errors and timeouts. */
export interface WebhookRequest {
  url: string;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  status: number;
  /** From a `Retry-After` header, when the receiver sent one. */
  retryAfterMs: number | null;
}

export type WebhookTransport = (req: WebhookRequest) => Promise<WebhookResponse>;

/** The URL policy refused the destination; never retried. */
export class WebhookRefusedError extends Error {
  override name = 'WebhookRefusedError';
}

type DnsLookup = typeof dns.lookup;

/**
 * node:http(s) transport that enforces the URL policy at connect time: the
 * socket's DNS lookup is wrapped, so the address actually connected to is the
 * one checked (no window for DNS rebinding between a check and the request).
 * Redirects are not followed.
 */
export function nodeHttpTransport(policy: WebhookUrlPolicy, lookup: DnsLookup = dns.lookup): WebhookTransport {
  return (req) =>
    new Promise<WebhookResponse>((resolve, reject) => {
      const problem = checkWebhookUrl(req.url, policy);
      if (problem) {
        reject(new WebhookRefusedError(problem));
        return;
      }
      const url = new URL(req.url);
      const client = url.protocol === 'https:' ? https : http;
      const body = Buffer.from(req.body);
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': 'Faultline-Alerts',
          },
          lookup: guardedLookup(policy, lookup),
          signal: AbortSignal.timeout(req.timeoutMs),
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfterMs: retryAfter(res.headers['retry-after']) }),
          );
          res.on('error', reject);
        },
      );
      request.on('error', (err) => reject(err.cause instanceof WebhookRefusedError ? err.cause : err));
      request.end(body);
    });
}

function guardedLookup(policy: WebhookUrlPolicy, lookup: DnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const list = addresses as unknown as LookupAddress[];
      for (const a of list) {
        const problem = checkResolvedAddress(hostname, a.address, policy);
        if (problem) {
          const refused = new WebhookRefusedError(problem);
          callback(Object.assign(new Error(problem), { code: 'EFAULTLINEREFUSED', cause: refused }), '', 0);
          return;
        }
      }
      if (options.all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      } else {
        const first = list[0];
        if (!first) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        else callback(null, first.address, first.family);
      }
    });
  };
}

/** `Retry-After`: delta seconds or an HTTP date. */
export function retryAfter(header: string | string[] | undefined, nowMs = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Adapter for an injected `fetch` (tests, other runtimes). Checks the URL and
 * the resolved addresses before the request; unlike nodeHttpTransport it
 * cannot pin the address fetch then connects to, so prefer the default.
 */
export function fetchTransport(
  fetchFn: typeof fetch,
  policy: WebhookUrlPolicy,
  lookup: DnsLookup = dns.lookup,
): WebhookTransport {
  return async (req) => {
    const problem = checkWebhookUrl(req.url, policy);
    if (problem) throw new WebhookRefusedError(problem);
    const hostname = new URL(req.url).hostname.replace(/^\[|\]$/g, '');
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      lookup(hostname, { all: true }, (err, list) => (err ? reject(err) : resolve(list as LookupAddress[]))),
    );
    for (const a of addresses) {
      const refused = checkResolvedAddress(hostname, a.address, policy);
      if (refused) throw new WebhookRefusedError(refused);
    }
    const res = await fetchFn(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, retryAfterMs: retryAfter(res.headers.get('retry-after') ?? undefined) };
  };
}
