import { describe, expect, it } from 'vitest';
import type { WhatIf } from './apiTypes';
import { whatIfEdgePhrase, whatIfHighlight, whatIfNodePhrase } from './whatIfView';

// user → order → payment → ledger; order → payment guarded by breaker + bulkhead.
const result: WhatIf = {
  failing: 'ledger',
  predicted: ['payment'],
  unprotected: ['payment', 'order', 'user'],
  contained: [{ source: 'order', target: 'payment', by: 'breaker+bulkhead' }],
  path: ['payment->ledger'],
  sentence: 'If ledger fails, payment would be degraded; contained at order → payment (breaker + bulkhead)',
};

describe('what-if highlight', () => {
  it('gives the failing service, the predicted radius and the rest of the unprotected radius their own roles', () => {
    const h = whatIfHighlight(result);
    expect(h.failing).toBe('ledger');
    expect(Object.fromEntries(h.nodes)).toEqual({
      ledger: 'failing',
      payment: 'predicted',
      order: 'unprotected',
      user: 'unprotected',
    });
  });
  it('marks the edges the failure travels along and the ones that contain it, with what holds them', () => {
    const h = whatIfHighlight(result);
    expect(h.edges.get('payment->ledger')).toEqual({ kind: 'path' });
    expect(h.edges.get('order->payment')).toEqual({ kind: 'contained', by: 'breaker+bulkhead' });
    expect(h.edges.has('user->order')).toBe(false);
  });
  it('says the role in words for screen readers', () => {
    expect(whatIfNodePhrase('predicted', 'payment-service')).toBe('predicted to degrade if payment-service fails');
    expect(whatIfNodePhrase('failing', 'payment-service')).toBe('simulated failure');
    expect(whatIfNodePhrase('unprotected', 'x')).toBe('would degrade if x fails only without protection');
    expect(whatIfEdgePhrase({ kind: 'contained', by: 'breaker+timeout' })).toBe(
      'would contain the simulated failure (breaker + short timeout)',
    );
    expect(whatIfEdgePhrase({ kind: 'path' })).toBe('carries the simulated failure');
  });
  it('keeps a service with no callers alone', () => {
    const h = whatIfHighlight({ ...result, predicted: [], unprotected: [], contained: [], path: [] });
    expect([...h.nodes]).toEqual([['ledger', 'failing']]);
    expect(h.edges.size).toBe(0);
  });
});
