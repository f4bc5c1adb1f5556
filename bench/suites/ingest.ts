/**
 * Ingest throughput of the dashboard (issue 3, "Performance"): spans/s and
 * metric points/s for OTLP/JSON and OTLP/protobuf through the real HTTP path
 * — a dashboard child process, several keep-alive connections — each against
 * the bare cost of decoding the same bodies in this process, measured
 * interleaved in the same run.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Contestant, type Measurement, measureInterleaved, pairedRatio } from '../lib/interleave.js';
import { syncLoop } from '../lib/loops.js';
import { formatNumber, formatRange, formatRatio, median } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';
import { cpuSeconds, health, startBenchDashboard } from './dashboard/server.js';
import { decodeBody, type IngestDecoders } from './ingest/decoders.js';
import { type GenericProtobufDecoder, genericProtobufDecoder } from './ingest/genericProtobuf.js';
import { startHandlerOnlyServer } from './ingest/handlerOnlyServer.js';
import { type HttpLoad, httpLoad } from './ingest/httpLoad.js';
import {
  type Encoding,
  GUARDS_PER_SERVICE,
  type PayloadSet,
  type Payloads,
  type SignalKind,
  SPANS_PER_PAYLOAD,
} from './ingest/payloads.js';
import { httpMeasureOptions, ingestSections, loadIngestInputs } from './ingest/setup.js';

/** Concurrent keep-alive connections posting to the dashboard. */
const CONNECTIONS = 8;
/** The share of the bare-decode rate the full path must keep (issue 3). */
const SHARE_TARGET = 0.5;
const SPANS_PER_CORE_TARGET = 50_000;

const NAMES = {
  jsonParse: 'JSON.parse (bare)',
  protobufDecode: 'protobuf decode (bare: protobufjs)',
  jsonDecoder: "server decoder (the dashboard's own)",
  protobufDecoder: "server decoder (the dashboard's own)",
  http: `HTTP → dashboard, ${CONNECTIONS} connections`,
  floor: `HTTP → handler only (decode, no model/store), ${CONNECTIONS} conn.`,
} as const;

/** The baseline of each encoding, as the targets name it. */
const BASELINE_LABEL: Record<Encoding, string> = { json: 'JSON.parse', protobuf: 'protobufjs decode' };

/** One section of the suite: a set of bodies of one signal and encoding. */
interface Run {
  readonly signal: SignalKind;
  readonly encoding: Encoding;
  /** Metric exports of several services per request, as a Collector forwards them (reported, no target). */
  readonly batched: boolean;
  readonly set: PayloadSet;
}

interface Section extends Run {
  readonly baseline: string;
  readonly measurements: Measurement[];
  readonly load: HttpLoad;
  readonly serverItemsPerCpuSecond: number;
  readonly floorItemsPerCpuSecond: number;
}

/** Every signal × encoding, then the Collector-batched metrics (`--grep` matches e.g. `metrics batched json`). */
function runsOf(options: SuiteOptions, payloads: Payloads): Run[] {
  const batched = (['json', 'protobuf'] as const).filter(
    (encoding) => !options.grep || options.grep.test(`metrics batched ${encoding}`),
  );
  return [
    ...ingestSections(options).map(([signal, encoding]) => ({
      signal,
      encoding,
      batched: false,
      set: payloads[signal][encoding],
    })),
    ...batched.map((encoding) => ({
      signal: 'metrics' as const,
      encoding,
      batched: true,
      set: payloads.metricsBatched[encoding],
    })),
  ];
}

/** A loop over the bodies of a set, one body per call, each call doing `work` on it. */
function perBody(label: string, set: PayloadSet, work: (body: Buffer) => unknown): Contestant {
  let next = 0;
  const bodies = set.payloads.map((p) => p.body);
  return { name: label, loop: syncLoop(label, () => work(bodies[next++ % bodies.length]!)) };
}

/**
 * The bare decode (the baseline: a generic decoder into a message tree, no
 * walk into the model's items) and the server's own decoder, which is the
 * first step of the dashboard row. The protobuf baseline is protobufjs, as
 * `JSON.parse` is for JSON: with the server's decoder as the baseline, every
 * gain in that decoder would lower the share the dashboard keeps of it.
 */
function decodeContestants(set: PayloadSet, decoders: IngestDecoders, generic: GenericProtobufDecoder): Contestant[] {
  const traces = set.signal === 'traces';
  if (set.encoding === 'json') {
    return [
      perBody(NAMES.jsonParse, set, (body) => JSON.parse(body.toString('utf8'))),
      perBody(NAMES.jsonDecoder, set, traces ? decoders.decodeTracesJson : decoders.decodeMetricsJson),
    ];
  }
  return [
    perBody(NAMES.protobufDecode, set, generic.decode),
    perBody(NAMES.protobufDecoder, set, traces ? decoders.decodeTracesProtobuf : decoders.decodeMetricsProtobuf),
  ];
}

/** Every decoder must read every body whole, or the comparison is not like for like. */
function checkBodies(set: PayloadSet, decoders: IngestDecoders, generic: GenericProtobufDecoder): void {
  for (const payload of set.payloads) {
    const batch = decodeBody(decoders, set.signal, set.encoding, payload.body);
    const items = batch.items.length;
    if (batch.rejected !== 0 || items !== payload.items) {
      throw new Error(
        `${set.encoding} ${set.signal}: the decoder kept ${items} of ${payload.items} items (${batch.rejected} rejected)`,
      );
    }
    const decoded = set.encoding === 'protobuf' ? generic.count(generic.decode(payload.body)) : payload.items;
    if (decoded !== payload.items) {
      throw new Error(`protobuf ${set.signal}: protobufjs decoded ${decoded} of ${payload.items} items`);
    }
  }
}

function rate(set: PayloadSet, nsPerBody: number): number {
  return (set.itemsPerPayload * 1e9) / nsPerBody;
}

function sectionTable(section: Section): Table {
  const { set } = section;
  const unit = set.signal === 'traces' ? 'spans' : 'points';
  const baseline = section.measurements.find((m) => m.name === section.baseline)!;
  const floor = section.measurements.find((m) => m.name === NAMES.floor)!;
  const http = section.measurements.find((m) => m.name === NAMES.http)!;
  const refused = [...section.load.refused].map(([status, count]) => `${count}× ${status}`).join(', ');
  return {
    title: `Ingest · ${set.signal}${section.batched ? ' (Collector batches)' : ''} · OTLP/${set.encoding === 'json' ? 'JSON' : 'protobuf'}`,
    columns: ['contestant', `${unit}/s`, 'IQR', 'min–max', 'µs/body', '÷ bare rate', `${unit}/s per server CPU-s`],
    rows: section.measurements.map((m) => [
      m.name,
      formatNumber(rate(set, m.summary.median)),
      formatRange(rate(set, m.summary.p75), rate(set, m.summary.p25)),
      formatRange(rate(set, m.summary.max), rate(set, m.summary.min)),
      formatNumber(m.summary.median / 1000),
      formatRatio(pairedRatio(baseline, m)),
      m.name === NAMES.http
        ? formatNumber(section.serverItemsPerCpuSecond)
        : m.name === NAMES.floor
          ? formatNumber(section.floorItemsPerCpuSecond)
          : '',
    ]),
    notes: [
      `${set.payloads.length} bodies of ${formatNumber(set.itemsPerPayload)} ${unit} (${formatNumber(set.bytesPerPayload / 1024)} KiB each), ${
        section.batched
          ? "each the SDK exporter's bodies of one collection round of every service, merged into one request"
          : `sent by the SDK's real OTLP ${set.encoding} exporter to a capture server and replayed`
      }`,
      `÷ bare rate: median over repetitions of (bare time ÷ contestant time) in the same repetition, i.e. the share of the bare-decode rate kept; ${unit}/s per server CPU-s: ${unit} accepted per second of dashboard CPU (all its threads, from /proc) during the measured samples`,
      `handler only: the dashboard's OTLP handler alone in a child process, acknowledging and dropping every decoded batch — Node's HTTP, body reading and decoding, the floor under the dashboard row; dashboard ÷ handler only = ${formatRatio(pairedRatio(floor, http))} (what the model, journal and store keep of the floor)`,
      ...(refused ? [`refused answers (counted as requests): ${refused}`] : []),
    ],
  };
}

export const ingestSuite: Suite = {
  name: 'ingest',
  description: 'dashboard OTLP ingest: spans/s and points/s, JSON and protobuf, HTTP path vs bare decode',
  async run(options: SuiteOptions) {
    const measure = httpMeasureOptions(options);
    const { decoders, payloads } = await loadIngestInputs(options);
    const dashboard = await startBenchDashboard();
    const handlerOnly = await startHandlerOnlyServer();
    const loads: HttpLoad[] = [];
    const sections: Section[] = [];
    const loadAverages: number[][] = [loadavg()];
    try {
      for (const run of runsOf(options, payloads)) {
        const { signal, encoding, batched, set } = run;
        const generic = genericProtobufDecoder(signal);
        checkBodies(set, decoders, generic);
        const load = httpLoad(dashboard.url, set, CONNECTIONS, () => cpuSeconds(dashboard.pid));
        const floorLoad = httpLoad(handlerOnly.url, set, CONNECTIONS, () => cpuSeconds(handlerOnly.pid));
        loads.push(load, floorLoad);
        options.log(`  ${signal}${batched ? ' batched' : ''} ${encoding}`);
        const measurements = await measureInterleaved(
          [
            ...decodeContestants(set, decoders, generic),
            { name: NAMES.floor, loop: floorLoad.loop },
            { name: NAMES.http, loop: load.loop },
          ],
          measure,
        );
        loadAverages.push(loadavg());
        const perCpuSecond = (l: HttpLoad) =>
          median(
            l.samples
              .slice(-measure.repetitions)
              .map((s) => (s.requests * set.itemsPerPayload) / Math.max(s.serverCpuSeconds, 0.01)),
          );
        const serverItemsPerCpuSecond = perCpuSecond(load);
        const floorItemsPerCpuSecond = perCpuSecond(floorLoad);
        sections.push({
          ...run,
          baseline: encoding === 'json' ? NAMES.jsonParse : NAMES.protobufDecode,
          measurements,
          load,
          serverItemsPerCpuSecond,
          floorItemsPerCpuSecond,
        });
      }
      const after = await health(dashboard.url);
      const tables = sections.map(sectionTable);
      tables.push({
        title: 'Ingest · configuration',
        columns: [],
        rows: [],
        notes: [
          `dashboard: a child process (node --import tsx server/main.ts, API only, fresh SQLite file), one JS thread; the client posts from this process over ${CONNECTIONS} keep-alive connections`,
          `spans: CLIENT calls of 6 services with peer.service, resilience.outcome (90 % success, the rest failure/timeout/short-circuited/rejected with status and exception), breaker and bulkhead attributes; ${SPANS_PER_PAYLOAD} per body (the BatchSpanProcessor's batch size)`,
          `metrics: per service ${GUARDS_PER_SERVICE} breakers and ${GUARDS_PER_SERVICE} bulkheads — the call-duration histogram per dependency and outcome, breaker state (one series per state), failure/slow-call rates, transitions, bulkhead gauges, rejections, queue-wait histogram, in-flight gauge; successive cumulative collections`,
          `metrics (Collector batches): the same exports, one request per collection round holding every service's export of that round (as a Collector's batch processor forwards them); reported only — the target is checked on the exporters' own requests above`,
          `load average (1 min) before and after each section: ${loadAverages.map((l) => l[0]!.toFixed(2)).join(' → ')}; the client, the server and the bare-decode loop share the machine, so compare ratios`,
          `dashboard after the run: /api/health ingestQueueDepth ${after.ingestQueueDepth}`,
        ],
      });
      return { tables, checks: checks(sections), data: { sections: sections.map(sectionData), loadAverages } };
    } finally {
      for (const load of loads) load.close();
      await handlerOnly.stop();
      await dashboard.stop();
      rmSync(path.dirname(fileURLToPath(dashboard.databaseUrl)), { recursive: true, force: true });
    }
  },
};

function checks(sections: readonly Section[]): Check[] {
  const out: Check[] = [];
  for (const section of sections) {
    const baseline = section.measurements.find((m) => m.name === section.baseline)!;
    const http = section.measurements.find((m) => m.name === NAMES.http)!;
    const share = pairedRatio(baseline, http);
    // The share of the server's own decoder is printed beside the target's: the stricter figure.
    const own = section.measurements.find((m) => m.name === NAMES.protobufDecoder);
    const ownShare = own ? `; ${(pairedRatio(own, http) * 100).toFixed(0)} % of the server decoder's` : '';
    const measured = `${(share * 100).toFixed(0)} % (${formatNumber(rate(section.set, http.summary.median))} vs ${formatNumber(rate(section.set, baseline.summary.median))}/s${ownShare})`;
    if (section.batched) {
      out.push({
        target: `metrics ${section.encoding}, Collector batches of ${formatNumber(section.set.itemsPerPayload)} points: share of the ${BASELINE_LABEL[section.encoding]} rate kept`,
        measured,
        met: 'reported',
      });
      continue;
    }
    out.push({
      target: `${section.signal} ${section.encoding}: HTTP ingest keeps ≥ ${SHARE_TARGET * 100} % of the ${BASELINE_LABEL[section.encoding]} rate`,
      measured,
      met: share >= SHARE_TARGET,
    });
  }
  const json = sections.find((s) => s.signal === 'traces' && s.encoding === 'json');
  if (json) {
    out.push({
      target: `traces json: ≥ ${formatNumber(SPANS_PER_CORE_TARGET)} spans/s on one core (spans per dashboard CPU-second)`,
      measured: `${formatNumber(json.serverItemsPerCpuSecond)} spans/CPU-s (wall clock ${formatNumber(
        rate(json.set, json.measurements.find((m) => m.name === NAMES.http)!.summary.median),
      )}/s)`,
      met: json.serverItemsPerCpuSecond >= SPANS_PER_CORE_TARGET,
    });
  }
  return out;
}

function sectionData(section: Section) {
  return {
    signal: section.signal,
    encoding: section.encoding,
    batched: section.batched,
    itemsPerPayload: section.set.itemsPerPayload,
    bytesPerPayload: section.set.bytesPerPayload,
    serverItemsPerCpuSecond: section.serverItemsPerCpuSecond,
    floorItemsPerCpuSecond: section.floorItemsPerCpuSecond,
    serverSamples: section.load.samples,
    refused: Object.fromEntries(section.load.refused),
    measurements: section.measurements,
  };
}
