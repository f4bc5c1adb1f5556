/**
 * Store write throughput on PostgreSQL vs SQLite (issue 8, "Performance").
 *
 * The dashboard's own store (`openStore` → `PrismaHistoryStore`: rows merged
 * by key, written as multi-row `INSERT … ON CONFLICT DO UPDATE` statements in
 * one transaction per flush, the same code for both engines) writes the same
 * rollups on each engine: a SQLite file in a temp directory (WAL,
 * synchronous=NORMAL, as the server configures it) and a database on a
 * throwaway PostgreSQL server on loopback (test/support/postgres.ts). Each
 * repetition writes a fresh database per engine — first new rows ("insert"),
 * then the same keys with new values ("update": buckets that grew) — with the
 * engines in a shuffled order; the ratio PostgreSQL ÷ SQLite is paired per
 * repetition, so drift of the machine cancels out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { collectGarbage } from '../lib/gc.js';
import { formatNumber, formatRange, formatRatio, median, summarize } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';

// The dashboard's modules, loaded at run time (as the sagas suite does) so the
// bench project does not type-check the app; these are the parts used here.
interface RollupBatch {
  edges: unknown[];
  breakers: unknown[];
  bulkheads: unknown[];
  services: unknown[];
  transitions: unknown[];
}
interface Store {
  enqueue(batch: RollupBatch): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
interface StoreModules {
  openStore(options: {
    databaseUrl: string;
    flushIntervalMs: number;
    flushAtRows: number;
    maxPendingRows: number;
  }): Promise<Store>;
  LATENCY_BOUNDS_MS: readonly number[];
  ROLLUP_MS: number;
}

interface RunningPostgres {
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const DASHBOARD = new URL('../../apps/dashboard/', import.meta.url);

/** The tests' throwaway server (Debian's binaries), loaded like the dashboard's modules (it is written for the test project). */
async function startPostgres(): Promise<RunningPostgres> {
  const support = (await import(new URL('../../test/support/postgres.ts', import.meta.url).href)) as {
    startPostgres(): Promise<RunningPostgres>;
  };
  return support.startPostgres();
}

async function loadStoreModules(): Promise<StoreModules> {
  const load = (p: string) => import(new URL(p, DASHBOARD).href);
  const [store, rollups] = await Promise.all([load('server/store/openStore.ts'), load('server/model/rollups.ts')]);
  return { ...store, ...rollups } as StoreModules;
}

const T0 = 1_767_225_600_000;
type Engine = 'sqlite' | 'postgresql';
const ENGINES: readonly Engine[] = ['sqlite', 'postgresql'];
type Phase = 'insert' | 'update';
const PHASES: readonly Phase[] = ['insert', 'update'];

const SERVICES = 7;
const DEPENDENCIES = 4;

/**
 * About `rows` rollup rows in the server's mix: per 10 s bucket and service,
 * an edge to each of its dependencies (the widest rows), a breaker and a
 * bulkhead per edge, and the service's own row. `calls` changes the values,
 * not the keys.
 */
function rollups(m: StoreModules, rows: number, calls: number): RollupBatch {
  const batch: RollupBatch = { edges: [], breakers: [], bulkheads: [], services: [], transitions: [] };
  const buckets = Math.ceil(rows / (SERVICES * (1 + 3 * DEPENDENCIES)));
  for (let bucket = 0; bucket < buckets; bucket++) {
    const bucketStartMs = T0 + bucket * m.ROLLUP_MS;
    for (let s = 0; s < SERVICES; s++) {
      const service = `service-${s}`;
      batch.services.push({
        bucketStartMs,
        service,
        kind: 'service',
        activeRequests: calls % 17,
        eventLoopUtilization: 0.3,
        eventLoopDelayP99Ms: 12.5,
      });
      for (let d = 0; d < DEPENDENCIES; d++) {
        const dependency = `dependency-${d}`;
        batch.edges.push({
          bucketStartMs,
          source: service,
          target: dependency,
          calls,
          errors: 3,
          outcomes: { success: calls - 3, failure: 1, timeout: 1, short_circuited: 1, bulkhead_rejected: 0 },
          latencyCounts: m.LATENCY_BOUNDS_MS.map((_, j) => (j * 7 + calls) % 50).concat(1),
          latencySumMs: calls * 12.5,
          retryAttempts: 2,
          inflightMax: 9,
          inflightLast: 4,
        });
        batch.breakers.push({
          bucketStartMs,
          service,
          name: `${dependency}-breaker`,
          dependency,
          state: calls % 2 === 0 ? 'closed' : 'open',
          failureRate: 0.05,
          slowCallRate: null,
        });
        batch.bulkheads.push({
          bucketStartMs,
          service,
          name: `${dependency}-pool`,
          dependency,
          activeLast: 4,
          activeMax: 10,
          limit: 10,
          queuedLast: calls % 5,
          queuedMax: 5,
          queueLimit: 20,
          rejections: 1,
          saturatedMs: 250,
        });
      }
    }
  }
  return batch;
}

const rowCount = (b: RollupBatch) =>
  b.edges.length + b.breakers.length + b.bulkheads.length + b.services.length + b.transitions.length;

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Sample {
  engine: Engine;
  phase: Phase;
  repetition: number;
  rows: number;
  ms: number;
  rowsPerSecond: number;
}

async function measure(options: SuiteOptions) {
  const m = await loadStoreModules();
  const targetRows = options.quick ? 10_000 : 50_000;
  const repetitions = options.quick ? 3 : 7;
  const warmups = 1;
  const inserted = rollups(m, targetRows, 20);
  const updated = rollups(m, targetRows, 40);
  const rows = rowCount(inserted);
  const postgres: RunningPostgres = await startPostgres();
  const sqliteDir = mkdtempSync(path.join(tmpdir(), 'faultline-store-bench-'));
  const samples: Sample[] = [];
  let databases = 0;
  const freshUrl = async (engine: Engine) =>
    engine === 'postgresql'
      ? postgres.createDatabase(`bench_${++databases}`)
      : `file:${path.join(sqliteDir, `${++databases}.db`)}`;
  try {
    for (let repetition = -warmups; repetition < repetitions; repetition++) {
      for (const engine of shuffled(ENGINES)) {
        // Opening (and migrating) is outside the timed part.
        const store = await m.openStore({
          databaseUrl: await freshUrl(engine),
          flushIntervalMs: 3_600_000,
          flushAtRows: Number.MAX_SAFE_INTEGER,
          maxPendingRows: Number.MAX_SAFE_INTEGER,
        });
        try {
          for (const [phase, batch] of [
            ['insert', inserted],
            ['update', updated],
          ] as const) {
            collectGarbage();
            const start = performance.now();
            store.enqueue(batch);
            await store.flush();
            const ms = performance.now() - start;
            if (repetition >= 0)
              samples.push({ engine, phase, repetition, rows, ms, rowsPerSecond: rows / (ms / 1000) });
          }
        } finally {
          await store.close();
        }
      }
      options.log(`  store: repetition ${repetition + 1}/${repetitions} done`);
    }
  } finally {
    await postgres.stop();
    rmSync(sqliteDir, { recursive: true, force: true });
  }
  return {
    samples,
    rows,
    repetitions,
    mix: {
      edges: inserted.edges.length,
      breakers: inserted.breakers.length,
      bulkheads: inserted.bulkheads.length,
      services: inserted.services.length,
    },
  };
}

export const storeSuite: Suite = {
  name: 'store',
  description: 'store write throughput on PostgreSQL vs SQLite, same rows and batching, paired ratio (issue 8)',
  async run(options: SuiteOptions) {
    const loadBefore = loadavg();
    const { samples, rows, repetitions, mix } = await measure(options);
    const loadAfter = loadavg();
    const of = (engine: Engine, phase: Phase) => samples.filter((s) => s.engine === engine && s.phase === phase);
    const ratios = (phase: Phase) =>
      of('postgresql', phase).map((pg) => {
        const sqlite = of('sqlite', phase).find((s) => s.repetition === pg.repetition)!;
        return pg.rowsPerSecond / sqlite.rowsPerSecond;
      });
    const tableRows: string[][] = [];
    for (const phase of PHASES) {
      for (const engine of ENGINES) {
        const rate = summarize(of(engine, phase).map((s) => s.rowsPerSecond));
        const ms = summarize(of(engine, phase).map((s) => s.ms));
        tableRows.push([
          engine === 'sqlite' ? 'SQLite' : 'PostgreSQL',
          phase,
          formatNumber(rate.median),
          formatRange(rate.p25, rate.p75),
          formatNumber(ms.median),
          engine === 'sqlite' ? '1.00×' : formatRatio(median(ratios(phase))),
        ]);
      }
    }
    const tables: Table[] = [
      {
        title: `Store write throughput: ${formatNumber(rows)} rollup rows per flush, PostgreSQL vs SQLite`,
        columns: ['engine', 'phase', 'rows/s', 'IQR', 'ms/flush', '× SQLite (paired)'],
        rows: tableRows,
        notes: [
          `One flush of PrismaHistoryStore (the server's store, same code for both engines): ${mix.edges} edge, ${mix.breakers} breaker, ${mix.bulkheads} bulkhead and ${mix.services} service rows, multi-row upserts of ≤ 4000 parameters each, one transaction. "insert" writes new keys into an empty database, "update" the same keys with new values.`,
          `Median of ${repetitions} repetitions (after 1 warm-up), engines in shuffled order each repetition, a fresh database per engine and repetition; the ratio is PostgreSQL ÷ SQLite rows/s within a repetition, median over repetitions.`,
          'SQLite: a file in the temp directory, WAL, synchronous=NORMAL (no fsync per commit). PostgreSQL: a throwaway server on loopback (test/support/postgres.ts: fsync=off, synchronous_commit=off — no fsync per commit either), through the pg driver adapter; every statement is a network round trip SQLite does not pay.',
          `Load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
        ],
      },
    ];
    const checks: Check[] = [
      {
        target: 'store write throughput on PostgreSQL vs SQLite, same rows and batching (ratio; report, no threshold)',
        measured: PHASES.map((phase) => `${phase} ${formatRatio(median(ratios(phase)))}`).join(', '),
        met: 'reported',
      },
    ];
    return { tables, checks, data: { rows, mix, repetitions, samples } };
  },
};
