import { describe, expect, it } from 'vitest';
import { analyzeCascade, isBlockedBehindSlow, whatIf } from './cascade';
import { largeIncident, protectedIncident, unprotectedIncident } from './referenceTopology';
import { emptyRollupBatch } from './rollups';
import { buildTopology } from './topology';

const B = 1_700_000_000_000;
const at = B + 5000;

describe('cascade analysis on the reference incident', () => {
  it('unprotected: Payment is the root cause, Order and User are its blast radius', () => {
    const topo = buildTopology(unprotectedIncident(B), { atMs: at, windowSeconds: 60 });
    expect(topo.cascade.rootCauses).toEqual(['payment']);
    expect(topo.cascade.blastRadius).toEqual(['order', 'user']);
    expect(topo.cascade.path).toEqual(['order->payment', 'user->order']);
    const health = Object.fromEntries(topo.services.map((s) => [s.name, s.health]));
    expect(health).toMatchObject({ payment: 'failing', inventory: 'healthy', profile: 'healthy', email: 'healthy' });
    expect(health.order).not.toBe('healthy');
    expect(health.user).not.toBe('healthy');
    expect(topo.cascade.sentence).toBe(
      'payment is failing (timeouts 92 %); order and user are degraded by it; order retries payment ×3.1 (retry storm)',
    );
  });

  it('protected: Payment is still the root cause, but nothing is dragged down', () => {
    const topo = buildTopology(protectedIncident(B), { atMs: at, windowSeconds: 60 });
    expect(topo.cascade.rootCauses).toEqual(['payment']);
    expect(topo.cascade.blastRadius).toEqual([]);
    expect(topo.services.find((s) => s.name === 'order')?.health).toBe('healthy');
    expect(topo.cascade.sentence).toBe('payment is failing (errors 100 %); 1 breaker open');
  });

  it('a deeper failure is the root, not the service in between', () => {
    const batch = unprotectedIncident(B);
    // Email now fails too and Payment's calls to it fail: Email is deepest.
    const pe = batch.edges.find((e) => e.source === 'payment' && e.target === 'email');
    if (!pe) throw new Error('fixture');
    pe.outcomes = { success: 0, failure: 80, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 };
    pe.errors = 80;
    const topo = buildTopology(batch, { atMs: at, windowSeconds: 60 });
    expect(topo.cascade.rootCauses).toEqual(['email']);
    expect(topo.cascade.blastRadius).toEqual(expect.arrayContaining(['payment', 'order', 'user']));
  });

  it('all healthy says so', () => {
    expect(buildTopology(emptyRollupBatch(), { atMs: at, windowSeconds: 60 }).cascade.sentence).toBe(
      'No telemetry yet',
    );
    const calm = protectedIncident(B);
    calm.edges = calm.edges.filter((e) => e.target !== 'payment');
    calm.breakers = [];
    expect(buildTopology(calm, { atMs: at, windowSeconds: 60 }).cascade.sentence).toMatch(/^All \d+ services healthy/);
  });
});

describe('what-if blast radius', () => {
  it('unprotected: Payment failing takes down Order and, through Order, User', () => {
    const topo = buildTopology(unprotectedIncident(B), { atMs: at, windowSeconds: 60 });
    const w = whatIf(topo, 'payment');
    expect(w.predicted).toEqual(['order', 'user']);
    expect(w.unprotected).toEqual(['order', 'user']);
    expect(w.contained).toEqual([]);
    expect(w.sentence).toBe('If payment fails, order and user would be degraded');
  });

  it('protected: it stops at Order’s breaker + bulkhead, and says so', () => {
    const topo = buildTopology(protectedIncident(B), { atMs: at, windowSeconds: 60 });
    const w = whatIf(topo, 'payment');
    expect(w.predicted).toEqual([]);
    expect(w.unprotected).toEqual(['order', 'user']);
    expect(w.contained).toEqual([{ source: 'order', target: 'payment', by: 'breaker+bulkhead' }]);
    expect(w.sentence).toBe(
      'If payment fails, no caller would be degraded: contained at order → payment (breaker + bulkhead); without protection order and user would be',
    );
  });

  it('a breaker with a short timeout contains too; a caller with another open path is still affected', () => {
    const topo = {
      services: ['a', 'b', 'c'].map((name) => ({
        name,
        health: 'healthy' as const,
        ownHealth: 'healthy' as const,
        errorRate: 0,
        p99Ms: null,
      })),
      edges: [
        edge('a', 'c', { breaker: { name: 'c', state: 'closed' }, timeout: 3, p99Ms: 800 }),
        edge('b', 'c', { breaker: { name: 'c', state: 'closed' }, timeout: 3, p99Ms: 800 }),
        edge('a', 'b', {}),
      ],
    };
    const w = whatIf(topo, 'c');
    expect(w.predicted).toEqual([]);
    expect(w.contained.map((c) => c.by)).toEqual(['breaker+timeout', 'breaker+timeout']);
    topo.edges[1] = edge('b', 'c', {});
    const w2 = whatIf(topo, 'c');
    expect(w2.predicted).toEqual(['b', 'a']);
    // a → c held, but a is reached through b anyway: that containment did not protect a.
    expect(w2.contained).toEqual([]);
  });
});

function edge(
  source: string,
  target: string,
  o: { breaker?: { name: string; state: 'closed' | 'open' }; timeout?: number; p99Ms?: number },
) {
  return {
    source,
    target,
    calls: 10,
    outcomes: {
      success: 10 - (o.timeout ?? 0),
      failure: 0,
      timeout: o.timeout ?? 0,
      short_circuited: 0,
      bulkhead_rejected: 0,
    },
    p99Ms: o.p99Ms ?? 20,
    breaker: o.breaker ?? null,
    bulkhead: null,
    retryAmplification: 1,
    retryStorm: false,
    blockedShare: null,
  };
}

describe('callers waiting on a dependency', () => {
  it('a pass-through caller waiting on a fast, healthy dependency is not dragged down', () => {
    const fast = { ...edge('order', 'payment', { p99Ms: 40 }), blockedShare: 1 };
    expect(analyzeCascade({ services: [], edges: [fast] }).blastRadius).toEqual([]);
  });

  it('most in-flight requests stuck behind a slow dependency drag the caller down', () => {
    const slow = { ...edge('order', 'payment', { p99Ms: 600 }), blockedShare: 0.97 };
    expect(isBlockedBehindSlow(slow)).toBe(true);
    expect(isBlockedBehindSlow({ ...slow, p99Ms: 40 })).toBe(false);
    expect(isBlockedBehindSlow({ ...slow, blockedShare: 0.2 })).toBe(false);
  });
});

describe('scale', () => {
  // Timings for this size live in `npm run bench` (suite "model"); here only correctness at scale.
  it('2 000 services / 10 000 edges: one root cause found and a what-if prediction made', () => {
    const batch = largeIncident(B, 2000, 10_000);
    const topo = buildTopology(batch, { atMs: at, windowSeconds: 60 });
    expect(topo.edges.length).toBe(10_000);
    expect(topo.services.length).toBeGreaterThan(1500);
    expect(topo.cascade.rootCauses).toEqual(['svc-9-0']);
    expect(whatIf(topo, 'svc-9-0').predicted.length).toBeGreaterThan(0);
  });
});
