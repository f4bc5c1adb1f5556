import { describe, expect, it } from 'vitest';
import { expandTraceUrl } from './traceUrl';

describe('expandTraceUrl', () => {
  it('fills service, peer and trace id, URL-encoded', () => {
    expect(
      expandTraceUrl('http://jaeger:16686/search?service={service}&tags={peer}', {
        service: 'order service',
        peer: 'payment',
      }),
    ).toBe('http://jaeger:16686/search?service=order%20service&tags=payment');
    expect(expandTraceUrl('http://tempo/trace/{traceId}', { traceId: 'ABC123' })).toBe('http://tempo/trace/ABC123');
  });
  it('returns null without a template, with a missing value or a non-http scheme', () => {
    expect(expandTraceUrl('', { service: 'a' })).toBeNull();
    expect(expandTraceUrl('http://tempo/trace/{traceId}', { service: 'a' })).toBeNull();
    expect(expandTraceUrl('javascript:alert({service})', { service: 'a' })).toBeNull();
  });
});
