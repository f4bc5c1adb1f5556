import { afterAll, describe, expect, it } from 'vitest';
import type { BreakerTransitionEvent, Topology } from '../apps/dashboard/lib/apiTypes';
import { type RunningDashboard, startDashboard, tempDatabaseUrl } from './support/dashboard';
import { startOrderService } from './support/instrumentedService';
import { getJson, waitFor } from './support/waitFor';

describe('durability across a restart', () => {
  const running: RunningDashboard[] = [];
  afterAll(async () => {
    for (const d of running) await d.stop();
  });

  it('keeps history and breaker states that were acknowledged before SIGTERM', async () => {
    const databaseUrl = tempDatabaseUrl();
    const first = await startDashboard({ ui: false, databaseUrl });
    running.push(first);
    const svc = await startOrderService(first.url, 'json');
    await svc.burst(12);
    svc.setFailing(true);
    await svc.burst(10);
    expect(svc.breaker.state).toBe('open');
    await svc.shutdown(); // flushes the exporters: everything is now acknowledged
    const before = await waitFor(
      async () => {
        const t = await getJson<Topology>(`${first.url}/api/topology`);
        const e = t.edges.find((x) => x.source === 'order-service' && x.target === 'payment-service');
        return e?.breaker?.state === 'open' ? t : undefined;
      },
      { what: 'the open breaker before restart' },
    );
    const edgeBefore = before.edges.find((x) => x.target === 'payment-service')!;
    expect(await first.stop()).toBe(0);
    running.pop();

    const second = await startDashboard({ ui: false, databaseUrl });
    running.push(second);
    const after = await getJson<Topology>(`${second.url}/api/topology?at=${before.at}`);
    const edgeAfter = after.edges.find((x) => x.source === 'order-service' && x.target === 'payment-service');
    expect(edgeAfter).toBeDefined();
    expect(edgeAfter?.outcomes).toEqual(edgeBefore.outcomes);
    expect(edgeAfter?.breaker?.state).toBe('open');

    const live = await getJson<Topology>(`${second.url}/api/topology`);
    expect(live.edges.find((x) => x.target === 'payment-service')?.breaker?.state).toBe('open');

    const transitions = await getJson<BreakerTransitionEvent[]>(`${second.url}/api/breakers/payments/transitions`);
    expect(transitions.some((t) => t.from === 'closed' && t.to === 'open')).toBe(true);
  }, 90_000);
});
