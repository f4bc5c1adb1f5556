import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakerTransitionEvent, Topology } from '../apps/dashboard/lib/apiTypes';
import { type RunningDashboard, startDashboard, tempDatabaseUrl } from './support/dashboard';
import { startOrderService } from './support/instrumentedService';
import { type RunningPostgres, startPostgres } from './support/postgres';
import { getJson, waitFor } from './support/waitFor';

/**
 * The dashboard keeps what it acknowledged across a restart, on each engine
 * the store runs on: SQLite (a file) and PostgreSQL (DATABASE_URL=postgresql://…,
 * a throwaway server from Debian's binaries).
 */
describe.each([
  { engine: 'SQLite', postgres: false },
  { engine: 'PostgreSQL', postgres: true },
])('durability across a restart on $engine', ({ postgres }) => {
  const running: RunningDashboard[] = [];
  let server: RunningPostgres | null = null;
  beforeAll(async () => {
    if (postgres) server = await startPostgres();
  });
  afterAll(async () => {
    for (const d of running) await d.stop();
    await server?.stop();
  });

  it('keeps history and breaker states that were acknowledged before SIGTERM', async () => {
    const databaseUrl = server ? await server.createDatabase() : tempDatabaseUrl();
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
    const code = await first.stop();
    expect(code, first.output()).toBe(0);
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
