import { describe, expect, it } from 'vitest';
import { checkResolvedAddress, checkWebhookUrl, isLinkLocal, parseAllowedHosts, redactUrl } from './webhookUrlPolicy';

const open = { allowedHosts: null };

describe('checkWebhookUrl', () => {
  it('accepts http and https', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9093/api/v2/alerts', open)).toBeNull();
    expect(checkWebhookUrl('https://hooks.example.com/x', open)).toBeNull();
  });

  it('refuses other schemes and garbage', () => {
    expect(checkWebhookUrl('file:///etc/passwd', open)).toMatch(/http or https/);
    expect(checkWebhookUrl('gopher://x', open)).toMatch(/http or https/);
    expect(checkWebhookUrl('not a url', open)).toMatch(/absolute/);
  });

  it('refuses link-local literals (cloud metadata) when no allow-list is set', () => {
    expect(checkWebhookUrl('http://169.254.169.254/latest/meta-data', open)).toMatch(/link-local/);
    expect(checkWebhookUrl('http://[fe80::1]/', open)).toMatch(/link-local/);
    expect(checkWebhookUrl('http://[::ffff:169.254.169.254]/', open)).toMatch(/link-local/);
  });

  it('with an allow-list, allows only listed hosts', () => {
    const policy = { allowedHosts: parseAllowedHosts(' Alerts.example.com , 10.0.0.5,') };
    expect(policy.allowedHosts).toEqual(['alerts.example.com', '10.0.0.5']);
    expect(checkWebhookUrl('https://alerts.example.com/hook', policy)).toBeNull();
    expect(checkWebhookUrl('http://10.0.0.5:9093/', policy)).toBeNull();
    expect(checkWebhookUrl('http://127.0.0.1/', policy)).toMatch(/not in FAULTLINE_WEBHOOK_ALLOWED_HOSTS/);
  });
});

describe('checkResolvedAddress (DNS rebinding)', () => {
  it('refuses names that resolve to link-local addresses', () => {
    expect(checkResolvedAddress('metadata.internal', '169.254.169.254', open)).toMatch(/link-local/);
    expect(checkResolvedAddress('hooks.example.com', '93.184.216.34', open)).toBeNull();
  });
});

describe('isLinkLocal', () => {
  it('covers 169.254/16 and fe80::/10 only', () => {
    expect(isLinkLocal('169.254.0.1')).toBe(true);
    expect(isLinkLocal('169.255.0.1')).toBe(false);
    expect(isLinkLocal('febf::1')).toBe(true);
    expect(isLinkLocal('fec0::1')).toBe(false);
    expect(isLinkLocal('::ffff:a9fe:a9fe')).toBe(true);
    expect(isLinkLocal('127.0.0.1')).toBe(false);
  });
});

describe('redactUrl', () => {
  it('removes credentials and masks query values', () => {
    const shown = redactUrl('https://user:s3cret@hooks.example.com/path?token=abc&x=1');
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain('user');
    expect(shown).not.toContain('abc');
    expect(shown).toContain('hooks.example.com/path');
  });
});
