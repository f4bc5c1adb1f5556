import { io as connect } from 'socket.io-client';
import { expect } from 'vitest';
import type { BreakerTransitionEvent, BulkheadRow, Topology } from '../../apps/dashboard/lib/apiTypes';
import type { RunningDashboard } from './dashboard';
import { startOrderService } from './instrumentedService';
import { getJson, waitFor } from './waitFor';

/**
 * The end-to-end check shared by the JSON and protobuf variants: a real
 * instrumented service exports through the real OTel SDK into the real
 * dashboard; the API and the socket.io feed must show what happened.
 */
export async function runPipelineScenario(dashboard: RunningDashboard, protocol: 'json' | 'protobuf'): Promise<void> {
  const svc = await startOrderService(dashboard.url, protocol);
  const socket = connect(dashboard.url, { transports: ['websocket'] });
  try {
    expect(await svc.burst(20)).toBe(20);

    const edgeOf = (t: Topology) => t.edges.find((e) => e.source === 'order-service' && e.target === 'payment-service');
    const healthy = await waitFor(
      async () => {
        const t = await getJson<Topology>(`${dashboard.url}/api/topology`);
        const e = edgeOf(t);
        return e && e.outcomes.success >= 20 && e.breaker ? t : undefined;
      },
      { what: 'the order-service → payment-service edge from metrics' },
    );
    const edge = edgeOf(healthy)!;
    expect(edge.breaker).toEqual({ name: 'payments', state: 'closed' });
    expect(edge.errorRate).toBe(0);
    expect(edge.rps).toBeGreaterThan(0);
    expect(healthy.services.map((s) => s.name)).toEqual(expect.arrayContaining(['order-service', 'payment-service']));

    const bulkheads = await waitFor(
      async () => {
        const rows = await getJson<BulkheadRow[]>(`${dashboard.url}/api/bulkheads`);
        return rows.find((r) => r.name === 'payment-pool');
      },
      { what: 'the payment-pool bulkhead' },
    );
    expect(bulkheads).toMatchObject({
      service: 'order-service',
      dependency: 'payment-service',
      limit: 4,
      queueLimit: 32,
    });

    // Live: subscribe, then make the dependency fail until the breaker opens.
    if (!socket.connected) {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    const opened = new Promise<BreakerTransitionEvent>((resolve) => {
      socket.on('breaker:transition', (t: BreakerTransitionEvent) => {
        if (t.name === 'payments' && t.to === 'open') resolve(t);
      });
    });
    socket.emit('subscribe', ['topology', 'breakers']);
    svc.setFailing(true);
    await svc.burst(10);
    expect(svc.breaker.state).toBe('open');
    await svc.burst(5); // short-circuited calls
    const transition = await opened;
    expect(transition).toMatchObject({ service: 'order-service', dependency: 'payment-service', from: 'closed' });

    const failing = await waitFor(
      async () => {
        const t = await getJson<Topology>(`${dashboard.url}/api/topology`);
        const e = edgeOf(t);
        return e && e.breaker?.state === 'open' && e.outcomes.short_circuited >= 5 ? e : undefined;
      },
      { what: 'the open breaker and short-circuited calls on the edge' },
    );
    expect(failing.outcomes.failure).toBeGreaterThanOrEqual(5);
    expect(failing.errorRate).toBeGreaterThan(0);

    const history = await getJson<BreakerTransitionEvent[]>(`${dashboard.url}/api/breakers/payments/transitions`);
    expect(history.some((t) => t.from === 'closed' && t.to === 'open')).toBe(true);
  } finally {
    socket.close();
    await svc.shutdown();
  }
}
