import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreClient } from '../store/storeClient';
import { STORE_PROVIDERS, testDatabases } from '../store/testDatabases';
import { decodeCursor, encodeCursor, PrismaSagaRepository } from './sagaRepository';
import type { SagaRunRecord } from './sagaRunRecord';
import { sagaStats } from './sagaStats';
import { bulkRuns, compensatedCheckout, T0 } from './sagaTestRecords';

let prisma: StoreClient;
let repo: PrismaSagaRepository;

beforeEach(async () => {
  await prisma.$executeRawUnsafe('DELETE FROM "SagaStep"');
  await prisma.$executeRawUnsafe('DELETE FROM "SagaRun"');
});

describe.each(STORE_PROVIDERS)('PrismaSagaRepository on %s', (provider) => {
  const databases = testDatabases(provider);
  beforeAll(async () => {
    ({ client: prisma } = await databases.migratedClient());
    repo = new PrismaSagaRepository(prisma);
  });

  it('stores a run and returns it in the API shape, steps by start time', async () => {
    const summaries = await repo.save([compensatedCheckout()], T0 + 1000);
    expect(summaries).toEqual([
      expect.objectContaining({
        id: 'run-compensated',
        status: 'compensated',
        service: 'order-service',
        durationMs: 400,
        failedStep: 'charge-payment',
        error: 'card declined',
      }),
    ]);
    const run = await repo.get('run-compensated');
    expect(run).toMatchObject({
      id: 'run-compensated',
      name: 'checkout',
      status: 'compensated',
      startedAt: T0,
      endedAt: T0 + 400,
      traceId: 'ab'.repeat(16),
      services: ['order-service', 'inventory-service', 'payment-service'],
    });
    expect(run?.steps.map((s) => [s.name, s.kind, s.service, s.status, s.index])).toEqual([
      ['reserve-inventory', 'action', 'inventory-service', 'completed', 0],
      ['charge-payment', 'action', 'payment-service', 'failed', 1],
      ['reserve-inventory', 'compensation', 'inventory-service', 'completed', 0],
    ]);
    expect(run?.steps[1]?.error).toBe('card declined');
    expect(run?.steps[0]).not.toHaveProperty('error');
    expect(await repo.get('nope')).toBeNull();
  });

  it('updates a running run in place and never duplicates its steps', async () => {
    const full = compensatedCheckout('r1');
    const running: SagaRunRecord = { ...full, status: 'running', endedAt: null, steps: full.steps.slice(0, 1) };
    await repo.save([running], T0);
    expect((await repo.get('r1'))?.status).toBe('running');
    await repo.save([full], T0 + 500);
    await repo.save([full], T0 + 600);
    const run = await repo.get('r1');
    expect(run?.status).toBe('compensated');
    expect(run?.steps).toHaveLength(3);
  });

  it('a late partial report (new process, one step, no root) does not reopen an ended run', async () => {
    await repo.save([compensatedCheckout('r2')], T0);
    const late: SagaRunRecord = {
      id: 'r2',
      name: '',
      status: 'running',
      startedAt: T0 + 500,
      endedAt: null,
      traceId: 'ef'.repeat(16),
      services: ['email-service'],
      steps: [
        {
          name: 'audit',
          index: null,
          kind: 'action',
          service: 'email-service',
          status: 'completed',
          startedAt: T0 + 500,
          endedAt: T0 + 510,
          spanId: 'late',
        },
      ],
    };
    const [summary] = await repo.save([late], T0 + 1000);
    expect(summary).toMatchObject({ status: 'compensated', startedAt: T0, endedAt: T0 + 400, name: 'checkout' });
    expect(summary?.services).toEqual(['order-service', 'inventory-service', 'payment-service', 'email-service']);
    expect((await repo.get('r2'))?.steps).toHaveLength(4);
  });

  it('rounds fractional span times to whole milliseconds', async () => {
    const run = compensatedCheckout('frac', T0 + 0.4);
    run.steps[0]!.startedAt += 0.7;
    await repo.save([run], T0);
    const stored = await repo.get('frac');
    expect(stored?.startedAt).toBe(T0);
    expect(stored?.steps[0]?.startedAt).toBe(T0 + 6);
  });

  it('lists newest first with filters and keyset pages that neither skip nor repeat', async () => {
    const runs = bulkRuns(1234, T0, 10);
    // Same start time for a few runs: the id breaks the tie.
    for (const r of runs.slice(0, 5)) r.startedAt = T0;
    await repo.save(runs, T0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await repo.list({
        limit: 100,
        status: 'completed',
        ...(cursor ? { cursor: decodeCursor(cursor) ?? undefined } : {}),
      });
      seen.push(...page.runs.map((r) => r.id));
      for (const r of page.runs) expect(r.status).toBe('completed');
      cursor = page.nextCursor;
    } while (cursor);
    const expected = runs
      .filter((r) => r.status === 'completed')
      .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    expect(seen).toEqual(expected);

    const window = await repo.list({ limit: 500, name: 'refund', from: T0 + 1000, to: T0 + 2000 });
    expect(window.runs.length).toBeGreaterThan(0);
    for (const r of window.runs) {
      expect(r.name).toBe('refund');
      expect(r.startedAt).toBeGreaterThanOrEqual(T0 + 1000);
      expect(r.startedAt).toBeLessThan(T0 + 2000);
    }
    expect(window.nextCursor).toBeNull();
  });

  it('computes stats in SQL exactly as sagaStats() does from the records', async () => {
    const runs = bulkRuns(3000, T0, 997, 7);
    await repo.save(runs, T0);
    const bucketMs = 600_000;
    const from = T0;
    const to = T0 + 3000 * 997;
    const expected = sagaStats(
      runs.map((r) => ({ ...r, startedAt: Math.round(r.startedAt) })),
      bucketMs,
    );
    const actual = await repo.stats({ from, to, bucketMs });
    expect(actual).toHaveLength(expected.length);
    actual.forEach((row, i) => {
      const want = expected[i]!;
      expect(row).toMatchObject({ name: want.name, bucketStartMs: want.bucketStartMs, runs: want.runs });
      expect(row.unfinished).toBe(want.unfinished);
      expect(row.compensationRate).toBeCloseTo(want.compensationRate ?? Number.NaN, 12);
      expect(row.failureRate).toBeCloseTo(want.failureRate ?? Number.NaN, 12);
      expect([row.p50Ms, row.p95Ms, row.p99Ms]).toEqual([want.p50Ms, want.p95Ms, want.p99Ms]);
    });
    const onlyCheckout = await repo.stats({ from, to, bucketMs, name: 'checkout' });
    expect(onlyCheckout.every((r) => r.name === 'checkout')).toBe(true);
    expect(onlyCheckout.length).toBe(expected.filter((r) => r.name === 'checkout').length);
  });

  it('marks runs left running as stuck, once', async () => {
    const runs = bulkRuns(60, T0, 1000, 3);
    await repo.save(runs, T0);
    const runningBefore = runs.filter((r) => r.status === 'running' && r.startedAt < T0 + 30_000).map((r) => r.id);
    expect(runningBefore.length).toBeGreaterThan(0);
    const stuck = await repo.markStuck(T0 + 30_000, T0 + 400_000);
    expect(stuck.map((r) => r.id).sort()).toEqual(runningBefore.sort());
    expect(stuck.every((r) => r.status === 'stuck')).toBe(true);
    expect(await repo.markStuck(T0 + 30_000, T0 + 400_000)).toEqual([]);
  });

  it('prunes runs and their steps before the cutoff', async () => {
    await repo.save(bulkRuns(100, T0, 1000), T0);
    expect(await repo.prune(T0 + 40_000)).toBe(40);
    const [counts] = await prisma.$queryRawUnsafe<{ runs: bigint; steps: bigint }[]>(
      'SELECT (SELECT COUNT(*) FROM "SagaRun") AS runs, (SELECT COUNT(*) FROM "SagaStep") AS steps',
    );
    expect(Number(counts?.runs)).toBe(60);
    expect(Number(counts?.steps)).toBe(120);
  });

  it('round-trips cursors and rejects forged ones', () => {
    const c = { startedAt: T0, id: 'a/b"c' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('[1.5,"x"]').toString('base64url'))).toBeNull();
  });
});
