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

  it('keeps what it acknowledged when killed before the next store write, counting each request once', async () => {
    const databaseUrl = server ? await server.createDatabase() : tempDatabaseUrl();
    const first = await startDashboard({ ui: false, databaseUrl });
    running.push(first);
    const startedAt = Date.now();
    // Requests 1–3 (10 calls) reach the database through the regular write; 4–5 (7 calls) only reach the journal.
    for (const calls of [2, 3, 5]) expect(await postCalls(first.url, startedAt, calls)).toBe(200);
    await waitFor(async () => (await edgeCalls(first.url, startedAt)) === 10 && (await queueDepth(first.url)) === 0, {
      what: 'the first 10 calls written',
      timeoutMs: 15_000,
    });
    // Past the next store write: the checkpoint covering requests 1–3 is committed and their journal released.
    await waitFor(
      async () => (await getJson<{ ingestJournalBytes: number }>(`${first.url}/api/health`)).ingestJournalBytes === 0,
      { what: 'the journal of the first requests released', timeoutMs: 15_000 },
    );
    expect(await postCalls(first.url, startedAt, 3)).toBe(200);
    expect(await postCalls(first.url, startedAt, 4)).toBe(200);
    await first.kill(); // SIGKILL right after the 200s: no drain, no flush
    running.pop();

    const second = await startDashboard({ ui: false, databaseUrl });
    running.push(second);
    expect(second.output()).toMatch(/ingest journal: replayed [1-9]\d* acknowledged requests/);
    // Every acknowledged call once: the journal replays only what the database lacked.
    expect(await edgeCalls(second.url, startedAt)).toBe(17);
    // And once more after a clean restart, when the replayed requests have been written and left the journal.
    expect(await second.stop()).toBe(0);
    running.pop();
    const third = await startDashboard({ ui: false, databaseUrl });
    running.push(third);
    expect(third.output()).not.toMatch(/ingest journal: replayed/);
    expect(await edgeCalls(third.url, startedAt)).toBe(17);
    expect((await getJson<{ ingestJournalBytes: number }>(`${third.url}/api/health`)).ingestJournalBytes).toBe(0);
  }, 120_000);
});

let spanSerial = 0;

/** One OTLP/JSON request with `calls` CLIENT spans order-service → payment-service; returns the HTTP status. */
async function postCalls(url: string, atMs: number, calls: number): Promise<number> {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const spans = Array.from({ length: calls }, () => {
    const serial = ++spanSerial;
    const start = BigInt(atMs + serial) * 1_000_000n;
    return {
      traceId: hex(serial, 32),
      spanId: hex(serial, 16),
      name: 'payment-service charge',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 5_000_000n),
      attributes: [{ key: 'peer.service', value: { stringValue: 'payment-service' } }],
    };
  });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order-service' } }] },
        scopeSpans: [{ scope: { name: 'durability-test' }, spans }],
      },
    ],
  };
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Calls on order-service → payment-service since `sinceMs`, all outcomes together. */
async function edgeCalls(url: string, sinceMs: number): Promise<number> {
  const windowSeconds = Math.ceil((Date.now() - sinceMs) / 1000) + 60;
  const t = await getJson<Topology>(`${url}/api/topology?window=${windowSeconds}`);
  const edge = t.edges.find((e) => e.source === 'order-service' && e.target === 'payment-service');
  return Object.values(edge?.outcomes ?? {}).reduce((sum, n) => sum + n, 0);
}

async function queueDepth(url: string): Promise<number> {
  return (await getJson<{ ingestQueueDepth: number }>(`${url}/api/health`)).ingestQueueDepth;
}
