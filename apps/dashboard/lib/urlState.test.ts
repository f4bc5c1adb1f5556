import { describe, expect, it } from 'vitest';
import { formatMapUrlState, mapLinkForEdge, parseEdgeId, parseMapUrlState, sameSelection } from './urlState';

describe('map URL state', () => {
  it('round-trips time, selection, search and filters', () => {
    const state = {
      at: 1_714_572_903_000,
      sel: { kind: 'edge' as const, source: 'order-service', target: 'payment-service' },
      q: 'pay',
      onlyFailing: true,
      onlyOpenBreakers: false,
      whatIf: 'payment-service',
    };
    const qs = formatMapUrlState(state);
    expect(qs).toBe(
      'at=1714572903000&sel=edge%3Aorder-service-%3Epayment-service&q=pay&failing=1&whatif=payment-service',
    );
    expect(parseMapUrlState(new URLSearchParams(qs))).toEqual(state);
  });
  it('treats missing or malformed values as live / no selection', () => {
    const s = parseMapUrlState(new URLSearchParams('at=yesterday&sel=edge:nope'));
    expect(s.at).toBeNull();
    expect(s.sel).toBeNull();
    expect(s.whatIf).toBeNull();
    expect(parseMapUrlState(new URLSearchParams('sel=node:user-service')).sel).toEqual({
      kind: 'node',
      id: 'user-service',
    });
  });
  it('splits edge ids on the first arrow', () => {
    expect(parseEdgeId('a-b->c-d')).toEqual({ source: 'a-b', target: 'c-d' });
    expect(parseEdgeId('->x')).toBeNull();
  });
  it('compares selections and links edges from other pages', () => {
    expect(sameSelection({ kind: 'node', id: 'a' }, { kind: 'node', id: 'a' })).toBe(true);
    expect(sameSelection({ kind: 'node', id: 'a' }, null)).toBe(false);
    expect(mapLinkForEdge('order', 'payment')).toBe('/?sel=edge%3Aorder-%3Epayment');
  });
});
