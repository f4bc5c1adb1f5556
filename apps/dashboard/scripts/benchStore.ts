/**
 * Write throughput of the rollup store on a real SQLite file, for edge
 * rollups (the widest and most numerous rows), across write strategies:
 *
 *   node --import tsx apps/dashboard/scripts/benchStore.ts [rows] [runs]
 *
 * - store            PrismaHistoryStore.enqueue + flush: what the server does
 * - multi-row/<p>    raw INSERT … VALUES (…)×k ON CONFLICT DO UPDATE through
 *                    Prisma, k rows per statement for a budget of p parameters
 * - single-row       one raw upsert per row through Prisma, one transaction
 * - client-upsert    prisma.edgeRollup.upsert per row, one transaction
 * - createMany       insert-only reference (cannot upsert)
 * - better-sqlite3   prepared upsert per row without Prisma: the ceiling
 *
 * Each run writes `rows` new rows into a fresh database ("insert"), then the
 * same keys again with new values ("update": buckets that grew). Median of
 * `runs` runs, rows/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';
import { type EdgeRollup, emptyRollupBatch, LATENCY_BOUNDS_MS, ROLLUP_MS } from '../server/model/rollups';
import { applyMigrations } from '../server/store/migrate';
import { openStore } from '../server/store/openStore';
import { upsertStatements } from '../server/store/rollupSql';

const rows = Number(process.argv[2] ?? 50_000);
const runs = Number(process.argv[3] ?? 3);
const T0 = 1_767_225_600_000;

function edges(n: number, calls: number): EdgeRollup[] {
  return Array.from({ length: n }, (_, i) => ({
    bucketStartMs: T0 + (i % 360) * ROLLUP_MS,
    source: `service-${i % 7}`,
    target: `dependency-${Math.floor(i / 360)}`,
    calls,
    errors: 3,
    outcomes: { success: calls - 3, failure: 1, timeout: 1, short_circuited: 1, bulkhead_rejected: 0 },
    latencyCounts: LATENCY_BOUNDS_MS.map((_, j) => (j * 7 + calls) % 50).concat(1),
    latencySumMs: calls * 12.5,
    retryAttempts: 2,
    inflightMax: 9,
    inflightLast: 4,
  }));
}

const asRow = (e: EdgeRollup) => ({
  ...e,
  bucketStartMs: BigInt(e.bucketStartMs),
  outcomes: JSON.stringify(e.outcomes),
  latencyCounts: JSON.stringify(e.latencyCounts),
});

async function prismaOn(file: string): Promise<PrismaClient> {
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }) });
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  return prisma;
}

/** Opens a writer on `file`; `write` is the timed part. */
interface Writer {
  open(file: string): Promise<{ write(data: EdgeRollup[]): Promise<void>; close(): Promise<void> }>;
  insertOnly?: boolean;
  /** Fraction of `rows` to use (slow strategies). */
  scale?: number;
}

const viaPrisma = (write: (prisma: PrismaClient, data: EdgeRollup[]) => Promise<unknown>, scale = 1): Writer => ({
  scale,
  async open(file) {
    const prisma = await prismaOn(file);
    return { write: async (data) => void (await write(prisma, data)), close: () => prisma.$disconnect() };
  },
});

const multiRow = (maxParams: number) =>
  viaPrisma((prisma, data) => {
    const statements = upsertStatements({ ...emptyRollupBatch(), edges: data }, maxParams);
    return prisma.$transaction(statements.map((s) => prisma.$executeRawUnsafe(s.sql, ...s.params)));
  });

const writers: Record<string, Writer> = {
  store: {
    async open(file) {
      const store = await openStore({
        databaseUrl: `file:${file}`,
        flushIntervalMs: 3_600_000,
        flushAtRows: Number.MAX_SAFE_INTEGER,
        maxPendingRows: Number.MAX_SAFE_INTEGER,
      });
      return {
        async write(data) {
          store.enqueue({ ...emptyRollupBatch(), edges: data });
          await store.flush();
        },
        close: () => store.close(),
      };
    },
  },
  'multi-row/500': multiRow(500),
  'multi-row/4000': multiRow(4000),
  'multi-row/16000': multiRow(16000),
  'multi-row/32000': multiRow(32000),
  'single-row': viaPrisma((prisma, data) => {
    const statements = data.map((e) => upsertStatements({ ...emptyRollupBatch(), edges: [e] })[0]!);
    return prisma.$transaction(statements.map((s) => prisma.$executeRawUnsafe(s.sql, ...s.params)));
  }, 0.2),
  'client-upsert': viaPrisma(
    (prisma, data) =>
      prisma.$transaction(
        data.map((e) => {
          const row = asRow(e);
          const key = { bucketStartMs: row.bucketStartMs, source: e.source, target: e.target };
          return prisma.edgeRollup.upsert({ where: { bucketStartMs_source_target: key }, create: row, update: row });
        }),
      ),
    0.1,
  ),
  createMany: {
    ...viaPrisma((prisma, data) => prisma.edgeRollup.createMany({ data: data.map(asRow) })),
    insertOnly: true,
  },
  'better-sqlite3': {
    async open(file) {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const sample = edges(1, 1);
      const statement = db.prepare(upsertStatements({ ...emptyRollupBatch(), edges: sample })[0]!.sql);
      const all = db.transaction((list: EdgeRollup[]) => {
        for (const e of list) {
          statement.run(
            e.bucketStartMs,
            e.source,
            e.target,
            e.calls,
            e.errors,
            JSON.stringify(e.outcomes),
            JSON.stringify(e.latencyCounts),
            e.latencySumMs,
            e.retryAttempts,
            e.inflightMax,
            e.inflightLast,
          );
        }
      });
      return {
        write: async (data) => all(data),
        close: async () => {
          db.close();
        },
      };
    },
  },
};

async function once(writer: Writer, n: number): Promise<{ insert: number; update: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-'));
  try {
    const { databaseFile } = await applyMigrations(`file:${path.join(dir, 'bench.db')}`);
    const target = await writer.open(databaseFile);
    const timed = async (data: EdgeRollup[]) => {
      const start = performance.now();
      await target.write(data);
      return n / ((performance.now() - start) / 1000);
    };
    const insert = await timed(edges(n, 100));
    const update = writer.insertOnly ? Number.NaN : await timed(edges(n, 200));
    await target.close();
    return { insert, update };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => (Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US')).padStart(8);

// Warm up the JIT and the wasm schema engine so the first strategy is not penalised.
await once(writers.store!, Math.min(rows, 5_000));
console.log(`edge rollups, ${rows} rows per run (scaled for slow strategies), median of ${runs} runs, rows/s`);
console.log(`${'strategy'.padEnd(16)} ${'rows'.padStart(7)} ${'insert'.padStart(8)} ${'update'.padStart(8)}`);
for (const [name, writer] of Object.entries(writers)) {
  const n = Math.ceil(rows * (writer.scale ?? 1));
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(writer, n));
  const insert = median(results.map((r) => r.insert));
  const update = median(results.map((r) => r.update));
  console.log(`${name.padEnd(16)} ${String(n).padStart(7)} ${fmt(insert)} ${fmt(update)}`);
}
