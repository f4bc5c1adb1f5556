/**
 * Sagas (issue 5, "Performance"):
 *
 * 1. Saga overhead per step over plain awaited calls: `saga()` with N steps
 *    whose action is a trivial async function, against awaiting the same
 *    actions in a loop (the baseline, in every repetition). The saga runs with
 *    explicit providers so that whatever another suite registered globally
 *    does not leak in: the API's no-op providers ("no SDK"), and a real SDK
 *    TracerProvider (AlwaysOff = unsampled; AlwaysOn into an in-memory
 *    exporter = sampled) with a real MeterProvider whose reader collects every
 *    second.
 * 2. The stored-runs list: 100 000 runs written into a fresh temp SQLite
 *    through the dashboard's `PrismaSagaRepository` (as
 *    `apps/dashboard/server/sagas/benchSagaRepository.ts` does), then each
 *    list filter timed repeatedly, interleaved with a Prisma `SELECT 1` round
 *    trip (the floor of any query through the same client).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { type SagaStep, saga } from '@faultline/instrumentation';
import { createNoopMeter, type MeterProvider, ProxyTracerProvider } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  MeterProvider as SdkMeterProvider,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { collectGarbage } from '../lib/gc.js';
import {
  type Contestant,
  type Measurement,
  measureInterleaved,
  pairedDifference,
  pairedRatio,
} from '../lib/interleave.js';
import { serialLoop } from '../lib/loops.js';
import { formatNumber, formatRange, formatRatio, median, percentile } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';

// ── part 1: saga overhead ──────────────────────────────────────────────────

/** Drops exported points: the SDK aggregates for real, nothing piles up. */
class DroppingMetricExporter implements PushMetricExporter {
  exports = 0;
  export(_batch: unknown, done: (result: ExportResult) => void): void {
    this.exports++;
    done({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** What `metrics.getMeterProvider()` returns while no SDK is registered: one shared no-op meter. */
const NOOP_METER = createNoopMeter();
const NOOP_METER_PROVIDER: MeterProvider = { getMeter: () => NOOP_METER };

interface Ctx {
  readonly input: number;
}

/** The trivial action every contestant awaits: an async function that resolves at once. */
async function trivialAction(ctx: Ctx): Promise<number> {
  return ctx.input + 1;
}

function stepsOf(n: number): SagaStep<number>[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `step-${i}`,
    action: trivialAction,
    compensate: async () => undefined,
  }));
}

/** The baseline: the same actions awaited in a loop, results kept by name as the saga does. */
function plainRun(n: number): () => Promise<unknown> {
  const names = Array.from({ length: n }, (_, i) => `step-${i}`);
  return async () => {
    const results: Record<string, unknown> = {};
    const ctx = { input: 1, results };
    let last: unknown;
    for (const name of names) {
      last = await trivialAction(ctx);
      results[name] = last;
    }
    return last;
  };
}

async function sagaOverhead(options: SuiteOptions) {
  const exporter = new DroppingMetricExporter();
  const meterProvider = new SdkMeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 1000 })],
  });
  const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() });
  const spans = new InMemorySpanExporter();
  const sampled = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const noSdk = { tracerProvider: new ProxyTracerProvider(), meterProvider: NOOP_METER_PROVIDER };
  const sdkOff = { tracerProvider: unsampled, meterProvider };
  const sdkOn = { tracerProvider: sampled, meterProvider };

  const sections: { steps: number; measured: Measurement[] }[] = [];
  for (const n of [3, 10]) {
    options.log(`  saga with ${n} steps`);
    const steps = stepsOf(n);
    const run = (s: { run(input: number): Promise<{ status: string }> }) => async () => {
      const r = await s.run(1);
      if (r.status !== 'completed') throw new Error(`saga ended ${r.status}`);
    };
    const contestants: Contestant[] = [
      { name: 'plain awaited loop', loop: serialLoop(`plain ${n}`, plainRun(n), 'fulfil') },
      { name: 'saga · no SDK', loop: serialLoop(`saga nosdk ${n}`, run(saga('bench', steps, noSdk)), 'fulfil') },
      {
        name: 'saga · SDK, spans unsampled',
        loop: serialLoop(`saga off ${n}`, run(saga('bench', steps, sdkOff)), 'fulfil'),
      },
      {
        name: 'saga · SDK, spans sampled',
        loop: serialLoop(`saga on ${n}`, run(saga('bench', steps, sdkOn)), 'fulfil'),
        beforeSample: () => spans.reset(),
      },
      {
        name: 'saga · SDK unsampled, stepTimeoutMs 5000',
        loop: serialLoop(`saga timeout ${n}`, run(saga('bench', steps, { ...sdkOff, stepTimeoutMs: 5000 })), 'fulfil'),
      },
    ];
    const measured = await measureInterleaved(
      contestants,
      options.quick
        ? { repetitions: 5, warmupRepetitions: 2, sampleMs: 10, log: options.log, rewarm: true }
        : { repetitions: 9, warmupRepetitions: 2, sampleMs: 40, log: options.log, rewarm: true },
    );
    sections.push({ steps: n, measured });
  }
  spans.reset();
  await meterProvider.forceFlush();
  const exports = exporter.exports;
  await Promise.all([meterProvider.shutdown(), unsampled.shutdown(), sampled.shutdown()]);
  return { sections, exports };
}

// ── part 2: the stored-runs list on 100 000 runs ──────────────────────────

interface SagaListFilter {
  name?: string;
  status?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: { startedAt: number; id: string };
}
interface SagaRunsPage {
  runs: { id: string; startedAt: number }[];
  nextCursor: string | null;
}
interface SagaRepository {
  save(records: readonly unknown[], nowMs: number): Promise<unknown>;
  list(filter: SagaListFilter): Promise<SagaRunsPage>;
}
interface PrismaLike {
  $queryRawUnsafe<T = unknown>(sql: string, ...params: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...params: unknown[]): Promise<number>;
  $disconnect(): Promise<void>;
}
interface DashboardSagaModules {
  PrismaClient: new (options: { adapter: unknown }) => PrismaLike;
  applyMigrations(url: string): Promise<{ databaseFile: string }>;
  PrismaSagaRepository: new (prisma: PrismaLike) => SagaRepository;
  bulkRuns(count: number, start: number, spacingMs: number): unknown[];
  T0: number;
}

const DASHBOARD = new URL('../../apps/dashboard/', import.meta.url);

async function loadSagaModules(): Promise<DashboardSagaModules> {
  const load = (p: string) => import(new URL(p, DASHBOARD).href);
  const [client, migrate, repository, records] = await Promise.all([
    load('generated/prisma/client.ts'),
    load('server/store/migrate.ts'),
    load('server/sagas/sagaRepository.ts'),
    load('server/sagas/sagaTestRecords.ts'),
  ]);
  return { ...client, ...migrate, ...repository, ...records } as DashboardSagaModules;
}

const RUNS = 100_000;
const LIST_TARGET_MS = 200;

interface FilterTiming {
  readonly label: string;
  rows: number;
  readonly samples: number[];
}

async function listTimings(options: SuiteOptions) {
  const m = await loadSagaModules();
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-saga-bench-'));
  try {
    const { databaseFile } = await m.applyMigrations(`file:${path.join(dir, 'bench.db')}`);
    const prisma = new m.PrismaClient({ adapter: new PrismaBetterSqlite3({ url: databaseFile }) });
    try {
      // As the dashboard's store configures its SQLite file.
      await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
      const repo = new m.PrismaSagaRepository(prisma);
      const runs = m.bulkRuns(RUNS, m.T0, 1000);
      const writeStart = performance.now();
      for (let i = 0; i < runs.length; i += 2000) await repo.save(runs.slice(i, i + 2000), m.T0);
      const writeMs = performance.now() - writeStart;
      options.log(`  wrote ${RUNS} runs in ${(writeMs / 1000).toFixed(1)} s`);
      await prisma.$executeRawUnsafe('ANALYZE');

      const mid = m.T0 + (RUNS / 2) * 1000;
      const hour = 3_600_000;
      const filters: [string, SagaListFilter][] = [
        ['no filter, 50', { limit: 50 }],
        ['no filter, 500', { limit: 500 }],
        ['name, 50', { name: 'checkout', limit: 50 }],
        ['status=failed, 50', { status: 'failed', limit: 50 }],
        ['name + status, 500', { name: 'refund', status: 'compensated', limit: 500 }],
        ['time window 1 h, 500', { from: mid, to: mid + hour, limit: 500 }],
        ['name + status + 1 h, 500', { name: 'signup', status: 'completed', from: mid, to: mid + hour, limit: 500 }],
        ['no match (name=absent), 50', { name: 'absent', limit: 50 }],
        ['stuck (none stored), 50', { status: 'stuck', limit: 50 }],
      ];
      // A page in the middle of the result (keyset cursor), for the first filters.
      for (const [label, filter] of filters.slice(0, 5)) {
        const first = (await repo.list({ ...filter, to: mid, limit: 1 })).runs[0];
        if (first)
          filters.push([
            `${label}, page at the middle`,
            { ...filter, cursor: { startedAt: first.startedAt, id: first.id } },
          ]);
      }
      const floor: FilterTiming = { label: 'Prisma round trip: SELECT 1', rows: 1, samples: [] };
      const timings: FilterTiming[] = filters.map(([label]) => ({ label, rows: 0, samples: [] }));
      const repeats = options.quick ? 10 : 40;
      const time = async <T>(fn: () => Promise<T>) => {
        const start = performance.now();
        const value = await fn();
        return { ms: performance.now() - start, value };
      };
      // Warm-up round, then rounds over every filter (and the floor) in turn.
      for (const [, filter] of filters) await repo.list(filter);
      for (let round = 0; round < repeats; round++) {
        collectGarbage();
        floor.samples.push((await time(() => prisma.$queryRawUnsafe('SELECT 1'))).ms);
        for (const [i, [, filter]] of filters.entries()) {
          const { ms, value } = await time(() => repo.list(filter));
          const t = timings[i]!;
          t.samples.push(ms);
          t.rows = value.runs.length;
        }
      }
      return { writeMs, floor, timings, repeats };
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── the suite ─────────────────────────────────────────────────────────────

const loadText = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');

export const sagasSuite: Suite = {
  name: 'sagas',
  description: 'saga overhead per step over plain awaited calls; stored-runs list filters on 100 000 runs (issue 5)',
  async run(options: SuiteOptions) {
    const loadAtStart = loadavg();
    const overhead = await sagaOverhead(options);
    const loadAfterOverhead = loadavg();
    const list = await listTimings(options);
    const loadAfterList = loadavg();

    const tables: Table[] = [];
    const checks: Check[] = [];
    for (const { steps, measured } of overhead.sections) {
      const plain = measured[0]!;
      tables.push({
        title: `Saga of ${steps} trivial async steps vs awaiting the same actions in a loop`,
        columns: ['contestant', 'ns/run', 'IQR', 'min–max', '× plain', '+ns over plain', '+ns per step', 'runs/sample'],
        rows: measured.map((m) => [
          m.name,
          formatNumber(m.summary.median),
          formatRange(m.summary.p25, m.summary.p75),
          formatRange(m.summary.min, m.summary.max),
          formatRatio(pairedRatio(m, plain)),
          m === plain ? '–' : formatNumber(pairedDifference(m, plain)),
          m === plain ? '–' : formatNumber(pairedDifference(m, plain) / steps),
          String(m.callsPerSample),
        ]),
      });
    }
    const perStep = (name: string) =>
      overhead.sections.map(({ steps, measured }) => {
        const m = measured.find((x) => x.name === name)!;
        return `${steps} steps +${formatNumber(pairedDifference(m, measured[0]!) / steps)} ns/step (${formatRatio(pairedRatio(m, measured[0]!))})`;
      });
    tables[tables.length - 1] = {
      ...tables[tables.length - 1]!,
      notes: [
        'Each step: an async action resolving at once (plus a compensation, never run). One run per call of a serial loop; ns/run = sample ÷ runs.',
        'Providers passed to saga() explicitly: "no SDK" = the API’s no-op providers; "SDK" = a real TracerProvider (AlwaysOff, or AlwaysOn into an InMemorySpanExporter reset before each sample) and a real MeterProvider with a reader collecting every 1 s into a dropping exporter.',
        `No context manager is registered by this suite (context.with is then a plain call; an app with AsyncLocalStorage pays its promise hooks on every row alike). Metric exports seen: ${overhead.exports}.`,
        `Load average before ${loadText(loadAtStart)}, after ${loadText(loadAfterOverhead)}.`,
      ],
    };
    checks.push({
      target: 'saga overhead per step over plain awaited calls, SDK unsampled (report; no threshold)',
      measured: perStep('saga · SDK, spans unsampled').join('; '),
      met: 'reported',
    });
    checks.push({
      target: 'saga overhead per step, no SDK (report; no threshold)',
      measured: perStep('saga · no SDK').join('; '),
      met: 'reported',
    });

    const floorP50 = median(list.floor.samples);
    const rows = [list.floor, ...list.timings].map((t) => [
      t.label,
      String(t.rows),
      formatNumber(median(t.samples)),
      formatNumber(percentile(t.samples, 0.95)),
      formatNumber(Math.max(...t.samples)),
      formatRatio(median(t.samples) / floorP50),
    ]);
    const worstP95 = Math.max(...list.timings.map((t) => percentile(t.samples, 0.95)));
    const worst = list.timings.find((t) => percentile(t.samples, 0.95) === worstP95)!;
    tables.push({
      title: `Stored-runs list on ${RUNS.toLocaleString('en')} runs (PrismaSagaRepository.list, temp SQLite)`,
      columns: ['filter', 'rows', 'p50 ms', 'p95 ms', 'max ms', '× SELECT 1'],
      rows,
      notes: [
        `${RUNS} runs (2 steps each, one a second over ~28 h, 5 names × statuses from sagaTestRecords.bulkRuns) written in batches of 2 000 in ${(list.writeMs / 1000).toFixed(1)} s; WAL, synchronous NORMAL, ANALYZE after.`,
        `${list.repeats} rounds after a warm-up round; each round times the SELECT 1 floor and every filter in turn (full GC before each round). × SELECT 1 = p50 ÷ the floor's p50.`,
        `Load average after ${loadText(loadAfterList)}.`,
      ],
    });
    checks.push({
      target: `sagas list of ${RUNS.toLocaleString('en')} stored runs filters in < ${LIST_TARGET_MS} ms (issue 5)`,
      measured: `worst p95 ${formatNumber(worstP95)} ms (${worst.label}); worst p50 ${formatNumber(Math.max(...list.timings.map((t) => median(t.samples))))} ms`,
      met: worstP95 < LIST_TARGET_MS,
    });
    checks.push({
      target: 'a 50-step saga timeline renders in < 500 ms (issue 5)',
      measured: 'not in this suite (browser)',
      met: null,
    });

    return {
      tables,
      checks,
      data: {
        load: { atStart: loadAtStart, afterOverhead: loadAfterOverhead, afterList: loadAfterList },
        overhead: overhead.sections,
        list: { writeMs: list.writeMs, floor: list.floor, timings: list.timings },
      },
    };
  },
};
