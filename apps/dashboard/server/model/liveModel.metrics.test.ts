import { describe, expect, it } from 'vitest';
import { ATTR, METRIC, STANDARD } from './contract';
import { LiveModel } from './liveModel';
import type { EdgeRollup, RollupBatch } from './rollups';
import { callDuration, fakeClock, gaugePoint, metrics, sumPoint, T0 } from './testTelemetry';

function edge(batch: RollupBatch, source: string, target: string): EdgeRollup[] {
  return batch.edges.filter((e) => e.source === source && e.target === target);
}

function total(rows: EdgeRollup[], pick: (e: EdgeRollup) => number): number {
  return rows.reduce((a, e) => a + pick(e), 0);
}

describe('LiveModel — metrics', () => {
  it('builds an edge from resilience.call.duration alone (counts, outcomes, latency in ms)', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    c.set(T0 + 10_000);
    model.ingestMetrics(
      metrics(
        callDuration({ service: 'order', peer: 'payment', latenciesMs: [5, 8, 40], timeMs: T0 + 10_000 }),
        callDuration({
          service: 'order',
          peer: 'payment',
          outcome: 'timeout',
          latenciesMs: [30_000],
          timeMs: T0 + 10_000,
        }),
      ),
    );
    const rows = edge(model.rollups(T0 - 60_000, T0 + 20_000), 'order', 'payment');
    expect(total(rows, (e) => e.calls)).toBeCloseTo(4);
    expect(total(rows, (e) => e.errors)).toBeCloseTo(1);
    expect(total(rows, (e) => e.outcomes.timeout)).toBeCloseTo(1);
    expect(total(rows, (e) => e.latencySumMs)).toBeCloseTo(30_053);
    // 30 s lands in the canonical (10 s, 30 s] bucket: index 13.
    expect(total(rows, (e) => e.latencyCounts[13] ?? 0)).toBeCloseTo(1);
  });

  it('converts cumulative points to deltas and spreads them over the buckets of the interval', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const point = (n: number, t: number) =>
      callDuration({ service: 'order', peer: 'payment', latenciesMs: new Array(n).fill(3), timeMs: t });
    c.set(T0 + 10_000);
    model.ingestMetrics(metrics(point(10, T0 + 10_000)));
    c.set(T0 + 30_000);
    model.ingestMetrics(metrics(point(30, T0 + 30_000)));
    const batch = model.rollups(T0, T0 + 40_000);
    const byBucket = Object.fromEntries(edge(batch, 'order', 'payment').map((e) => [e.bucketStartMs - T0, e.calls]));
    expect(byBucket[0]).toBeCloseTo(10);
    expect(byBucket[10_000]).toBeCloseTo(10);
    expect(byBucket[20_000]).toBeCloseTo(10);
  });

  it('treats a series that started before the model as a baseline, not as new calls', () => {
    const c = fakeClock(T0 + 3_600_000);
    const model = new LiveModel({ clock: c.clock });
    const t1 = T0 + 3_600_000;
    model.ingestMetrics(
      metrics(
        callDuration({ service: 'a', peer: 'b', latenciesMs: new Array(500).fill(1), startTimeMs: T0, timeMs: t1 }),
      ),
    );
    expect(total(edge(model.rollups(0, t1 + 1), 'a', 'b'), (e) => e.calls)).toBe(0);
    c.set(t1 + 10_000);
    model.ingestMetrics(
      metrics(
        callDuration({
          service: 'a',
          peer: 'b',
          latenciesMs: new Array(507).fill(1),
          startTimeMs: T0,
          timeMs: t1 + 10_000,
        }),
      ),
    );
    expect(total(edge(model.rollups(0, t1 + 20_000), 'a', 'b'), (e) => e.calls)).toBeCloseTo(7);
  });

  it('handles resets: a new start time or a decreasing value counts from zero', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    const attempts = (value: number, t: number, start = T0) =>
      sumPoint(METRIC.RETRY_ATTEMPTS, {
        service: 'order',
        attributes: { [ATTR.PEER_SERVICE]: 'payment' },
        value,
        startTimeMs: start,
        timeMs: t,
      });
    c.set(T0 + 50_000);
    model.ingestMetrics(metrics(attempts(10, T0 + 10_000)));
    model.ingestMetrics(metrics(attempts(25, T0 + 20_000)));
    // Process restarted: new start time, value 4.
    model.ingestMetrics(metrics(attempts(4, T0 + 30_000, T0 + 25_000)));
    // Value went down without a start-time change (a reset the exporter did not report).
    model.ingestMetrics(metrics(attempts(3, T0 + 40_000, T0 + 25_000)));
    // An exporter retry of an old point is ignored.
    model.ingestMetrics(metrics(attempts(3, T0 + 40_000, T0 + 25_000)));
    const rows = edge(model.rollups(T0, T0 + 50_000), 'order', 'payment');
    expect(total(rows, (e) => e.retryAttempts)).toBeCloseTo(10 + 15 + 4 + 3);
  });

  it('accepts delta temporality', () => {
    const c = fakeClock(T0);
    const model = new LiveModel({ clock: c.clock });
    c.set(T0 + 20_000);
    for (const t of [T0 + 10_000, T0 + 20_000]) {
      model.ingestMetrics(
        metrics(
          callDuration({
            service: 'a',
            peer: 'b',
            latenciesMs: [1, 1, 1],
            startTimeMs: t - 10_000,
            timeMs: t,
            temporality: 'delta',
          }),
        ),
      );
    }
    expect(total(edge(model.rollups(T0, T0 + 30_000), 'a', 'b'), (e) => e.calls)).toBeCloseTo(6);
  });

  it('reads in-flight calls and the caller’s active requests (summed over series and instances)', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock });
    const t = T0 + 5000;
    model.ingestMetrics(
      metrics(
        gaugePoint(METRIC.DEPENDENCY_INFLIGHT, {
          service: 'order',
          instance: 'o1',
          attributes: { [ATTR.PEER_SERVICE]: 'payment' },
          value: 60,
          timeMs: t,
        }),
        gaugePoint(METRIC.DEPENDENCY_INFLIGHT, {
          service: 'order',
          instance: 'o2',
          attributes: { [ATTR.PEER_SERVICE]: 'payment' },
          value: 37,
          timeMs: t,
        }),
        sumPoint(STANDARD.HTTP_SERVER_ACTIVE_REQUESTS, {
          service: 'order',
          instance: 'o1',
          attributes: { 'http.request.method': 'GET' },
          value: 50,
          monotonic: false,
          timeMs: t,
        }),
        sumPoint(STANDARD.HTTP_SERVER_ACTIVE_REQUESTS, {
          service: 'order',
          instance: 'o1',
          attributes: { 'http.request.method': 'POST' },
          value: 20,
          monotonic: false,
          timeMs: t,
        }),
        sumPoint(STANDARD.HTTP_SERVER_ACTIVE_REQUESTS, {
          service: 'order',
          instance: 'o2',
          value: 30,
          monotonic: false,
          timeMs: t,
        }),
        gaugePoint(STANDARD.NODEJS_EVENTLOOP_UTILIZATION, { service: 'order', instance: 'o1', value: 0.4, timeMs: t }),
        gaugePoint(STANDARD.NODEJS_EVENTLOOP_UTILIZATION, { service: 'order', instance: 'o2', value: 0.95, timeMs: t }),
        gaugePoint(STANDARD.NODEJS_EVENTLOOP_DELAY_P99, { service: 'order', value: 0.25, unit: 's', timeMs: t }),
      ),
    );
    const batch = model.rollups(T0, T0 + 10_000);
    const e = edge(batch, 'order', 'payment')[0];
    expect(e?.inflightLast).toBe(97);
    const s = batch.services.find((x) => x.service === 'order');
    expect(s?.activeRequests).toBe(100);
    expect(s?.eventLoopUtilization).toBe(0.95);
    expect(s?.eventLoopDelayP99Ms).toBe(250);
  });
});
