import { describe, expect, it } from 'vitest';
import { LiveModel } from './liveModel';
import type { BreakerTransition } from './rollups';
import { breakerStateGauges, callDuration, fakeClock, metrics, T0 } from './testTelemetry';

/**
 * Two dashboard instances, each owning the services routed to it: what one
 * ingests reaches the other through drainDirty → mergeRemote (the peer sync
 * over Redis), and must show up there without being re-persisted, echoed
 * back or counted twice.
 */

const orderCalls = (n: number, t: number) =>
  callDuration({ service: 'order', peer: 'payment', latenciesMs: new Array(n).fill(4), timeMs: t });

describe('LiveModel.mergeRemote — a peer instance’s rollups', () => {
  it('shows a peer’s services, edges and breaker states, replacing (not adding to) a bucket that grew', () => {
    const c = fakeClock(T0 + 1000);
    const owner = new LiveModel({ clock: c.clock });
    const replica = new LiveModel({ clock: c.clock });
    owner.ingestMetrics(metrics(orderCalls(10, T0 + 1000), ...breakerStateGauges('closed', T0 + 1000)));
    replica.mergeRemote(owner.drainDirty());

    c.set(T0 + 2000);
    owner.ingestMetrics(metrics(orderCalls(30, T0 + 2000), ...breakerStateGauges('open', T0 + 2000)));
    const second = owner.drainDirty();
    expect(second.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open']);
    replica.mergeRemote(second);

    const edgeCalls = (m: LiveModel) =>
      m.rollups(T0, T0 + 10_000).edges.find((e) => e.source === 'order' && e.target === 'payment')?.calls;
    expect(edgeCalls(owner)).toBeGreaterThan(0);
    expect(edgeCalls(replica)).toBeCloseTo(edgeCalls(owner) ?? Number.NaN);
    expect(replica.rollups(T0, T0 + 10_000).transitions).toHaveLength(1);
    expect(replica.breakerStates()).toEqual([
      expect.objectContaining({ name: 'payment-cb', service: 'order', dependency: 'payment', state: 'open' }),
    ]);
  });

  it('does not queue adopted buckets for the store or echo them back, and fires no transition listener', () => {
    const c = fakeClock(T0 + 1000);
    const owner = new LiveModel({ clock: c.clock });
    const replica = new LiveModel({ clock: c.clock });
    const fired: BreakerTransition[] = [];
    replica.onBreakerTransition((t) => fired.push(t));
    owner.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 500)));
    c.set(T0 + 1500);
    owner.ingestMetrics(metrics(orderCalls(5, T0 + 1500), ...breakerStateGauges('open', T0 + 1500)));
    const before = replica.version();
    replica.mergeRemote(owner.drainDirty());

    expect(replica.version()).toBeGreaterThan(before);
    const echo = replica.drainDirty();
    expect([echo.edges, echo.breakers, echo.bulkheads, echo.services, echo.transitions].flat()).toEqual([]);
    expect(fired).toEqual([]);
  });

  it('reports keys this instance ingested too (telemetry not routed by service)', () => {
    const c = fakeClock(T0 + 1000);
    const a = new LiveModel({ clock: c.clock });
    const b = new LiveModel({ clock: c.clock });
    a.ingestMetrics(metrics(orderCalls(5, T0 + 1000)));
    b.ingestMetrics(metrics(orderCalls(7, T0 + 1000)));
    expect(b.mergeRemote(a.drainDirty()).collisions).toEqual(['edge order → payment']);
  });
});
