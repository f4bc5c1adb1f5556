/**
 * Ingest throughput with two dashboard instances vs one on the same machine
 * (issue 8, "Performance"). One instance alone (no Redis) against two
 * instances linked by Redis (socket.io adapter, per-second peer rollup sync)
 * sharing one database, the telemetry split between them by service as the
 * Collector's loadbalancing exporter routes it. The same bodies as the ingest
 * suite, the same total number of client connections, interleaved
 * repetitions; the ratio two ÷ one is paired per repetition.
 */
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDatabaseUrl } from '../../test/support/dashboard.js';
import { type Contestant, type Measurement, measureInterleaved } from '../lib/interleave.js';
import { formatNumber, formatRange, formatRatio, type Summary, summarize } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';
import { partitionByService } from './cluster/partition.js';
import { startPostgres, startRedis, type ThrowawayPostgres } from './cluster/servers.js';
import { type BenchDashboard, cpuSeconds, health, machineCpuSeconds, startBenchDashboard } from './dashboard/server.js';
import { type HttpLoad, httpLoad, splitHttpLoad } from './ingest/httpLoad.js';
import type { Encoding, PayloadSet, SignalKind } from './ingest/payloads.js';
import { httpMeasureOptions, ingestSections, loadIngestInputs } from './ingest/setup.js';

/** Client connections in all, for one instance and for the two together (half each). */
const CONNECTIONS = 8;
const INSTANCES = 2;
/** `--flag cluster-sqlite`: one SQLite file per instance instead of a shared PostgreSQL database. */
const SQLITE_FLAG = 'cluster-sqlite';

type StoreKind = 'postgresql' | 'sqlite';

/** What the machine did while one sample of a contestant ran. */
interface Usage {
  readonly wallSeconds: number;
  /** This process: the load generator. */
  readonly clientCpuSeconds: number;
  /** All cores together, every process (PostgreSQL, Redis and neighbours included). */
  readonly machineBusySeconds: number;
}

interface Deployment {
  readonly name: string;
  readonly load: HttpLoad;
  readonly usage: Usage[];
}

interface Section {
  readonly signal: SignalKind;
  readonly encoding: Encoding;
  readonly set: PayloadSet;
  readonly services: readonly (readonly string[])[];
  readonly split: readonly PayloadSet[];
  readonly one: Deployment;
  readonly two: Deployment;
  readonly measurements: readonly Measurement[];
  readonly repetitions: number;
}

/** The load's loop, with this process's and the machine's CPU time recorded around every call. */
function observed(deployment: Deployment, beforeSample: () => Promise<void>): Contestant {
  return {
    name: deployment.name,
    beforeSample,
    loop: async (n) => {
      const client = process.cpuUsage();
      const machine = machineCpuSeconds();
      const start = process.hrtime.bigint();
      await deployment.load.loop(n);
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const used = process.cpuUsage(client);
      deployment.usage.push({
        wallSeconds,
        clientCpuSeconds: (used.user + used.system) / 1e6,
        machineBusySeconds: machineCpuSeconds().busy - machine.busy,
      });
    },
  };
}

/** Untimed, before every sample: the dashboards have written what earlier samples left in their store queues. */
async function drained(dashboards: readonly BenchDashboard[], log: (message: string) => void): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const depths = await Promise.all(dashboards.map(async (d) => (await health(d.url)).ingestQueueDepth));
    if (depths.every((depth) => depth === 0)) return;
    if (Date.now() > deadline) {
      log(`  store queues not empty after 10 s (${depths.join(', ')} rows); sampling anyway`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Per measured repetition: items/s of a deployment (its own item count, over the time measureInterleaved took). */
function rates(section: Section, deployment: Deployment): number[] {
  const measurement = section.measurements.find((m) => m.name === deployment.name)!;
  const samples = deployment.load.samples.slice(-section.repetitions);
  return measurement.samples.map((nsPerCall, i) => {
    const sample = samples[i]!;
    return (sample.items * 1e9) / (nsPerCall * sample.requests);
  });
}

/** Per measured repetition: CPU seconds per wall second of each instance, the client and the machine. */
function cores(section: Section, deployment: Deployment) {
  const samples = deployment.load.samples.slice(-section.repetitions);
  const usage = deployment.usage.slice(-section.repetitions);
  const instances = samples[0]!.targets.map((_, t) =>
    summarize(samples.map((s, i) => s.targets[t]!.serverCpuSeconds / usage[i]!.wallSeconds)),
  );
  return {
    instances,
    itemsPerServerCpuSecond: summarize(samples.map((s) => s.items / Math.max(s.serverCpuSeconds, 0.01))),
    client: summarize(usage.map((u) => u.clientCpuSeconds / u.wallSeconds)),
    machine: summarize(usage.map((u) => u.machineBusySeconds / u.wallSeconds)),
    /** Busy cores not accounted for by the dashboards or the client: PostgreSQL, Redis, neighbours. */
    other: summarize(
      usage.map((u, i) => (u.machineBusySeconds - u.clientCpuSeconds - samples[i]!.serverCpuSeconds) / u.wallSeconds),
    ),
  };
}

function ratios(section: Section): Summary {
  const one = rates(section, section.one);
  const two = rates(section, section.two);
  return summarize(two.map((rate, i) => rate / one[i]!));
}

function title(section: Pick<Section, 'signal' | 'encoding'>): string {
  return `${section.signal} · OTLP/${section.encoding === 'json' ? 'JSON' : 'protobuf'}`;
}

function sectionTable(section: Section): Table {
  const unit = section.signal === 'traces' ? 'spans' : 'points';
  const one = summarize(rates(section, section.one));
  const ratio = ratios(section);
  const cells = (deployment: Deployment, rate: Summary, vsOne: string) => {
    const cpu = cores(section, deployment);
    return [
      deployment.name,
      formatNumber(rate.median),
      formatRange(rate.p25, rate.p75),
      formatRange(rate.min, rate.max),
      vsOne,
      cpu.instances.map((s) => s.median.toFixed(2)).join(' + '),
      formatNumber(cpu.itemsPerServerCpuSecond.median),
      cpu.client.median.toFixed(2),
      `${cpu.machine.median.toFixed(2)} of ${availableParallelism()}`,
      Math.max(0, cpu.other.median).toFixed(2),
    ];
  };
  const refused = [section.one, section.two]
    .flatMap((d) => [...d.load.refused].map(([status, count]) => `${d.name}: ${count}× ${status}`))
    .join(', ');
  return {
    title: `Cluster ingest · ${title(section)}`,
    columns: [
      'deployment',
      `${unit}/s`,
      'IQR',
      'min–max',
      '÷ one',
      'dashboard CPU (cores)',
      `${unit}/dashboard CPU-s`,
      'client CPU',
      'machine busy',
      'other',
    ],
    rows: [
      cells(section.one, one, '1.00×'),
      cells(section.two, summarize(rates(section, section.two)), formatRatio(ratio.median)),
    ],
    notes: [
      `split by service: ${section.services
        .map(
          (services, i) =>
            `instance ${i + 1} ← ${services.join(', ')} (${section.split[i]!.payloads.length} bodies, ${formatNumber(section.split[i]!.itemsPerPayload)} ${unit} each)`,
        )
        .join('; ')}`,
      `÷ one: median over repetitions of (two-instance rate ÷ one-instance rate in the same repetition); IQR of that ratio ${formatRange(ratio.p25, ratio.p75)}`,
      ...(refused ? [`refused answers (counted as requests): ${refused}`] : []),
    ],
  };
}

export const clusterSuite: Suite = {
  name: 'cluster',
  description: 'ingest throughput: two dashboard instances (Redis, shared store, split by service) ÷ one',
  async run(options: SuiteOptions) {
    const measure = httpMeasureOptions(options);
    const storeKind: StoreKind = options.flags.has(SQLITE_FLAG) ? 'sqlite' : 'postgresql';
    const { decoders, payloads } = await loadIngestInputs(options);

    // Everything started is stopped in reverse order, also when a step fails; a
    // process exit before that (an uncaught error) still kills the dashboards.
    const cleanups: (() => Promise<unknown>)[] = [];
    const dashboardPids = new Set<number>();
    const killDashboards = () => {
      for (const pid of dashboardPids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    };
    process.once('exit', killDashboards);
    const start = async (env: Record<string, string>, databaseUrl: string) => {
      const dashboard = await startBenchDashboard(env, { databaseUrl });
      dashboardPids.add(dashboard.pid);
      cleanups.push(async () => {
        await dashboard.stop();
        dashboardPids.delete(dashboard.pid);
      });
      return dashboard;
    };
    const loads: HttpLoad[] = [];
    try {
      options.log(`  starting Redis, the ${storeKind} store and ${1 + INSTANCES} dashboards…`);
      const redis = await startRedis();
      cleanups.push(() => redis.stop());
      const databaseUrls: { one: string; cluster: string[] } = { one: '', cluster: [] };
      if (storeKind === 'postgresql') {
        const postgres: ThrowawayPostgres = await startPostgres();
        cleanups.push(() => postgres.stop());
        databaseUrls.one = await postgres.createDatabase('faultline_one');
        const shared = await postgres.createDatabase('faultline_cluster');
        databaseUrls.cluster = Array.from({ length: INSTANCES }, () => shared);
      } else {
        const files = Array.from({ length: 1 + INSTANCES }, () => tempDatabaseUrl());
        cleanups.push(async () => {
          for (const url of files) rmSync(path.dirname(fileURLToPath(url)), { recursive: true, force: true });
        });
        databaseUrls.one = files[0]!;
        databaseUrls.cluster = files.slice(1);
      }
      const single = await start({ FAULTLINE_INSTANCE_ID: 'bench-single' }, databaseUrls.one);
      const cluster: BenchDashboard[] = [];
      for (const [i, databaseUrl] of databaseUrls.cluster.entries())
        cluster.push(
          await start({ REDIS_URL: redis.url, FAULTLINE_INSTANCE_ID: `bench-cluster-${i + 1}` }, databaseUrl),
        );
      const everyDashboard = [single, ...cluster];
      const beforeSample = () => drained(everyDashboard, options.log);

      const sections: Section[] = [];
      const loadAverages: number[][] = [loadavg()];
      for (const [signal, encoding] of ingestSections(options)) {
        const set = payloads[signal][encoding];
        const partition = partitionByService(set, decoders, INSTANCES);
        const one: Deployment = {
          name: `one instance, ${CONNECTIONS} connections`,
          load: httpLoad(single.url, set, CONNECTIONS, () => cpuSeconds(single.pid)),
          usage: [],
        };
        const two: Deployment = {
          name: `${INSTANCES} instances, ${Array(INSTANCES)
            .fill(CONNECTIONS / INSTANCES)
            .join(' + ')} connections`,
          load: splitHttpLoad(
            cluster.map((dashboard, i) => ({
              endpoint: dashboard.url,
              set: partition.sets[i]!,
              connections: CONNECTIONS / INSTANCES,
              serverCpuSeconds: () => cpuSeconds(dashboard.pid),
            })),
          ),
          usage: [],
        };
        loads.push(one.load, two.load);
        options.log(`  ${signal} ${encoding}`);
        const measurements = await measureInterleaved(
          [observed(one, beforeSample), observed(two, beforeSample)],
          measure,
        );
        loadAverages.push(loadavg());
        sections.push({
          signal,
          encoding,
          set,
          services: partition.services,
          split: partition.sets,
          one,
          two,
          measurements,
          repetitions: measure.repetitions,
        });
      }
      const after = await Promise.all(everyDashboard.map((d) => health(d.url)));
      const tables = sections.map(sectionTable);
      tables.push(summaryTable(sections));
      tables.push({
        title: 'Cluster ingest · configuration',
        columns: [],
        rows: [],
        notes: [
          `store: ${
            storeKind === 'postgresql'
              ? 'one throwaway PostgreSQL server (fsync off); the single instance on its own database, the two instances sharing another'
              : `one SQLite file per instance (--flag ${SQLITE_FLAG})`
          }; Redis: one throwaway redis-server, REDIS_URL set for the two instances only (socket.io Redis adapter, per-second peer rollup sync, alert lease)`,
          `dashboards: child processes (node --import tsx server/main.ts, API only), one JS thread each, all ${1 + INSTANCES} running throughout; the client posts from this process, ${CONNECTIONS} keep-alive connections in all (${CONNECTIONS / INSTANCES} per instance for the two)`,
          "each sample sends a fixed number of bodies split in proportion to the connections, so the service mix is the same in both deployments: a sample of the two ends when the slower instance has answered its share. Bodies are those of the ingest suite (the SDK's real exporters); a body holds one service's resource and goes whole to that service's instance",
          'dashboard CPU: CPU-seconds per wall-second of each instance (from /proc) during the measured samples; client CPU: this process (the load generator); machine busy: all cores, every process (/proc/stat); other: machine busy minus the dashboards and the client, i.e. PostgreSQL, Redis and whatever else runs on the machine (all in cores, medians). Two instances can only gain where the one instance is at ≈ 1 core and the machine has a core to spare',
          `load average (1 min) before and after each section: ${loadAverages.map((l) => l[0]!.toFixed(2)).join(' → ')}`,
          `after the run, /api/health ingestQueueDepth: ${after.map((h) => h.ingestQueueDepth).join(', ')} (single, instance 1, instance 2)`,
        ],
      });
      const checks: Check[] = sections.map((section) => ({
        target: `ingest throughput, two instances ÷ one on this machine, ${title(section)} (issue 8; report, no threshold)`,
        measured: formatRatio(ratios(section).median),
        met: 'reported',
      }));
      return { tables, checks, data: { storeKind, sections: sections.map(sectionData), loadAverages } };
    } finally {
      for (const load of loads) load.close();
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (err) {
          options.log(`  cleanup failed: ${String(err)}`);
        }
      }
      process.off('exit', killDashboards);
    }
  },
};

function summaryTable(sections: readonly Section[]): Table {
  return {
    title: 'Cluster ingest · two instances ÷ one (same machine)',
    columns: ['section', 'one /s', 'two /s', 'two ÷ one', 'IQR', 'min–max'],
    rows: sections.map((section) => {
      const ratio = ratios(section);
      return [
        title(section),
        formatNumber(summarize(rates(section, section.one)).median),
        formatNumber(summarize(rates(section, section.two)).median),
        formatRatio(ratio.median),
        formatRange(ratio.p25, ratio.p75),
        formatRange(ratio.min, ratio.max),
      ];
    }),
    notes: ['medians over the measured repetitions; the ratio is paired per repetition (the two ran back to back)'],
  };
}

function sectionData(section: Section) {
  return {
    signal: section.signal,
    encoding: section.encoding,
    services: section.services,
    itemsPerPayload: section.set.itemsPerPayload,
    rates: { one: rates(section, section.one), two: rates(section, section.two) },
    ratio: ratios(section),
    cores: { one: cores(section, section.one), two: cores(section, section.two) },
    samples: {
      one: { load: section.one.load.samples, usage: section.one.usage },
      two: { load: section.two.load.samples, usage: section.two.usage },
    },
    refused: { one: Object.fromEntries(section.one.load.refused), two: Object.fromEntries(section.two.load.refused) },
    measurements: section.measurements,
  };
}
