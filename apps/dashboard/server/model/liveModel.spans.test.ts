import { describe, expect, it } from 'vitest';
import { SpanKind } from '../ingest/telemetry';
import { ATTR, EVENT } from './contract';
import { LiveModel } from './liveModel';
import type { RollupBatch } from './rollups';
import { callDuration, fakeClock, metrics, span, T0, traces } from './testTelemetry';

function calls(batch: RollupBatch, source: string, target: string): number {
  return batch.edges.filter((e) => e.source === source && e.target === target).reduce((a, e) => a + e.calls, 0);
}

function kindOf(batch: RollupBatch, name: string) {
  return batch.services.find((s) => s.service === name)?.kind;
}

describe('LiveModel — spans', () => {
  it('a CLIENT span with peer.service is an edge at once, with outcome and latency', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock });
    model.ingestSpans(
      traces(
        span({
          service: 'order',
          kind: SpanKind.CLIENT,
          startTimeMs: T0,
          durationMs: 30,
          attributes: { [ATTR.PEER_SERVICE]: 'payment', [ATTR.OUTCOME]: 'timeout' },
        }),
        span({
          service: 'order',
          kind: SpanKind.CLIENT,
          startTimeMs: T0,
          attributes: { [ATTR.PEER_SERVICE]: 'payment' },
        }),
      ),
    );
    const b = model.rollups(T0, T0 + 10_000);
    const e = b.edges.find((x) => x.target === 'payment');
    expect(e?.calls).toBe(2);
    expect(e?.outcomes.timeout).toBe(1);
    expect(e?.outcomes.success).toBe(1);
    expect(kindOf(b, 'payment')).toBe('service');
  });

  it('pairs a client span with its server span in another service (servicegraph rules)', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock, pairingWaitMs: 2000 });
    const client = span({
      service: 'gateway',
      kind: SpanKind.CLIENT,
      startTimeMs: T0,
      attributes: { 'server.address': '10.0.0.7' },
    });
    model.ingestSpans(traces(client));
    // The server span arrives in a later export.
    model.ingestSpans(
      traces(span({ service: 'catalog', kind: SpanKind.SERVER, parentSpanId: client.spanId, startTimeMs: T0 + 1 })),
    );
    expect(calls(model.rollups(T0, T0 + 10_000), 'gateway', 'catalog')).toBe(0); // still within the wait
    c.advance(2000);
    const b = model.rollups(T0, T0 + 10_000);
    expect(calls(b, 'gateway', 'catalog')).toBe(1);
    expect(calls(b, 'gateway', '10.0.0.7')).toBe(0);
  });

  it('an unpaired client span becomes a virtual node after the wait', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock, pairingWaitMs: 2000 });
    model.ingestSpans(
      traces(
        span({
          service: 'gateway',
          kind: SpanKind.CLIENT,
          startTimeMs: T0,
          attributes: { 'server.address': 'api.stripe.com' },
        }),
      ),
    );
    c.advance(2500);
    const b = model.rollups(T0, T0 + 10_000);
    expect(calls(b, 'gateway', 'api.stripe.com')).toBe(1);
    expect(kindOf(b, 'api.stripe.com')).toBe('virtual');
  });

  it('a CLIENT span with db attributes is a database node', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock });
    model.ingestSpans(
      traces(
        span({
          service: 'payment',
          kind: SpanKind.CLIENT,
          startTimeMs: T0,
          statusCode: 2,
          attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'payments' },
        }),
      ),
    );
    const b = model.rollups(T0, T0 + 10_000);
    expect(calls(b, 'payment', 'payments')).toBe(1);
    expect(b.edges[0]?.outcomes.failure).toBe(1);
    expect(kindOf(b, 'payments')).toBe('database');
  });

  it('does not count the HTTP client span nested inside a guarded call a second time', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock, pairingWaitMs: 1000 });
    const guarded = span({
      service: 'order',
      kind: SpanKind.CLIENT,
      startTimeMs: T0,
      attributes: { [ATTR.PEER_SERVICE]: 'payment' },
    });
    const http = span({
      service: 'order',
      kind: SpanKind.CLIENT,
      parentSpanId: guarded.spanId,
      startTimeMs: T0 + 1,
      attributes: { 'server.address': 'payment.internal' },
    });
    const server = span({ service: 'payment', kind: SpanKind.SERVER, parentSpanId: http.spanId, startTimeMs: T0 + 2 });
    // The child ends first and is exported before its parent.
    model.ingestSpans(traces(http, server));
    model.ingestSpans(traces(guarded));
    c.advance(1500);
    const b = model.rollups(T0, T0 + 10_000);
    expect(calls(b, 'order', 'payment')).toBe(1);
    expect(calls(b, 'order', 'payment.internal')).toBe(0);
  });

  it('does not count the nested HTTP client span either when it ends after its guarded call', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock, pairingWaitMs: 1000 });
    // Client spans without peer.service are about, so guarded calls are remembered from now on.
    const earlier = span({ service: 'order', kind: SpanKind.CLIENT, startTimeMs: T0, attributes: {} });
    const guarded = span({
      service: 'order',
      kind: SpanKind.CLIENT,
      startTimeMs: T0,
      attributes: { [ATTR.PEER_SERVICE]: 'payment', [ATTR.OUTCOME]: 'timeout' },
    });
    // A fetch aborted by the guarded call's timeout ends, and is exported, after it.
    const http = span({
      service: 'order',
      kind: SpanKind.CLIENT,
      parentSpanId: guarded.spanId,
      traceId: guarded.traceId,
      startTimeMs: T0 + 1,
      attributes: { 'server.address': 'payment.internal' },
    });
    model.ingestSpans(traces(earlier, guarded));
    c.advance(500);
    model.ingestSpans(traces(http));
    c.advance(1500);
    model.ingestSpans(traces());
    const b = model.rollups(T0, T0 + 10_000);
    expect(calls(b, 'order', 'payment')).toBe(1);
    expect(calls(b, 'order', 'payment.internal')).toBe(0);
    expect(calls(b, 'order', 'unknown')).toBe(1);
    expect(model.stats().pendingSpans).toBe(0);
  });

  it('prefers metrics over (sampled) spans for the same edge and bucket', () => {
    const c = fakeClock(T0 + 5000);
    const model = new LiveModel({ clock: c.clock });
    model.ingestSpans(
      traces(
        span({
          service: 'order',
          kind: SpanKind.CLIENT,
          startTimeMs: T0 + 100,
          attributes: { [ATTR.PEER_SERVICE]: 'payment' },
        }),
      ),
    );
    expect(calls(model.rollups(T0, T0 + 10_000), 'order', 'payment')).toBe(1);
    model.ingestMetrics(
      metrics(
        callDuration({
          service: 'order',
          peer: 'payment',
          latenciesMs: new Array(40).fill(4),
          startTimeMs: T0,
          timeMs: T0 + 5000,
          temporality: 'delta',
        }),
      ),
    );
    expect(calls(model.rollups(T0, T0 + 10_000), 'order', 'payment')).toBe(40);
  });

  it('counts attempt spans as retry attempts, not calls', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock });
    const logical = span({
      service: 'order',
      kind: SpanKind.CLIENT,
      startTimeMs: T0,
      attributes: { [ATTR.PEER_SERVICE]: 'payment' },
    });
    const attempts = [1, 2, 3].map((n) =>
      span({
        service: 'order',
        kind: SpanKind.CLIENT,
        parentSpanId: logical.spanId,
        startTimeMs: T0,
        attributes: { [ATTR.PEER_SERVICE]: 'payment', [ATTR.RETRY_ATTEMPT]: n },
      }),
    );
    model.ingestSpans(traces(...attempts, logical));
    const e = model.rollups(T0, T0 + 10_000).edges[0];
    expect(e?.calls).toBe(1);
    expect(e?.retryAttempts).toBe(3);
  });

  it('reads breaker transitions from span events, with their time', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock });
    const seen: string[] = [];
    model.onBreakerTransition((t) => seen.push(`${t.from}->${t.to}@${t.atMs - T0}`));
    model.ingestSpans(
      traces(
        span({
          service: 'order',
          kind: SpanKind.CLIENT,
          startTimeMs: T0,
          attributes: {
            [ATTR.PEER_SERVICE]: 'payment',
            [ATTR.BREAKER_NAME]: 'payment',
            [ATTR.BREAKER_STATE]: 'closed',
          },
          events: [
            {
              name: EVENT.BREAKER_STATE_CHANGE,
              timeMs: T0 + 7,
              attributes: { [ATTR.TRANSITION_FROM]: 'closed', [ATTR.TRANSITION_TO]: 'open' },
            },
          ],
        }),
      ),
    );
    expect(seen).toEqual(['closed->open@7']);
    expect(model.breakerStates()).toEqual([
      { name: 'payment', service: 'order', dependency: 'payment', state: 'open', atMs: T0 + 7 },
    ]);
  });

  it('keeps the pairing buffer bounded', () => {
    const c = fakeClock(T0 + 1000);
    const model = new LiveModel({ clock: c.clock, limits: { maxPendingSpans: 100 } });
    const spans = Array.from({ length: 1000 }, () => span({ service: 'a', kind: SpanKind.CLIENT, startTimeMs: T0 }));
    model.ingestSpans(traces(...spans));
    expect(model.stats().pendingSpans).toBe(100);
    expect(model.stats().dropped.spans).toBe(900);
  });
});
