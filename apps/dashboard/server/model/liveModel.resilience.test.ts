import { describe, expect, it } from 'vitest';
import { SpanKind } from '../ingest/telemetry';
import { bulkheadsView } from './bulkheadsView';
import { ATTR, EVENT, METRIC, POLLY, RESILIENCE4J, STANDARD } from './contract';
import { LiveModel } from './liveModel';
import type { BreakerTransition } from './rollups';
import {
  breakerStateGauges,
  callDuration,
  countsFor,
  fakeClock,
  gaugePoint,
  histogramPoint,
  metrics,
  PAYMENT_BREAKER,
  span,
  sumPoint,
  T0,
  traces,
} from './testTelemetry';
import { buildTopology } from './topology';

describe('LiveModel — breakers', () => {
  it('derives transitions from the state gauge and guards the edge service → peer.service', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const fired: BreakerTransition[] = [];
    model.onBreakerTransition((t) => fired.push(t));
    c.set(T0 + 1000);
    model.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 1000)));
    expect(fired).toEqual([]);
    c.set(T0 + 11_000);
    model.ingestMetrics(metrics(...breakerStateGauges('open', T0 + 11_000)));
    c.set(T0 + 21_000);
    model.ingestMetrics(metrics(...breakerStateGauges('open', T0 + 21_000)));
    c.set(T0 + 31_000);
    model.ingestMetrics(metrics(...breakerStateGauges('half_open', T0 + 31_000)));
    expect(fired.map((t) => `${t.from}->${t.to}@${t.atMs - T0}`)).toEqual([
      'closed->open@11000',
      'open->half_open@31000',
    ]);
    expect(fired[0]).toMatchObject({ name: 'payment-cb', service: 'order', dependency: 'payment' });
    const batch = model.rollups(T0, T0 + 40_000);
    expect(batch.transitions).toHaveLength(2);
    expect(batch.breakers.map((b) => [b.bucketStartMs - T0, b.state])).toEqual([
      [0, 'closed'],
      [10_000, 'open'],
      [20_000, 'open'],
      [30_000, 'half_open'],
    ]);
    // The topology at a moment in the past shows the state then.
    model.ingestMetrics(
      metrics(callDuration({ service: 'order', peer: 'payment', latenciesMs: [1], timeMs: T0 + 31_000 })),
    );
    const past = buildTopology(model.rollups(T0, T0 + 40_000), { atMs: T0 + 15_000, windowSeconds: 60 });
    expect(past.edges.find((e) => e.target === 'payment')?.breaker).toEqual({ name: 'payment-cb', state: 'open' });
  });

  it('a breaker flapping every second reports every transition, not just the first of each kind', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const fired: BreakerTransition[] = [];
    model.onBreakerTransition((t) => fired.push(t));
    const states = ['closed', 'open', 'closed', 'open', 'closed', 'open'];
    states.forEach((state, i) => {
      c.set(T0 + i * 1000);
      model.ingestMetrics(metrics(...breakerStateGauges(state, T0 + i * 1000)));
    });
    expect(fired.map((t) => `${t.from}->${t.to}`)).toEqual([
      'closed->open',
      'open->closed',
      'closed->open',
      'open->closed',
      'closed->open',
    ]);
    expect(model.breakerStates()[0]?.state).toBe('open');
  });

  it('one transition reported by gauge, counter and span event is recorded once, at the event’s time', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const fired: BreakerTransition[] = [];
    model.onBreakerTransition((t) => fired.push(t));
    c.set(T0 + 1000);
    model.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 1000)));
    c.set(T0 + 11_000);
    model.ingestMetrics(
      metrics(
        ...breakerStateGauges('open', T0 + 11_000),
        sumPoint(METRIC.BREAKER_TRANSITIONS, {
          service: 'order',
          attributes: { ...PAYMENT_BREAKER, from: 'closed', to: 'open' },
          value: 1,
          startTimeMs: T0 + 500,
          timeMs: T0 + 11_000,
        }),
      ),
    );
    model.ingestSpans(
      traces(
        span({
          service: 'order',
          kind: SpanKind.CLIENT,
          startTimeMs: T0 + 8000,
          attributes: { ...PAYMENT_BREAKER },
          events: [
            {
              name: EVENT.BREAKER_STATE_CHANGE,
              timeMs: T0 + 8004,
              attributes: { [ATTR.TRANSITION_FROM]: 'closed', [ATTR.TRANSITION_TO]: 'open' },
            },
          ],
        }),
      ),
    );
    expect(fired).toHaveLength(1);
    const drained = model.drainDirty();
    expect(drained.transitions).toEqual([
      { name: 'payment-cb', service: 'order', dependency: 'payment', from: 'closed', to: 'open', atMs: T0 + 8004 },
    ]);
  });

  it('restores breaker states after a restart and notices a change that happened meanwhile', () => {
    const c = fakeClock(T0 + 60_000);
    const model = new LiveModel({ clock: c.clock });
    model.restore({ edges: [], breakers: [], bulkheads: [], services: [], transitions: [] }, [
      { name: 'payment-cb', service: 'order', dependency: 'payment', state: 'open', atMs: T0 },
    ]);
    expect(model.breakerStates()[0]?.state).toBe('open');
    const fired: BreakerTransition[] = [];
    model.onBreakerTransition((t) => fired.push(t));
    model.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 60_000)));
    expect(fired.map((t) => `${t.from}->${t.to}`)).toEqual(['open->closed']);
  });
});

describe('LiveModel — bulkheads', () => {
  it('reads active/queued/limit gauges and rejections; saturation and time saturated', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const attrs = { [ATTR.BULKHEAD_NAME]: 'payment-bh', [ATTR.PEER_SERVICE]: 'payment' };
    const sample = (t: number, active: number, queued: number, rejections: number) =>
      metrics(
        gaugePoint(METRIC.BULKHEAD_ACTIVE, { service: 'order', attributes: attrs, value: active, timeMs: t }),
        gaugePoint(METRIC.BULKHEAD_QUEUED, { service: 'order', attributes: attrs, value: queued, timeMs: t }),
        gaugePoint(METRIC.BULKHEAD_LIMIT, { service: 'order', attributes: attrs, value: 10, timeMs: t }),
        gaugePoint(METRIC.BULKHEAD_QUEUE_LIMIT, { service: 'order', attributes: attrs, value: 5, timeMs: t }),
        sumPoint(METRIC.BULKHEAD_REJECTIONS, { service: 'order', attributes: attrs, value: rejections, timeMs: t }),
      );
    for (const [s, active, queued, rej] of [
      [0, 4, 0, 0],
      [10, 10, 5, 20],
      [20, 10, 5, 60],
      [30, 10, 5, 100],
    ] as const) {
      c.set(T0 + s * 1000 + 5000);
      model.ingestMetrics(sample(T0 + s * 1000 + 5000, active, queued, rej));
    }
    const rows = bulkheadsView(model.rollups(T0, T0 + 40_000), T0 + 39_000, 40);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      service: 'order',
      name: 'payment-bh',
      dependency: 'payment',
      active: 10,
      limit: 10,
      queued: 5,
      queueLimit: 5,
      saturation: 1,
    });
    expect(rows[0]?.rejectionsPerSec).toBeCloseTo(100 / 40);
    // Saturated from the 15 s sample on: 30 s of 40.
    expect(rows[0]?.saturatedShare).toBeCloseTo(30 / 40);
    const topo = buildTopology(model.rollups(T0, T0 + 40_000), { atMs: T0 + 39_000, windowSeconds: 40 });
    const order = topo.services.find((s) => s.name === 'order');
    expect(order?.saturated).toBe(true);
    expect(order?.health).toBe('degraded');
    expect(topo.cascade.sentence).toContain('1 bulkhead saturated');
  });

  it('keeps every snapshot of a request that carries several exports of one bulkhead', () => {
    const c = fakeClock(T0 + 9000);
    const model = new LiveModel({ clock: c.clock });
    const attributes = { [ATTR.BULKHEAD_NAME]: 'pool', [ATTR.PEER_SERVICE]: 'payment' };
    const snapshot = (instance: string, t: number, active: number, queued: number) => [
      gaugePoint(METRIC.BULKHEAD_ACTIVE, { service: 'order', instance, attributes, value: active, timeMs: t }),
      gaugePoint(METRIC.BULKHEAD_QUEUED, { service: 'order', instance, attributes, value: queued, timeMs: t }),
      gaugePoint(METRIC.BULKHEAD_LIMIT, { service: 'order', instance, attributes, value: 10, timeMs: t }),
    ];
    // A Collector batch: two exports of instance a (peak first), with instance b's in between.
    model.ingestMetrics(
      metrics(
        ...snapshot('a', T0 + 2000, 9, 4),
        ...snapshot('b', T0 + 2000, 1, 0),
        ...snapshot('a', T0 + 3000, 2, 1),
        ...snapshot('b', T0 + 3000, 3, 0),
      ),
    );
    const [row] = model.rollups(T0, T0 + 10_000).bulkheads;
    expect(row).toMatchObject({ activeLast: 2 + 3, queuedLast: 1, limit: 20 });
    // The peak of a bucket is the highest sum of the instances' peaks, snapshot by snapshot.
    expect(row?.activeMax).toBe(9 + 3);
    expect(row?.queuedMax).toBe(4);
  });

  it('stays right when a batch evicts the bulkhead it is filling', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock, limits: { maxBulkheads: 1 } });
    const point = (name: string, metric: string, value: number) =>
      gaugePoint(metric, {
        service: 's',
        attributes: { [ATTR.BULKHEAD_NAME]: name, [ATTR.PEER_SERVICE]: 'x' },
        value,
        timeMs: T0 + 5000,
      });
    model.ingestMetrics(
      metrics(
        point('a', METRIC.BULKHEAD_ACTIVE, 3),
        point('b', METRIC.BULKHEAD_ACTIVE, 4),
        point('a', METRIC.BULKHEAD_LIMIT, 10),
        point('b', METRIC.BULKHEAD_LIMIT, 8),
      ),
    );
    expect(model.stats().dropped.bulkheads).toBe(3);
    const rows = bulkheadsView(model.rollups(T0, T0 + 10_000), T0 + 5000, 60);
    expect(rows.map((r) => [r.name, r.active, r.limit])).toEqual([['b', 0, 8]]);
  });

  it('sorts the bulkheads view by saturation', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock });
    const pts = [
      ['a', 2],
      ['b', 9],
      ['c', 5],
    ].flatMap(([name, active]) => {
      const attributes = { [ATTR.BULKHEAD_NAME]: name as string, [ATTR.PEER_SERVICE]: 'x' };
      return [
        gaugePoint(METRIC.BULKHEAD_ACTIVE, { service: 's', attributes, value: active as number, timeMs: T0 + 5000 }),
        gaugePoint(METRIC.BULKHEAD_LIMIT, { service: 's', attributes, value: 10, timeMs: T0 + 5000 }),
      ];
    });
    model.ingestMetrics(metrics(...pts));
    expect(bulkheadsView(model.rollups(T0, T0 + 10_000), T0 + 5000, 60).map((r) => r.name)).toEqual(['b', 'c', 'a']);
  });
});

describe('LiveModel — retry amplification and blocked share', () => {
  it('attempts ÷ logical calls per edge; in-flight ÷ the caller’s active requests', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    c.set(T0 + 10_000);
    model.ingestMetrics(
      metrics(
        callDuration({
          service: 'order',
          peer: 'payment',
          outcome: 'timeout',
          latenciesMs: new Array(100).fill(30_000),
          timeMs: T0 + 10_000,
          startTimeMs: T0 + 1,
        }),
        sumPoint(METRIC.RETRY_ATTEMPTS, {
          service: 'order',
          attributes: { [ATTR.PEER_SERVICE]: 'payment', [ATTR.OUTCOME]: 'timeout' },
          value: 310,
          timeMs: T0 + 10_000,
          startTimeMs: T0 + 1,
        }),
        gaugePoint(METRIC.DEPENDENCY_INFLIGHT, {
          service: 'order',
          attributes: { [ATTR.PEER_SERVICE]: 'payment' },
          value: 97,
          timeMs: T0 + 10_000,
        }),
        sumPoint(STANDARD.HTTP_SERVER_ACTIVE_REQUESTS, {
          service: 'order',
          value: 100,
          monotonic: false,
          timeMs: T0 + 10_000,
        }),
      ),
    );
    const topo = buildTopology(model.rollups(T0, T0 + 20_000), { atMs: T0 + 10_000, windowSeconds: 20 });
    const e = topo.edges.find((x) => x.source === 'order' && x.target === 'payment');
    expect(e?.retryAmplification).toBeCloseTo(3.1);
    expect(e?.inflight).toBe(97);
    expect(e?.blockedShare).toBeCloseTo(0.97);
    expect(e?.retryStorm).toBe(true);
    expect(topo.services.find((s) => s.name === 'order')?.reasons).toContain(
      '97 % of in-flight requests waiting on payment',
    );
  });
});

describe('LiveModel — resilience4j and Polly', () => {
  it('maps resilience4j breaker, calls and semaphore / thread-pool bulkheads', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const svc = { service: 'billing-java', instance: 'jvm-1' };
    const state = (s: string, t: number) =>
      ['closed', 'open', 'half_open'].map((x) =>
        gaugePoint(RESILIENCE4J.BREAKER_STATE, {
          ...svc,
          attributes: { name: 'ledger', state: x },
          value: x === s ? 1 : 0,
          timeMs: t,
        }),
      );
    c.set(T0 + 1000);
    model.ingestMetrics(metrics(...state('closed', T0 + 1000)));
    c.set(T0 + 10_000);
    model.ingestMetrics(
      metrics(
        ...state('open', T0 + 10_000),
        histogramPoint(RESILIENCE4J.BREAKER_CALLS, {
          ...svc,
          unit: 'ms',
          attributes: { name: 'ledger', kind: 'failed' },
          bounds: [],
          bucketCounts: [8],
          sum: 8 * 250,
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        histogramPoint(RESILIENCE4J.BREAKER_CALLS, {
          ...svc,
          unit: 'ms',
          attributes: { name: 'ledger', kind: 'not_permitted' },
          bounds: [],
          bucketCounts: [12],
          sum: 0,
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.BREAKER_FAILURE_RATE, {
          ...svc,
          attributes: { name: 'ledger' },
          value: 80,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.BULKHEAD_AVAILABLE, {
          ...svc,
          attributes: { name: 'ledger' },
          value: 0,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.BULKHEAD_MAX_ALLOWED, {
          ...svc,
          attributes: { name: 'ledger' },
          value: 25,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.THREAD_POOL_ACTIVE, {
          ...svc,
          attributes: { name: 'reports' },
          value: 3,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.THREAD_POOL_MAX_SIZE, {
          ...svc,
          attributes: { name: 'reports' },
          value: 4,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.THREAD_POOL_QUEUE_DEPTH, {
          ...svc,
          attributes: { name: 'reports' },
          value: 7,
          timeMs: T0 + 10_000,
        }),
        gaugePoint(RESILIENCE4J.THREAD_POOL_QUEUE_CAPACITY, {
          ...svc,
          attributes: { name: 'reports' },
          value: 50,
          timeMs: T0 + 10_000,
        }),
      ),
    );
    const batch = model.rollups(T0, T0 + 20_000);
    expect(model.breakerStates()).toMatchObject([
      { name: 'ledger', service: 'billing-java', dependency: 'ledger', state: 'open' },
    ]);
    expect(batch.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open']);
    expect(batch.breakers.find((b) => b.state === 'open')?.failureRate).toBeCloseTo(0.8);
    const edgeCalls = batch.edges.filter((e) => e.target === 'ledger');
    expect(edgeCalls.reduce((a, e) => a + e.outcomes.failure, 0)).toBeCloseTo(8);
    expect(edgeCalls.reduce((a, e) => a + e.outcomes.short_circuited, 0)).toBeCloseTo(12);
    const rows = bulkheadsView(batch, T0 + 10_000, 60);
    expect(rows.find((r) => r.name === 'ledger')).toMatchObject({ active: 25, limit: 25, saturation: 1 });
    expect(rows.find((r) => r.name === 'reports')).toMatchObject({ active: 3, limit: 4, queued: 7, queueLimit: 50 });
  });

  it('maps Polly circuit events, pipeline durations and attempts', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const svc = { service: 'checkout-dotnet', instance: 'clr-1', unit: 'ms' };
    const tags = { 'pipeline.name': 'inventory-pipeline', 'strategy.name': 'inventory-cb' };
    c.set(T0 + 10_000);
    model.ingestMetrics(
      metrics(
        histogramPoint(POLLY.PIPELINE_DURATION, {
          ...svc,
          attributes: { 'pipeline.name': 'inventory-pipeline' },
          bounds: [10, 100, 1000],
          bucketCounts: [6, 2, 0, 0],
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        histogramPoint(POLLY.PIPELINE_DURATION, {
          ...svc,
          attributes: {
            'pipeline.name': 'inventory-pipeline',
            'exception.type': 'Polly.Timeout.TimeoutRejectedException',
          },
          bounds: [10, 100, 1000],
          bucketCounts: [0, 0, 2, 0],
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        histogramPoint(POLLY.ATTEMPT_DURATION, {
          ...svc,
          attributes: { 'pipeline.name': 'inventory-pipeline', 'event.name': 'ExecutionAttempt' },
          bounds: [10, 100, 1000],
          bucketCounts: [6, 2, 4, 0],
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        sumPoint(POLLY.STRATEGY_EVENTS, {
          ...svc,
          unit: '',
          attributes: { ...tags, 'event.name': 'OnCircuitOpened' },
          value: 1,
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
        sumPoint(POLLY.STRATEGY_EVENTS, {
          ...svc,
          unit: '',
          attributes: { ...tags, 'event.name': 'OnTimeout' },
          value: 2,
          startTimeMs: T0 + 1,
          timeMs: T0 + 10_000,
        }),
      ),
    );
    const batch = model.rollups(T0, T0 + 20_000);
    const topo = buildTopology(batch, { atMs: T0 + 10_000, windowSeconds: 20 });
    const e = topo.edges.find((x) => x.source === 'checkout-dotnet' && x.target === 'inventory-pipeline');
    expect(e?.calls).toBe(10);
    expect(e?.outcomes).toMatchObject({ success: 8, timeout: 2 });
    expect(e?.retryAmplification).toBeCloseTo(1.2);
    expect(e?.breaker).toEqual({ name: 'inventory-cb', state: 'open' });
    expect(batch.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['closed->open']);
  });
});

describe('LiveModel — topology from rollups', () => {
  it('percentiles come from the merged histograms of two instances, not averaged', () => {
    const c = fakeClock(T0 + 10_000);
    const model = new LiveModel({ clock: c.clock });
    model.ingestMetrics(
      metrics(
        callDuration({
          service: 'user',
          instance: 'u1',
          peer: 'order',
          latenciesMs: new Array(100).fill(3),
          timeMs: T0 + 10_000,
          startTimeMs: T0 + 10_000,
          temporality: 'delta',
        }),
        callDuration({
          service: 'user',
          instance: 'u2',
          peer: 'order',
          latenciesMs: new Array(100).fill(800),
          timeMs: T0 + 10_000,
          startTimeMs: T0 + 10_000,
          temporality: 'delta',
        }),
      ),
    );
    const e = buildTopology(model.rollups(T0, T0 + 20_000), { atMs: T0 + 10_000, windowSeconds: 60 }).edges[0];
    // Merged: 100 in (2.5, 5] and 100 in (500, 1000]; p99 is rank 198 → 500 + 500 × 98/100.
    expect(e?.p99Ms).toBeCloseTo(990);
    expect(e?.p50Ms).toBeCloseTo(5);
    // Averaging per-instance p99s would have said ≈ 500.
  });

  it('answers the topology at a past moment, and the same after drain → restore into a new model', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const at = (t: number, outcome: string, n: number) => {
      c.set(t);
      model.ingestMetrics(
        metrics(
          callDuration({
            service: 'order',
            peer: 'payment',
            outcome,
            latenciesMs: new Array(n).fill(outcome === 'timeout' ? 30_000 : 4),
            startTimeMs: t - 10_000,
            timeMs: t,
            temporality: 'delta',
          }),
        ),
      );
    };
    for (let s = 10; s <= 120; s += 10) at(T0 + s * 1000, 'success', 100);
    for (let s = 130; s <= 300; s += 10) at(T0 + s * 1000, 'timeout', 100);
    const whole = model.rollups(T0, T0 + 310_000);
    const early = buildTopology(whole, { atMs: T0 + 60_000, windowSeconds: 60 });
    const late = buildTopology(whole, { atMs: T0 + 300_000, windowSeconds: 60 });
    expect(early.services.find((s) => s.name === 'payment')?.health).toBe('healthy');
    expect(late.services.find((s) => s.name === 'payment')?.health).toBe('failing');
    expect(early.edges[0]?.rps).toBeCloseTo(10);

    const stored = model.drainDirty();
    const restarted = new LiveModel({ clock: c.clock });
    restarted.restore(stored, model.breakerStates());
    const again = buildTopology(restarted.rollups(T0, T0 + 310_000), { atMs: T0 + 60_000, windowSeconds: 60 });
    expect(again.edges).toEqual(early.edges);
    expect(restarted.drainDirty().edges).toEqual([]);
  });

  it('takeDelta summarises what changed since the last call', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock });
    model.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 4000)));
    model.ingestMetrics(
      metrics(callDuration({ service: 'order', peer: 'payment', latenciesMs: [1], timeMs: T0 + 5000 })),
    );
    const d1 = model.takeDelta();
    expect(d1.edges).toEqual([{ source: 'order', target: 'payment' }]);
    expect(d1.breakers).toEqual([{ service: 'order', name: 'payment-cb' }]);
    expect(d1.services).toEqual(expect.arrayContaining(['order', 'payment']));
    c.advance(1000);
    model.ingestMetrics(metrics(...breakerStateGauges('open', T0 + 6000)));
    const d2 = model.takeDelta();
    expect(d2.edges).toEqual([]);
    expect(d2.transitions.map((t) => t.to)).toEqual(['open']);
    expect(model.takeDelta().transitions).toEqual([]);
  });
});

describe('LiveModel — bounded memory', () => {
  it('caps edges, services and series, dropping the oldest and counting', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({
      clock: c.clock,
      limits: { maxEdges: 50, maxServices: 30, maxSeries: 40 },
    });
    const pts = Array.from({ length: 500 }, (_, i) =>
      callDuration({ service: `s${i % 20}`, peer: `p${i}`, latenciesMs: [1], timeMs: T0 + 5000, startTimeMs: T0 + 1 }),
    );
    model.ingestMetrics(metrics(...pts));
    const s = model.stats();
    expect(s.edges).toBe(50);
    expect(s.services).toBe(30);
    expect(s.series).toBe(40);
    expect(s.dropped.edges).toBe(450);
    expect(s.dropped.series).toBe(460);
    expect(model.rollups(T0, T0 + 10_000).edges.length).toBe(50);
  });

  it('drops buckets older than the in-memory window', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock, retentionInMemoryMs: 60_000 });
    for (let i = 0; i < 30; i++) {
      c.set(T0 + 5000 + i * 10_000);
      model.ingestMetrics(
        metrics(gaugePoint(STANDARD.NODEJS_EVENTLOOP_UTILIZATION, { service: 'a', value: 0.5, timeMs: c.clock() })),
      );
    }
    expect(model.stats().buckets).toBeLessThanOrEqual(8);
    expect(countsFor([1]).length).toBe(16);
  });
});

describe('LiveModel — a transition listener that drains mid-batch', () => {
  it('still queues what the rest of the batch changes, the service included', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    c.set(T0 + 1000);
    model.ingestMetrics(metrics(...breakerStateGauges('closed', T0 + 1000)));
    model.drainDirty();
    let drainedByListener = 0;
    model.onBreakerTransition(() => {
      drainedByListener += model.drainDirty().services.length;
    });
    c.set(T0 + 2000);
    model.ingestMetrics(
      metrics(
        ...breakerStateGauges('open', T0 + 2000),
        gaugePoint(METRIC.BULKHEAD_ACTIVE, {
          service: 'order',
          attributes: { [ATTR.BULKHEAD_NAME]: 'payment-pool', [ATTR.PEER_SERVICE]: 'payment' },
          value: 3,
          timeMs: T0 + 2000,
        }),
      ),
    );
    expect(drainedByListener).toBe(1);
    const after = model.drainDirty();
    expect(after.bulkheads.map((b) => b.name)).toEqual(['payment-pool']);
    expect(after.services.map((s) => s.service)).toEqual(['order']);
  });
});
