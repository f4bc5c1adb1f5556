/**
 * Measures the saga repository on 100 000 stored runs (issue 5: "sagas list of
 * 100 000 stored runs filters in < 200 ms"):
 *
 *   cd apps/dashboard && node --import tsx server/sagas/benchSagaRepository.ts
 *
 * Prints write throughput, the median and worst time of each list filter
 * (first page and a deep keyset page), the query plans, and stats computed in
 * SQL against the same stats computed in JS from every run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../../generated/prisma/client';
import { applyMigrations } from '../store/migrate';
import { PrismaSagaRepository, type SagaListFilter } from './sagaRepository';
import type { SagaRunRecord } from './sagaRunRecord';
import { sagaStats } from './sagaStats';
import { bulkRuns, T0 } from './sagaTestRecords';

const RUNS = 100_000;
const REPEATS = 15;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function measure(label: string, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) samples.push((await time(fn)).ms);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  const worst = samples.at(-1) ?? 0;
  console.log(
    `${label.padEnd(58)} median ${median.toFixed(1).padStart(6)} ms   max ${worst.toFixed(1).padStart(6)} ms`,
  );
  return worst;
}

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-saga-bench-'));
try {
  const { databaseFile } = await applyMigrations(`file:${path.join(dir, 'bench.db')}`);
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: databaseFile }) });
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  const repo = new PrismaSagaRepository(prisma);

  // 100 000 runs over ~28 h, one every second.
  const runs = bulkRuns(RUNS, T0, 1000);
  const write = await time(async () => {
    for (let i = 0; i < runs.length; i += 2000) await repo.save(runs.slice(i, i + 2000), T0);
  });
  console.log(
    `write ${RUNS} runs (+${RUNS * 2} steps) in batches of 2000: ${(write.ms / 1000).toFixed(1)} s, ${Math.round(RUNS / (write.ms / 1000))} runs/s`,
  );
  await prisma.$executeRawUnsafe('ANALYZE');

  const mid = T0 + (RUNS / 2) * 1000;
  const deepCursor = async (filter: SagaListFilter) => {
    // The cursor of a page in the middle of the result.
    const page = await repo.list({ ...filter, to: mid, limit: 1 });
    const last = page.runs[0];
    return last ? { startedAt: last.startedAt, id: last.id } : undefined;
  };
  const filters: [string, SagaListFilter][] = [
    ['no filter, 50', { limit: 50 }],
    ['no filter, 500', { limit: 500 }],
    ['name, 50', { name: 'checkout', limit: 50 }],
    ['status=failed, 50', { status: 'failed', limit: 50 }],
    ['name + status, 500', { name: 'refund', status: 'compensated', limit: 500 }],
    ['time window 1 h, 500', { from: mid, to: mid + 3_600_000, limit: 500 }],
    ['name + status + 1 h, 500', { name: 'signup', status: 'completed', from: mid, to: mid + 3_600_000, limit: 500 }],
    ['no match (name=absent), 50', { name: 'absent', limit: 50 }],
    ['stuck (none stored), 50', { status: 'stuck', limit: 50 }],
  ];
  let worst = 0;
  for (const [label, filter] of filters)
    worst = Math.max(worst, await measure(`list ${label}`, () => repo.list(filter)));
  for (const [label, filter] of filters.slice(0, 5)) {
    const cursor = await deepCursor(filter);
    worst = Math.max(worst, await measure(`list ${label}, page at the middle`, () => repo.list({ ...filter, cursor })));
  }
  console.log(`worst list time: ${worst.toFixed(1)} ms (budget 200 ms)`);

  const plans: [string, unknown[]][] = [
    [
      'SELECT * FROM "SagaRun" WHERE "name" = ? AND "status" = ? AND ("startedAtMs","id") < (?,?) ORDER BY "startedAtMs" DESC, "id" DESC LIMIT 51',
      ['a', 'b', 1, 'c'],
    ],
    [
      'SELECT * FROM "SagaRun" WHERE "startedAtMs" >= ? AND "startedAtMs" < ? ORDER BY "startedAtMs" DESC, "id" DESC LIMIT 51',
      [1, 2],
    ],
    ['SELECT * FROM "SagaRun" WHERE "status" = ? ORDER BY "startedAtMs" DESC, "id" DESC LIMIT 51', ['a']],
  ];
  for (const [sql, params] of plans) {
    const plan = await prisma.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
    console.log(`plan: ${plan.map((p) => p.detail).join(' | ')}`);
  }

  const day = { from: T0, to: T0 + 24 * 3_600_000, bucketMs: 600_000 };
  await measure('stats in SQL, 24 h (86 400 runs), 10 min buckets', () => repo.stats(day));
  await measure('stats in SQL, 24 h, one saga type', () => repo.stats({ ...day, name: 'checkout' }));
  await measure('stats in JS (load runs + sagaStats), 24 h', async () => {
    const rows = await prisma.$queryRawUnsafe<
      { name: string; status: string; startedAtMs: bigint; endedAtMs: bigint | null }[]
    >(
      'SELECT "name","status","startedAtMs","endedAtMs" FROM "SagaRun" WHERE "startedAtMs" >= ? AND "startedAtMs" < ?',
      BigInt(day.from),
      BigInt(day.to),
    );
    const records = rows.map(
      (r) =>
        ({
          id: '',
          name: r.name,
          status: r.status,
          startedAt: Number(r.startedAtMs),
          endedAt: r.endedAtMs === null ? null : Number(r.endedAtMs),
          traceId: '',
          services: [],
          steps: [],
        }) as SagaRunRecord,
    );
    return sagaStats(records, day.bucketMs);
  });
  await measure('get one run with steps', () => repo.get('bulk-1-0050000'));
  await measure('markStuck (nothing to mark)', () => repo.markStuck(T0, T0));
  await prisma.$disconnect();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
