/**
 * Soak (issue 3, "Performance"): the dashboard's memory under a steady 15 000
 * calls/s of instrumented traffic — three simulated services, each a child
 * process with `startTelemetry` and a breaker + bulkhead per dependency,
 * calling a no-op dependency at a fixed rate. Samples the dashboard's RSS and
 * `/api/health` ingest queue depth every 5 s and fits the slope of the last
 * half. Opt-in: `--only soak`, `--flag soak` or `--soak-seconds <s>`
 * (default 60 s; the issue's figure is 600).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNumber } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';
import { cpuSeconds, health, rssBytes, startBenchDashboard } from './dashboard/server.js';
import type { LoadReport, LoadServiceConfig } from './soak/loadService.js';

const TOTAL_CALLS_PER_SECOND = 15_000;
const SAMPLE_EVERY_MS = 5000;
const DEFAULT_SECONDS = 60;
const QUICK_SECONDS = 20;
/** Below this duration the slope is printed but not judged: start-up growth still dominates. */
const JUDGE_FROM_SECONDS = 300;
/** "Bounded": RSS growth over the last half below this. */
const SLOPE_TARGET_MIB_PER_MIN = 1;
const MIB = 1024 * 1024;

const LOAD_SERVICE = fileURLToPath(new URL('./soak/loadService.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Three services of the reference incident; one exports protobuf, the others JSON (the default). */
const SERVICES: readonly Omit<LoadServiceConfig, 'endpoint' | 'callsPerSecond'>[] = [
  { serviceName: 'user-service', protocol: 'json', dependencies: ['order-service', 'profile-service'] },
  {
    serviceName: 'order-service',
    protocol: 'json',
    dependencies: ['payment-service', 'inventory-service', 'email-service'],
  },
  { serviceName: 'payment-service', protocol: 'protobuf', dependencies: ['payment-db', 'email-service'] },
];

interface SoakSample {
  readonly seconds: number;
  readonly rssBytes: number;
  readonly ingestQueueDepth: number;
  /** Bytes in the ingest journal (acknowledged, not yet in the database). */
  readonly journalBytes: number;
  /** Calls made by all services since the previous sample, per second. */
  readonly callsPerSecond: number;
  /** Dashboard CPU use since the previous sample, in cores. */
  readonly dashboardCores: number;
  readonly load1: number;
}

interface LoadChild {
  readonly child: ChildProcess;
  report(): Promise<LoadReport>;
  stop(): Promise<void>;
}

async function startLoadService(config: LoadServiceConfig): Promise<LoadChild> {
  const child = fork(LOAD_SERVICE, [], {
    cwd: REPO_ROOT,
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, SOAK_SERVICE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${config.serviceName} exited with ${code} before starting`)));
  });
  return {
    child,
    report: () =>
      new Promise<LoadReport>((resolve) => {
        child.once('message', (message) => resolve(message as LoadReport));
        child.send('report');
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const soakSuite: Suite = {
  name: 'soak',
  description: `dashboard RSS under ${formatNumber(TOTAL_CALLS_PER_SECOND)} instrumented calls/s from 3 service processes`,
  optIn: true,
  async run(options: SuiteOptions) {
    const seconds = options.soakSeconds ?? (options.quick ? QUICK_SECONDS : DEFAULT_SECONDS);
    const dashboard = await startBenchDashboard();
    const children: LoadChild[] = [];
    const samples: SoakSample[] = [];
    try {
      const perService = TOTAL_CALLS_PER_SECOND / SERVICES.length;
      for (const service of SERVICES) {
        children.push(await startLoadService({ ...service, endpoint: dashboard.url, callsPerSecond: perService }));
      }
      const totals = async () => {
        const reports = await Promise.all(children.map((c) => c.report()));
        return {
          calls: reports.reduce((sum, r) => sum + r.calls, 0),
          failures: reports.reduce((sum, r) => sum + r.failures, 0),
          firstFailure: reports.find((r) => r.firstFailure !== null)?.firstFailure ?? null,
        };
      };
      const atStart = await totals();
      const started = performance.now();
      let previousCalls = atStart.calls;
      let previousCpu = cpuSeconds(dashboard.pid);
      let previousAt = started;
      const sampleOnce = async () => {
        const now = performance.now();
        const { calls } = await totals();
        const cpu = cpuSeconds(dashboard.pid);
        const elapsed = (now - previousAt) / 1000;
        samples.push({
          seconds: (now - started) / 1000,
          rssBytes: rssBytes(dashboard.pid),
          ...(await health(dashboard.url).then((h) => ({
            ingestQueueDepth: h.ingestQueueDepth,
            journalBytes: h.ingestJournalBytes ?? 0,
          }))),
          callsPerSecond: elapsed > 0 ? (calls - previousCalls) / elapsed : 0,
          dashboardCores: elapsed > 0 ? (cpu - previousCpu) / elapsed : 0,
          load1: loadavg()[0]!,
        });
        previousCalls = calls;
        previousCpu = cpu;
        previousAt = now;
        const last = samples[samples.length - 1]!;
        options.log(
          `  ${last.seconds.toFixed(0)} s: RSS ${(last.rssBytes / MIB).toFixed(1)} MiB, queue ${last.ingestQueueDepth}, journal ${(last.journalBytes / MIB).toFixed(1)} MiB, ${formatNumber(last.callsPerSecond)} calls/s, dashboard ${(last.dashboardCores * 100).toFixed(0)} % CPU, load ${last.load1.toFixed(2)}`,
        );
      };
      await sampleOnce();
      for (let next = 1; next * SAMPLE_EVERY_MS <= seconds * 1000; next++) {
        await sleep(Math.max(0, started + next * SAMPLE_EVERY_MS - performance.now()));
        await sampleOnce();
      }
      const atEnd = await totals();
      const elapsedSeconds = (performance.now() - started) / 1000;
      const totalCalls = atEnd.calls - atStart.calls;
      const failures = atEnd.failures - atStart.failures;

      const lastHalf = samples.filter((s) => s.seconds >= seconds / 2);
      const slopeMiBPerMin = slope(lastHalf.map((s) => ({ x: s.seconds / 60, y: s.rssBytes / MIB })));
      const peak = Math.max(...samples.map((s) => s.rssBytes));
      const table: Table = {
        title: `Soak · dashboard under ${formatNumber(TOTAL_CALLS_PER_SECOND)} calls/s for ${seconds} s`,
        columns: ['t (s)', 'RSS (MiB)', 'ingest queue', 'journal (MiB)', 'calls/s', 'dashboard CPU', 'load (1 min)'],
        rows: samples.map((s, i) => [
          s.seconds.toFixed(0),
          (s.rssBytes / MIB).toFixed(1),
          String(s.ingestQueueDepth),
          (s.journalBytes / MIB).toFixed(1),
          i === 0 ? '' : formatNumber(s.callsPerSecond),
          i === 0 ? '' : `${(s.dashboardCores * 100).toFixed(0)} %`,
          s.load1.toFixed(2),
        ]),
        notes: [
          `services (one child process each, startTelemetry defaults: spans sampled 100 %, batched and metrics exported every 1 s): ${SERVICES.map((s) => `${s.serviceName} → ${s.dependencies.join(', ')} (${s.protocol})`).join('; ')}; a circuit breaker and a bulkhead per dependency, no-op calls spread evenly`,
          `calls made: ${formatNumber(totalCalls)} (${formatNumber(totalCalls / elapsedSeconds)}/s on average, ${failures} failed${atEnd.firstFailure ? `, e.g. ${atEnd.firstFailure}` : ''}); RSS peak ${(peak / MIB).toFixed(1)} MiB; slope of the last half (${lastHalf.length} samples, least squares) ${slopeMiBPerMin.toFixed(2)} MiB/min`,
          'ingest queue: /api/health ingestQueueDepth (rows waiting for the store); journal: ingestJournalBytes (acknowledged requests whose rollups or saga runs are not yet written — it must stay flat, not grow)',
        ],
      };
      const judged = seconds >= JUDGE_FROM_SECONDS && lastHalf.length >= 3;
      const checks: Check[] = [
        {
          target: `RSS bounded at ${formatNumber(TOTAL_CALLS_PER_SECOND)} calls/s: last-half slope < ${SLOPE_TARGET_MIB_PER_MIN} MiB/min${judged ? '' : ` (judged from ${JUDGE_FROM_SECONDS} s)`}`,
          measured: `${slopeMiBPerMin.toFixed(2)} MiB/min over ${seconds} s, peak ${(peak / MIB).toFixed(0)} MiB`,
          met: judged ? slopeMiBPerMin < SLOPE_TARGET_MIB_PER_MIN : null,
        },
      ];
      return {
        tables: [table],
        checks,
        data: { seconds, samples, slopeMiBPerMin, totalCalls, failures, firstFailure: atEnd.firstFailure },
      };
    } finally {
      await Promise.all(children.map((c) => c.stop()));
      await dashboard.stop();
      rmSync(path.dirname(fileURLToPath(dashboard.databaseUrl)), { recursive: true, force: true });
    }
  },
};
