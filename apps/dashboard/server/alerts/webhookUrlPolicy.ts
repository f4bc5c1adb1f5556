import { isIP } from 'node:net';

export { redactUrl } from '../config/redactUrl';

/**
 * Where webhooks may be sent (issue 6, "Configuring"):
 * - only `http:` / `https:` URLs, without credentials in logs;
 * - with an allow-list (`FAULTLINE_WEBHOOK_ALLOWED_HOSTS`, comma-separated
 *   host names or addresses) only those hosts;
 * - without one, any host except link-local addresses (169.254.0.0/16,
 *   fe80::/10), where cloud metadata endpoints live.
 *
 * The check runs twice: on the URL when a rule is saved (literal addresses),
 * and on every resolved address when a webhook is sent (`checkAddress`, used
 * by the transport's DNS lookup), so a name that later resolves to a
 * metadata address (DNS rebinding) is refused at connect time.
 */
export interface WebhookUrlPolicy {
  /** Lower-cased host names / addresses; null = no allow-list. */
  allowedHosts: readonly string[] | null;
}

export function parseAllowedHosts(value: string | undefined | null): string[] | null {
  if (value == null) return null;
  const hosts = value
    .split(',')
    .map((h) => normalizeHost(h.trim()))
    .filter((h) => h !== '');
  return hosts.length > 0 ? hosts : null;
}

export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookUrlPolicy {
  return { allowedHosts: parseAllowedHosts(env.FAULTLINE_WEBHOOK_ALLOWED_HOSTS) };
}

/** Why a URL may not be used as a webhook, or null when it may. */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  const host = normalizeHost(url.hostname);
  if (host === '') return 'must name a host';
  if (policy.allowedHosts) {
    return policy.allowedHosts.includes(host) ? null : `host ${host} is not in FAULTLINE_WEBHOOK_ALLOWED_HOSTS`;
  }
  if (isIP(host) && isLinkLocal(host)) return `link-local address ${host} is not allowed (cloud metadata)`;
  return null;
}

/**
 * Check an address a host name resolved to, at connect time. With an
 * allow-list, a host name that is listed may resolve anywhere (the operator
 * chose it); without one, link-local addresses are refused.
 */
export function checkResolvedAddress(hostname: string, address: string, policy: WebhookUrlPolicy): string | null {
  if (policy.allowedHosts) {
    const host = normalizeHost(hostname);
    return policy.allowedHosts.includes(host) || policy.allowedHosts.includes(normalizeHost(address))
      ? null
      : `host ${host} is not in FAULTLINE_WEBHOOK_ALLOWED_HOSTS`;
  }
  return isLinkLocal(address) ? `${hostname} resolves to link-local address ${address} (refused)` : null;
}

/** 169.254.0.0/16, fe80::/10, and IPv4-mapped forms of the former. */
export function isLinkLocal(address: string): boolean {
  const a = normalizeHost(address);
  const version = isIP(a);
  if (version === 4) return a.startsWith('169.254.');
  if (version !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!.startsWith('169.254.');
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(a);
  if (mappedHex) return Number.parseInt(mappedHex[1]!, 16) === 0xa9fe;
  const first = Number.parseInt(a.split(':')[0] || '0', 16);
  return (first & 0xffc0) === 0xfe80;
}

function normalizeHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}
