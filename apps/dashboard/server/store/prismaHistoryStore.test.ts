import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BreakerRollup,
  type BreakerTransition,
  type BulkheadRollup,
  type EdgeRollup,
  emptyRollupBatch,
  LATENCY_BOUNDS_MS,
  ROLLUP_MS,
  type RollupBatch,
  type ServiceRollup,
} from '../model/rollups';
import { sqliteFilePath } from './databaseUrl';
import { openStore } from './openStore';
import type { PrismaHistoryStore } from './prismaHistoryStore';
import { STORE_PROVIDERS, testDatabases } from './testDatabases';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, beyond 32-bit integers on purpose

function edge(overrides: Partial<EdgeRollup> = {}): EdgeRollup {
  const latencyCounts = LATENCY_BOUNDS_MS.map((_, i) => i).concat(7);
  return {
    bucketStartMs: T0,
    source: 'checkout',
    target: 'payments',
    calls: 120,
    errors: 7,
    outcomes: { success: 113, failure: 3, timeout: 2, short_circuited: 1, bulkhead_rejected: 1 },
    latencyCounts,
    latencySumMs: 1234.5,
    retryAttempts: 9,
    inflightMax: 12,
    inflightLast: null,
    ...overrides,
  };
}

function breaker(overrides: Partial<BreakerRollup> = {}): BreakerRollup {
  return {
    bucketStartMs: T0,
    name: 'payments-breaker',
    service: 'checkout',
    dependency: 'payments',
    state: 'closed',
    failureRate: 0.05,
    slowCallRate: null,
    ...overrides,
  };
}

function bulkhead(overrides: Partial<BulkheadRollup> = {}): BulkheadRollup {
  return {
    bucketStartMs: T0,
    service: 'checkout',
    name: 'payments-pool',
    dependency: 'payments',
    activeLast: 4,
    activeMax: 10,
    limit: 10,
    queuedLast: 2,
    queuedMax: 5,
    queueLimit: null,
    rejections: 3,
    saturatedMs: 2500,
    ...overrides,
  };
}

function service(overrides: Partial<ServiceRollup> = {}): ServiceRollup {
  return {
    bucketStartMs: T0,
    service: 'checkout',
    kind: 'service',
    activeRequests: 17,
    eventLoopUtilization: 0.42,
    eventLoopDelayP99Ms: null,
    ...overrides,
  };
}

function transition(overrides: Partial<BreakerTransition> = {}): BreakerTransition {
  return {
    name: 'payments-breaker',
    service: 'checkout',
    dependency: 'payments',
    from: 'closed',
    to: 'open',
    atMs: T0 + 3_000,
    ...overrides,
  };
}

function batch(parts: Partial<RollupBatch>): RollupBatch {
  return { ...emptyRollupBatch(), ...parts };
}

describe.each(STORE_PROVIDERS)('PrismaHistoryStore on %s', (provider) => {
  const databases = testDatabases(provider);
  let url: string;
  let store: PrismaHistoryStore;

  beforeEach(async () => {
    url = await databases.freshUrl();
    store = await openStore({ databaseUrl: url, flushIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await store.close();
  });

  it('runs on the engine its URL names', () => {
    expect(store.provider).toBe(provider);
  });

  it('round-trips every rollup kind through enqueue, flush and loadRollups, JSON fields intact', async () => {
    const written = batch({
      edges: [edge(), edge({ target: 'db', inflightMax: null, inflightLast: 3 })],
      breakers: [breaker()],
      bulkheads: [bulkhead(), bulkhead({ name: 'other', limit: null })],
      services: [service(), service({ service: 'postgres', kind: 'database', activeRequests: null })],
      transitions: [transition()],
    });
    store.enqueue(written);
    expect(store.pendingCount).toBe(8);
    await store.flush();
    expect(store.pendingCount).toBe(0);

    const read = await store.loadRollups(T0, T0 + ROLLUP_MS);
    const byTarget = (a: EdgeRollup, b: EdgeRollup) => a.target.localeCompare(b.target);
    expect(read.edges.sort(byTarget)).toEqual([...written.edges].sort(byTarget));
    expect(read.breakers).toEqual(written.breakers);
    expect(read.bulkheads.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...written.bulkheads].sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(read.services.sort((a, b) => a.service.localeCompare(b.service))).toEqual(written.services);
    expect(read.transitions).toEqual(written.transitions);
  });

  it('loads the half-open range [from, to) by bucket start and transition time', async () => {
    store.enqueue(
      batch({
        edges: [0, 1, 2, 3].map((i) => edge({ bucketStartMs: T0 + i * ROLLUP_MS })),
        transitions: [transition({ atMs: T0 + ROLLUP_MS }), transition({ atMs: T0 + 3 * ROLLUP_MS, to: 'half_open' })],
      }),
    );
    await store.flush();
    const read = await store.loadRollups(T0 + ROLLUP_MS, T0 + 3 * ROLLUP_MS);
    expect(read.edges.map((e) => e.bucketStartMs)).toEqual([T0 + ROLLUP_MS, T0 + 2 * ROLLUP_MS]);
    expect(read.transitions.map((t) => t.atMs)).toEqual([T0 + ROLLUP_MS]);
  });

  it('replaces a bucket that grew, in the queue and in the database', async () => {
    store.enqueue(batch({ edges: [edge({ calls: 10 })] }));
    store.enqueue(batch({ edges: [edge({ calls: 20 })] }));
    expect(store.pendingCount).toBe(1);
    await store.flush();
    store.enqueue(batch({ edges: [edge({ calls: 30, errors: 9, latencyCounts: [1, 2, 3] })] }));
    await store.flush();
    const { edges } = await store.loadRollups(T0, T0 + ROLLUP_MS);
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ calls: 30, errors: 9, latencyCounts: [1, 2, 3] });
  });

  it('stores transition times as whole milliseconds (span times carry fractions)', async () => {
    store.enqueue(batch({ transitions: [transition({ atMs: T0 + 3_000.7 })] }));
    await store.flush();
    expect((await store.breakerTransitions('payments-breaker', 0)).map((t) => t.atMs)).toEqual([T0 + 3_000]);
  });

  it('keeps each breaker transition once, oldest first, filtered by name and time', async () => {
    const history = [
      transition({ from: 'closed', to: 'open', atMs: T0 + 1_000 }),
      transition({ from: 'open', to: 'half_open', atMs: T0 + 31_000 }),
      transition({ from: 'half_open', to: 'closed', atMs: T0 + 32_000 }),
    ];
    store.enqueue(batch({ transitions: [history[1]!, history[0]!] }));
    await store.flush();
    // Re-sent (e.g. a retried export) and a new one, plus another breaker's.
    store.enqueue(batch({ transitions: [history[0]!, history[2]!, transition({ name: 'other', atMs: T0 + 5_000 })] }));
    await store.flush();

    expect(await store.breakerTransitions('payments-breaker', 0)).toEqual(history);
    expect(await store.breakerTransitions('payments-breaker', T0 + 31_000)).toEqual(history.slice(1));
    expect(await store.breakerTransitions('unknown', 0)).toEqual([]);
  });

  it('reports the latest state of every breaker from transitions and buckets', async () => {
    store.enqueue(
      batch({
        // A: opened in the last bucket → the transition is the latest word.
        breakers: [
          breaker({ name: 'a', bucketStartMs: T0, state: 'closed' }),
          // B: never transitioned, only buckets; the latest bucket counts.
          breaker({ name: 'b', bucketStartMs: T0, state: 'closed' }),
          breaker({ name: 'b', bucketStartMs: T0 + ROLLUP_MS, state: 'forced_open' }),
          // C: opened long ago and still open in later buckets → since = transition time.
          breaker({ name: 'c', bucketStartMs: T0 + 2 * ROLLUP_MS, state: 'open' }),
        ],
        transitions: [
          transition({ name: 'a', atMs: T0 + 4_000, to: 'open' }),
          transition({ name: 'c', atMs: T0 + 1_000, to: 'open' }),
          // D: only a transition, another service.
          transition({ name: 'd', service: 'orders', dependency: 'stock', atMs: T0 + 7_000, to: 'half_open' }),
        ],
      }),
    );
    await store.flush();
    expect(await store.latestBreakerStates()).toEqual([
      { service: 'checkout', name: 'a', dependency: 'payments', state: 'open', atMs: T0 + 4_000 },
      { service: 'checkout', name: 'b', dependency: 'payments', state: 'forced_open', atMs: T0 + ROLLUP_MS },
      { service: 'checkout', name: 'c', dependency: 'payments', state: 'open', atMs: T0 + 1_000 },
      { service: 'orders', name: 'd', dependency: 'stock', state: 'half_open', atMs: T0 + 7_000 },
    ]);
  });

  it('prunes old rows but keeps each breaker’s latest transition', async () => {
    const old = T0;
    const recent = T0 + 100 * ROLLUP_MS;
    store.enqueue(
      batch({
        edges: [edge({ bucketStartMs: old }), edge({ bucketStartMs: recent })],
        breakers: [breaker({ bucketStartMs: old })],
        bulkheads: [bulkhead({ bucketStartMs: old })],
        services: [service({ bucketStartMs: old }), service({ bucketStartMs: recent })],
        transitions: [
          transition({ atMs: old, to: 'open' }),
          transition({ atMs: old + 1, from: 'open', to: 'half_open' }),
          transition({ name: 'quiet', atMs: old, to: 'open' }),
        ],
      }),
    );
    await store.flush();
    // 1 edge + 1 breaker + 1 bulkhead + 1 service + 1 transition (the superseded one).
    expect(await store.prune(recent)).toBe(5);
    const left = await store.loadRollups(0, Number.MAX_SAFE_INTEGER);
    expect(left.edges.map((e) => e.bucketStartMs)).toEqual([recent]);
    expect(left.breakers).toEqual([]);
    expect(left.bulkheads).toEqual([]);
    expect(left.services.map((s) => s.bucketStartMs)).toEqual([recent]);
    expect(left.transitions.map((t) => [t.name, t.to])).toEqual([
      ['quiet', 'open'],
      ['payments-breaker', 'half_open'],
    ]);
    expect(await store.prune(recent)).toBe(0);
  });

  it('survives close and reopen: a new store on the same file reads the same data', async () => {
    const written = batch({
      edges: [edge()],
      breakers: [breaker({ state: 'open' })],
      bulkheads: [bulkhead()],
      services: [service()],
      transitions: [transition()],
    });
    store.enqueue(written);
    await store.close(); // close() flushes what is queued
    store = await openStore({ databaseUrl: url, flushIntervalMs: 60_000 });
    expect(await store.loadRollups(T0, T0 + ROLLUP_MS)).toEqual(written);
    expect(await store.latestBreakerStates()).toEqual([
      { service: 'checkout', name: 'payments-breaker', dependency: 'payments', state: 'open', atMs: T0 + 3_000 },
    ]);
  });

  it('commits a journal checkpoint with the rows it covers, and only once they are written', async () => {
    const journalId = 'journal-a';
    expect(await store.readCheckpoint(journalId)).toBe(0);
    store.enqueue(batch({ edges: [edge()] }), { journalId, segment: 3 });
    // A checkpoint with no rows of its own still needs writing (requests that changed no rollup).
    store.enqueue(batch({}), { journalId, segment: 4 });
    expect(store.committedSegment(journalId)).toBe(0);
    await store.flush();
    expect(store.committedSegment(journalId)).toBe(4);
    // The same checkpoint again (an idle server) is not written again.
    const written = await store.client.ingestCheckpoint.findUniqueOrThrow({ where: { journalId } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.enqueue(batch({}), { journalId, segment: 4 });
    await store.flush();
    expect(await store.client.ingestCheckpoint.findUniqueOrThrow({ where: { journalId } })).toEqual(written);
    store.enqueue(batch({}), { journalId: 'journal-b', segment: 9 });
    await store.close();
    store = await openStore({ databaseUrl: url, flushIntervalMs: 60_000 });
    expect(await store.readCheckpoint(journalId)).toBe(4);
    expect(await store.readCheckpoint('journal-b')).toBe(9);
    expect((await store.loadRollups(T0, T0 + ROLLUP_MS)).edges).toHaveLength(1);
  });

  it('writes in the background without an explicit flush', async () => {
    await store.close();
    store = await openStore({ databaseUrl: url, flushIntervalMs: 20 });
    store.enqueue(batch({ edges: [edge()] }));
    await expect.poll(() => store.pendingCount, { timeout: 2_000 }).toBe(0);
    // Through a second client, so the row is really in the database.
    const client = await databases.clientOn(url);
    const [row] = await client.$queryRawUnsafe<{ n: bigint | number }[]>('SELECT COUNT(*) AS n FROM "EdgeRollup"');
    expect(Number(row?.n)).toBe(1);
  });

  it('starts an early write once flushAtRows rows are queued', async () => {
    await store.close();
    store = await openStore({ databaseUrl: url, flushIntervalMs: 60_000, flushAtRows: 100 });
    store.enqueue(batch({ edges: Array.from({ length: 150 }, (_, i) => edge({ target: `t${i}` })) }));
    await expect.poll(() => store.pendingCount, { timeout: 2_000 }).toBe(0);
    expect((await store.loadRollups(T0, T0 + ROLLUP_MS)).edges).toHaveLength(150);
  });

  it('bounds the queue: rows with new keys beyond maxPendingRows are dropped and counted', async () => {
    await store.close();
    store = await openStore({ databaseUrl: url, flushIntervalMs: 60_000, flushAtRows: 1_000, maxPendingRows: 10 });
    store.enqueue(batch({ edges: Array.from({ length: 15 }, (_, i) => edge({ target: `t${i}` })) }));
    expect(store.pendingCount).toBe(10);
    expect(store.droppedRows).toBe(5);
    store.enqueue(batch({ edges: [edge({ target: 't0', calls: 999 })] })); // an update still merges
    expect(store.droppedRows).toBe(5);
    await store.flush();
    const { edges } = await store.loadRollups(T0, T0 + ROLLUP_MS);
    expect(edges).toHaveLength(10);
    expect(edges.find((e) => e.target === 't0')?.calls).toBe(999);
  });

  it.runIf(provider === 'sqlite')('puts the database in WAL mode', async () => {
    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('writes many rows in one flush across statement chunks', async () => {
    const edges = Array.from({ length: 5_000 }, (_, i) =>
      edge({ bucketStartMs: T0 + (i % 50) * ROLLUP_MS, target: `dep-${Math.floor(i / 50)}` }),
    );
    store.enqueue(batch({ edges }));
    await store.flush();
    expect((await store.loadRollups(T0, T0 + 50 * ROLLUP_MS)).edges).toHaveLength(5_000);
  });
});
