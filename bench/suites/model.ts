/**
 * The dashboard's model at the scale of issues 4 and 9: 2 000 services and
 * 10 000 edges (`largeIncident`, the deepest layer's first service failing).
 * Times `buildTopology` (rollups → map, cascade analysis included),
 * `analyzeCascade` on its own and the what-if walk (`whatIf`), interleaved with
 * two baselines measured in the same repetitions: a plain breadth-first walk
 * upstream over the same edge list (what the what-if must do at least) and
 * `JSON.stringify` of the built topology (what shipping it to a browser costs).
 *
 * The model is compiled with bundler resolution (extensionless imports) and
 * the bench with NodeNext, so its modules are imported through computed URLs
 * (tsx resolves them at run time) and typed here by what the suite uses.
 */
import { loadavg } from 'node:os';
import { type Contestant, type Measurement, measureInterleaved, pairedRatio } from '../lib/interleave.js';
import { syncLoop } from '../lib/loops.js';
import { formatNumber, formatRange, formatRatio } from '../lib/stats.js';
import type { Check, Suite, SuiteOptions, Table } from '../lib/suite.js';

interface EdgeRollup {
  readonly source: string;
  readonly target: string;
}
interface RollupBatch {
  readonly edges: readonly EdgeRollup[];
}
interface Topology {
  readonly services: readonly { readonly name: string; readonly health: string }[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
  readonly cascade: { readonly rootCauses: readonly string[]; readonly blastRadius: readonly string[] };
}
interface WhatIf {
  readonly predicted: readonly string[];
  readonly unprotected: readonly string[];
}

interface ModelModules {
  largeIncident(bucket: number, services: number, edges: number): RollupBatch;
  buildTopology(rollups: RollupBatch, options: { atMs: number; windowSeconds: number }): Topology;
  analyzeCascade(input: Topology): Topology['cascade'];
  whatIf(topology: Topology, failing: string): WhatIf;
}

const MODEL_DIR = new URL('../../apps/dashboard/server/model/', import.meta.url);

async function loadModel(): Promise<ModelModules> {
  const [reference, topology, cascade] = await Promise.all([
    import(new URL('referenceTopology.ts', MODEL_DIR).href),
    import(new URL('topology.ts', MODEL_DIR).href),
    import(new URL('cascade.ts', MODEL_DIR).href),
  ]);
  return { ...reference, ...topology, ...cascade } as ModelModules;
}

const SERVICES = 2000;
const EDGES = 10_000;
const BUCKET = 1_700_000_000_000;
/** `largeIncident`'s failing service: the first of its deepest layer (layer 9). */
const FAILING = 'svc-9-0';
const TARGET_MS = 50;

/** Every transitive caller of `failing`: an index of incoming edges, then a queue. No containment, no sentence. */
function plainUpstreamBfs(edges: readonly { readonly source: string; readonly target: string }[], failing: string) {
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    const list = incoming.get(e.target);
    if (list) list.push(e.source);
    else incoming.set(e.target, [e.source]);
  }
  const seen = new Set<string>([failing]);
  const queue = [failing];
  for (let q = 0; q < queue.length; q++) {
    for (const caller of incoming.get(queue[q]!) ?? []) {
      if (seen.has(caller)) continue;
      seen.add(caller);
      queue.push(caller);
    }
  }
  return queue.length - 1;
}

const ms = (ns: number) => ns / 1e6;

export const modelSuite: Suite = {
  name: 'model',
  description: 'topology build, cascade analysis and what-if walk on 2 000 services / 10 000 edges (issues 4, 9)',
  async run(options: SuiteOptions) {
    const model = await loadModel();
    const batch = model.largeIncident(BUCKET, SERVICES, EDGES);
    const opts = { atMs: BUCKET + 5000, windowSeconds: 60 };
    const topology = model.buildTopology(batch, opts);
    const what = model.whatIf(topology, FAILING);
    const bfsCallers = plainUpstreamBfs(topology.edges, FAILING);
    if (bfsCallers !== what.unprotected.length)
      throw new Error(
        `baseline BFS found ${bfsCallers} callers, whatIf's unprotected radius ${what.unprotected.length}`,
      );

    const contestants: Contestant[] = [
      {
        name: 'buildTopology (incl. cascade)',
        loop: syncLoop('buildTopology', () => model.buildTopology(batch, opts)),
      },
      { name: 'analyzeCascade', loop: syncLoop('analyzeCascade', () => model.analyzeCascade(topology)) },
      { name: `whatIf(${FAILING})`, loop: syncLoop('whatIf', () => model.whatIf(topology, FAILING)) },
      {
        name: 'baseline: plain upstream BFS',
        loop: syncLoop('plain BFS', () => plainUpstreamBfs(topology.edges, FAILING)),
      },
      { name: 'baseline: JSON.stringify(topology)', loop: syncLoop('stringify', () => JSON.stringify(topology)) },
    ];
    const loadBefore = loadavg();
    const measured = await measureInterleaved(
      contestants,
      options.quick
        ? { repetitions: 5, warmupRepetitions: 2, sampleMs: 50, log: options.log }
        : { repetitions: 9, warmupRepetitions: 3, sampleMs: 200, log: options.log },
    );
    const loadAfter = loadavg();
    const [build, cascade, whatIf, bfs, stringify] = measured as [
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
    ];

    const rows = measured.map((m) => [
      m.name,
      formatNumber(ms(m.summary.median)),
      formatRange(ms(m.summary.p25), ms(m.summary.p75)),
      formatRange(ms(m.summary.min), ms(m.summary.max)),
      formatRatio(pairedRatio(m, bfs)),
      formatRatio(pairedRatio(m, stringify)),
      String(m.callsPerSample),
    ]);
    const failing = topology.services.filter((s) => s.health !== 'healthy').length;
    const table: Table = {
      title: `Model at ${topology.services.length} services / ${topology.edges.length} edges`,
      columns: ['operation', 'ms/call', 'IQR', 'min–max', '× plain BFS', '× JSON.stringify', 'calls/sample'],
      rows,
      notes: [
        `largeIncident(B, ${SERVICES}, ${EDGES}): 10 layers, callers in layer k call layer k + 1; ${FAILING} times out (90 %). Window 60 s.`,
        `Result: root causes [${topology.cascade.rootCauses.join(', ')}], blast radius ${topology.cascade.blastRadius.length} services, ${failing} services not healthy; what-if ${FAILING}: ${what.predicted.length} predicted, ${what.unprotected.length} unprotected (the BFS baseline finds the same ${bfsCallers}).`,
        'ms/call = sample time ÷ calls in the sample (a full GC before each sample); × columns are medians of ratios paired by repetition.',
        `Load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
      ],
    };
    const checks: Check[] = [
      {
        target: `what-if walk on ${SERVICES} services / ${EDGES} edges < ${TARGET_MS} ms (issue 9)`,
        measured: `${formatNumber(ms(whatIf.summary.median))} ms (max ${formatNumber(ms(whatIf.summary.max))}; ${formatRatio(pairedRatio(whatIf, bfs))} plain BFS)`,
        met: ms(whatIf.summary.median) < TARGET_MS,
      },
      {
        target: `cascade analysis on ${SERVICES} services / ${EDGES} edges < ${TARGET_MS} ms (issue 4)`,
        measured: `${formatNumber(ms(cascade.summary.median))} ms (max ${formatNumber(ms(cascade.summary.max))}); whole buildTopology ${formatNumber(ms(build.summary.median))} ms`,
        met: ms(cascade.summary.median) < TARGET_MS,
      },
    ];
    return {
      tables: [table],
      checks,
      data: {
        services: topology.services.length,
        edges: topology.edges.length,
        loadBefore,
        loadAfter,
        measurements: measured,
      },
    };
  },
};
