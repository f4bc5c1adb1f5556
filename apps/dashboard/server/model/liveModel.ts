import type { IngestSpan, MetricBatch, MetricPoint, TraceBatch } from '../ingest/telemetry';
import {
  addCallAgg,
  type BreakerAcc,
  type BreakerEntity,
  type BreakerInstance,
  type BreakerSample,
  type Bucket,
  type BulkheadAcc,
  type BulkheadEntity,
  type BulkheadInstance,
  deriveBulkhead,
  type EdgeAcc,
  type EdgeEntity,
  type EntityType,
  emptyFields,
  newCallAgg,
  type ServiceAcc,
  type StoredTransition,
  setGauge,
} from './accumulators';
import { BoundedRegistry } from './boundedRegistry';
import { type CallGroup, CallGroups } from './callGroups';
import { CumulativeToDelta, type Delta, type Reading } from './cumulativeToDelta';
import { addCounts, toCanonical } from './latencyHistogram';
import { type BreakerMemo, type BulkheadMemo, MetricBatchMemo, settleBulkhead } from './metricBatchMemo';
import { mapMetric, type Signal } from './metricMapping';
import { PairKeys, SEP } from './pairKeys';
import { PairMap } from './pairMap';
import { breakerRollup, bulkheadRollup, edgeRollup, serviceRollup } from './rollupRecords';
import {
  type BreakerState,
  type BreakerTransition,
  bucketStart,
  emptyRollupBatch,
  ROLLUP_MS,
  type RollupBatch,
  type ServiceKind,
  worseState,
} from './rollups';
import { SeriesKeys } from './seriesKeys';
import { type SpanObservation, SpanPairing } from './spanPairing';

/** Caps that keep the model's memory bounded; beyond them the least recently seen entry is dropped and counted. */
export interface LiveModelLimits {
  /** Metric series states (cumulative → delta, per-instance gauges). */
  maxSeries: number;
  maxServices: number;
  maxEdges: number;
  maxBreakers: number;
  maxBulkheads: number;
  /** Client spans waiting for their server span (and unmatched server spans). */
  maxPendingSpans: number;
  /** Breaker transitions kept in memory. */
  maxTransitions: number;
}

export const DEFAULT_LIMITS: LiveModelLimits = {
  maxSeries: 200_000,
  maxServices: 10_000,
  maxEdges: 50_000,
  maxBreakers: 20_000,
  maxBulkheads: 20_000,
  maxPendingSpans: 100_000,
  maxTransitions: 20_000,
};

export interface LiveModelOptions {
  clock?: () => number;
  /** How long buckets stay in memory (default 1 h); older history comes from the store. */
  retentionInMemoryMs?: number;
  limits?: Partial<LiveModelLimits>;
  /** How long a client span without `peer.service` waits for its server span (default 5 s). */
  pairingWaitMs?: number;
}

/** Current state of one breaker, as the store's `latestBreakerStates` returns it. */
export interface BreakerStateSnapshot {
  name: string;
  service: string;
  dependency: string;
  state: BreakerState;
  atMs: number;
}

/** What changed since the previous `takeDelta()`: the 1-second live push. */
export interface ModelDelta {
  sinceMs: number;
  atMs: number;
  /** Bumped on every change; equal versions mean nothing changed. */
  version: number;
  services: string[];
  edges: { source: string; target: string }[];
  breakers: { service: string; name: string }[];
  bulkheads: { service: string; name: string }[];
  transitions: BreakerTransition[];
}

export interface LiveModelStats {
  series: number;
  services: number;
  edges: number;
  breakers: number;
  bulkheads: number;
  pendingSpans: number;
  buckets: number;
  transitions: number;
  /** Entries dropped because a cap was reached, and points too old for the in-memory window. */
  dropped: {
    series: number;
    services: number;
    edges: number;
    breakers: number;
    bulkheads: number;
    spans: number;
    transitions: number;
    late: number;
  };
  /** Metric points with names the model does not read. */
  ignoredPoints: number;
}

/** Longest interval one delta is spread over; beyond it the delta lands in the last 5 minutes. */
const MAX_SPREAD_MS = 5 * 60_000;
/** Saturation between two samples further apart than this is not assumed. */
const MAX_SATURATION_GAP_MS = 60_000;
/** A transition reported twice (gauge, counter, span event) within this window is one transition. */
/**
 * The gauge (sample time), the transitions counter (export time) and a span
 * event (exact time) report one transition a few seconds apart at most.
 */
const TRANSITION_DEDUP_MS = 5_000;
/** Instances of a breaker not seen for this long no longer decide its current state. */
const STALE_INSTANCE_MS = 5 * 60_000;
const MAX_INSTANCES_PER_ENTITY = 256;

const KIND_RANK: Record<ServiceKind, number> = { virtual: 0, database: 1, service: 2 };

/** The predecessor a "to" implies when a source (Polly) does not say where the breaker came from. */
function impliedFrom(to: BreakerState): BreakerState {
  if (to === 'open') return 'closed';
  if (to === 'half_open') return 'open';
  return 'half_open';
}

/**
 * The live resilience model: ingests decoded OTLP metrics and spans, keeps
 * 10-second rollup buckets for the in-memory window, and answers with
 * RollupBatch — the same shape the store persists, so `buildTopology` serves
 * live and historical views alike.
 *
 * Edges come from metrics (`resilience.call.duration`, resilience4j calls,
 * Polly pipeline durations) and from spans (see SpanPairing). Each bucket of
 * an edge keeps the two sources apart and reports metrics whenever a metric
 * point covered that bucket: metrics are unsampled, spans often are, and the
 * same calls must not count twice.
 *
 * Counter and histogram deltas cover an interval (previous point → this
 * point, or the delta point's own start → end); they are spread over the
 * buckets of that interval in proportion to time, so a 60 s export interval
 * yields six plausible buckets rather than one spike.
 */
export class LiveModel {
  private readonly clock: () => number;
  private readonly retentionMs: number;
  private readonly limits: LiveModelLimits;
  private readonly converter: CumulativeToDelta;
  private readonly pairing: SpanPairing;

  private readonly buckets = new Map<number, Bucket>();
  /** Interned `a SEP b` keys of edges, breakers and bulkheads. */
  private readonly pairKeys = new PairKeys(4 * (DEFAULT_LIMITS.maxEdges + DEFAULT_LIMITS.maxBreakers));
  /** Interned `service SEP instance SEP metric name` prefixes of series keys (`seriesKeys` adds the attributes). */
  private readonly seriesPrefixes = new PairKeys(2 * DEFAULT_LIMITS.maxSeries);
  /** Interned series keys (`prefix SEP attributesKey`) of metric points and per-instance gauges. */
  private readonly seriesKeys = new SeriesKeys(2 * DEFAULT_LIMITS.maxSeries);
  /** The last series prefix looked up, and what it was made of. */
  private prefixResource: MetricPoint['resource'] | null = null;
  private prefixName = '';
  private prefix = '';
  private readonly services: BoundedRegistry<{ kind: ServiceKind }>;
  private readonly edges: BoundedRegistry<EdgeEntity>;
  private readonly breakers: BoundedRegistry<BreakerEntity>;
  private readonly bulkheads: BoundedRegistry<BulkheadEntity>;

  private transitions: StoredTransition[] = [];
  private undrainedTransitions: StoredTransition[] = [];
  private readonly dirty = new Map<number, Record<EntityType, Set<string>>>();
  private changed: Record<EntityType, Set<string>> = emptyChangeSets();
  private changedTransitions: BreakerTransition[] = [];
  private lastDeltaMs: number;
  private versionCounter = 0;
  /** While true, touched buckets are not queued for the store (their owner persists them). */
  private adoptingRemote = false;
  private readonly listeners = new Set<(t: BreakerTransition) => void>();
  private lastPruneMs = 0;
  /** What the metric batch being ingested has resolved (see MetricBatchMemo); null between batches. */
  private batchMemo: MetricBatchMemo | null = null;
  private droppedLate = 0;
  private droppedTransitions = 0;
  private ignoredPoints = 0;

  constructor(options: LiveModelOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.retentionMs = options.retentionInMemoryMs ?? 3_600_000;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const now = this.clock();
    this.lastDeltaMs = now;
    this.converter = new CumulativeToDelta(this.limits.maxSeries, now);
    this.pairing = new SpanPairing(options.pairingWaitMs ?? 5000, this.limits.maxPendingSpans);
    this.services = new BoundedRegistry(this.limits.maxServices);
    this.edges = new BoundedRegistry(this.limits.maxEdges);
    this.breakers = new BoundedRegistry(this.limits.maxBreakers);
    this.bulkheads = new BoundedRegistry(this.limits.maxBulkheads);
  }

  // ─── ingest ────────────────────────────────────────────────────────────────

  ingestMetrics(batch: MetricBatch): void {
    const now = this.clock();
    this.maintain(now);
    const memo = new MetricBatchMemo();
    this.batchMemo = memo;
    try {
      this.ingestPoints(batch, now, memo);
    } finally {
      // The last snapshot of each bulkhead is complete once the batch is.
      memo.forget();
      this.batchMemo = null;
    }
    this.versionCounter++;
  }

  private ingestPoints(batch: MetricBatch, now: number, memo: MetricBatchMemo): void {
    const horizon = this.horizon(now);
    let resource: MetricPoint['resource'] | null = null;
    for (const p of batch.points) {
      const signal = mapMetric(p);
      if (signal === null) {
        this.ignoredPoints++;
        continue;
      }
      const service = p.resource.service;
      // An export's points share its resource: touch the service once per run of them.
      if (p.resource !== resource) {
        resource = p.resource;
        this.touchService(service, 'service');
      }
      const instance = p.resource.instance ?? '';
      if (signal.measure === 'gauge') {
        if (p.type !== 'gauge' && p.type !== 'sum') continue;
        const t = Math.min(p.timeMs, now);
        if (t < horizon) {
          this.droppedLate++;
          continue;
        }
        this.applyGauge(signal, p, service, instance, p.value, t, memo);
        continue;
      }
      const delta = this.delta(p, signal.measure, this.seriesKey(p, service, instance));
      if (delta === null) continue;
      this.applyDelta(signal, service, instance, delta, now);
    }
    for (const inst of memo.touched) this.evaluateSaturation(inst.key, inst.instance, inst, now);
  }

  ingestSpans(batch: TraceBatch): void {
    const now = this.clock();
    this.maintain(now);
    const out: SpanObservation[] = [];
    let resource: IngestSpan['resource'] | null = null;
    for (const span of batch.spans) {
      // The spans of a batch share a few resources: touch each service once per run of them.
      if (span.resource !== resource) {
        resource = span.resource;
        this.touchService(resource.service, 'service');
      }
      this.pairing.ingest(span, now, out);
    }
    this.pairing.expire(now, out);
    this.applySpanObservations(out, now);
    this.versionCounter++;
  }

  // ─── queries ───────────────────────────────────────────────────────────────

  /** Rollups of the in-memory buckets starting in [fromMs, toMs), and transitions with atMs in that range. */
  rollups(fromMs: number, toMs: number): RollupBatch {
    this.maintain(this.clock());
    const out = emptyRollupBatch();
    const starts = [...this.buckets.keys()].filter((s) => s >= fromMs && s < toMs).sort((a, b) => a - b);
    for (const start of starts) {
      const b = this.buckets.get(start) as Bucket;
      for (const [key, acc] of b.edges) out.edges.push(edgeRollup(start, key, acc, this.edges.get(key)));
      for (const [key, acc] of b.breakers) {
        const r = breakerRollup(start, key, acc, this.breakers.get(key));
        if (r) out.breakers.push(r);
      }
      for (const [key, acc] of b.bulkheads)
        out.bulkheads.push(bulkheadRollup(start, key, acc, this.bulkheads.get(key)));
      for (const [key, acc] of b.services)
        out.services.push(serviceRollup(start, key, acc, this.services.get(key)?.kind));
    }
    for (const s of this.transitions) if (s.t.atMs >= fromMs && s.t.atMs < toMs) out.transitions.push({ ...s.t });
    return out;
  }

  /** The buckets changed since the last drain (to upsert) and the transitions not yet handed out. */
  drainDirty(): RollupBatch {
    this.maintain(this.clock());
    const out = emptyRollupBatch();
    for (const [start, sets] of this.dirty) {
      const b = this.buckets.get(start);
      if (!b) continue;
      for (const key of sets.edges) {
        const acc = b.edges.get(key);
        if (acc) out.edges.push(edgeRollup(start, key, acc, this.edges.get(key)));
      }
      for (const key of sets.breakers) {
        const acc = b.breakers.get(key);
        const r = acc ? breakerRollup(start, key, acc, this.breakers.get(key)) : null;
        if (r) out.breakers.push(r);
      }
      for (const key of sets.bulkheads) {
        const acc = b.bulkheads.get(key);
        if (acc) out.bulkheads.push(bulkheadRollup(start, key, acc, this.bulkheads.get(key)));
      }
      for (const key of sets.services) {
        const acc = b.services.get(key);
        if (acc) out.services.push(serviceRollup(start, key, acc, this.services.get(key)?.kind));
      }
    }
    this.dirty.clear();
    for (const s of this.undrainedTransitions) {
      s.drained = true;
      out.transitions.push({ ...s.t });
    }
    this.undrainedTransitions = [];
    return out;
  }

  /** Current state of every known breaker (worst state among its live instances). */
  breakerStates(): BreakerStateSnapshot[] {
    const out: BreakerStateSnapshot[] = [];
    for (const e of this.breakers.values()) {
      let newest = 0;
      for (const i of e.instances.values()) newest = Math.max(newest, i.lastSeenMs);
      let state: BreakerState | null = null;
      let atMs = 0;
      for (const i of e.instances.values()) {
        if (i.state === null || i.lastSeenMs < newest - STALE_INSTANCE_MS) continue;
        state = worseState(state, i.state);
        atMs = Math.max(atMs, i.atMs);
      }
      if (state === null && e.restored) {
        state = e.restored.state;
        atMs = e.restored.atMs;
      }
      if (state !== null) out.push({ name: e.name, service: e.service, dependency: e.dependency, state, atMs });
    }
    return out;
  }

  /** Listen for breaker transitions; fired synchronously as they are ingested. Returns an unsubscribe function. */
  onBreakerTransition(listener: (t: BreakerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Monotonic counter bumped by every ingest and transition. */
  version(): number {
    return this.versionCounter;
  }

  /** What changed since the previous call (for the 1-second socket.io push). */
  takeDelta(): ModelDelta {
    const now = this.clock();
    this.maintain(now);
    const c = this.changed;
    const delta: ModelDelta = {
      sinceMs: this.lastDeltaMs,
      atMs: now,
      version: this.versionCounter,
      services: [...c.services],
      edges: [...c.edges].map((k) => {
        const [source = '', target = ''] = k.split(SEP);
        return { source, target };
      }),
      breakers: [...c.breakers].map(splitServiceName),
      bulkheads: [...c.bulkheads].map(splitServiceName),
      transitions: this.changedTransitions,
    };
    this.changed = emptyChangeSets();
    this.changedTransitions = [];
    this.lastDeltaMs = now;
    return delta;
  }

  /**
   * Rebuild after a restart from stored rollups (buckets inside the in-memory
   * window) and the last known breaker states. Restored buckets are a base
   * that new data adds to; they are not marked dirty (the store has them).
   */
  restore(batch: RollupBatch, breakerStates: readonly BreakerStateSnapshot[] = []): void {
    this.adoptBases(batch);
    for (const t of batch.transitions) this.storeTransition({ t: { ...t }, precision: 2, drained: true });
    for (const s of breakerStates) {
      const key = this.admitBreaker(s.service, s.name, s.dependency);
      const e = this.breakers.get(key);
      if (e) e.restored = { state: s.state, atMs: s.atMs };
    }
    this.dirty.clear();
    this.versionCounter++;
  }

  /**
   * Adopt rollups another dashboard instance ingested. In a cluster each
   * instance owns the services routed to it (the Collector's loadbalancing
   * exporter, `routing_key: service`), so a remote rollup replaces that key's
   * bucket like restored history does. Its owner persists it and has already
   * pushed its transitions to browsers, so nothing here is marked dirty and no
   * transition listener fires. Returns the keys this instance also ingested
   * itself (a routing mistake: the two partial buckets would overwrite each
   * other in the store).
   */
  mergeRemote(batch: RollupBatch): { collisions: string[] } {
    this.adoptingRemote = true;
    try {
      return this.adoptRemote(batch);
    } finally {
      this.adoptingRemote = false;
    }
  }

  private adoptRemote(batch: RollupBatch): { collisions: string[] } {
    const collisions = this.adoptBases(batch);
    for (const r of batch.breakers) {
      const e = this.breakers.get(this.admitBreaker(r.service, r.name, r.dependency));
      const atMs = r.bucketStartMs;
      if (e && (!e.restored || e.restored.atMs <= atMs)) e.restored = { state: r.state, atMs };
    }
    for (const t of batch.transitions) {
      this.storeTransition({ t: { ...t }, precision: 2, drained: true });
      const e = this.breakers.get(this.admitBreaker(t.service, t.name, t.dependency));
      if (e && (!e.restored || e.restored.atMs <= t.atMs)) e.restored = { state: t.to, atMs: t.atMs };
    }
    this.versionCounter++;
    return { collisions };
  }

  /** Set stored or remote rollups as bucket bases; returns the keys that also hold locally ingested data. */
  private adoptBases(batch: RollupBatch): string[] {
    const horizon = this.horizon(this.clock());
    const collisions: string[] = [];
    for (const r of batch.edges) {
      if (r.bucketStartMs < horizon) continue;
      const key = this.admitEdge(r.source, r.target, 'service');
      if (key === null) continue;
      const acc = this.edgeAcc(r.bucketStartMs, key);
      if (acc.metric || acc.span) collisions.push(`edge ${r.source} → ${r.target}`);
      acc.base = structuredClone(r);
    }
    for (const r of batch.services) {
      if (r.bucketStartMs < horizon) continue;
      this.touchService(r.service, r.kind);
      this.serviceAcc(r.bucketStartMs, r.service).base = { ...r };
    }
    for (const r of batch.breakers) {
      if (r.bucketStartMs < horizon) continue;
      const acc = this.breakerAcc(r.bucketStartMs, this.admitBreaker(r.service, r.name, r.dependency));
      if (acc.instances.size > 0) collisions.push(`breaker ${r.service}/${r.name}`);
      acc.base = { ...r };
    }
    for (const r of batch.bulkheads) {
      if (r.bucketStartMs < horizon) continue;
      const acc = this.bulkheadAcc(r.bucketStartMs, this.admitBulkhead(r.service, r.name, r.dependency));
      if (acc.instances.size > 0) collisions.push(`bulkhead ${r.service}/${r.name}`);
      acc.base = { ...r };
    }
    return collisions;
  }

  stats(): LiveModelStats {
    return {
      series: this.converter.size,
      services: this.services.size,
      edges: this.edges.size,
      breakers: this.breakers.size,
      bulkheads: this.bulkheads.size,
      pendingSpans: this.pairing.pending,
      buckets: this.buckets.size,
      transitions: this.transitions.length,
      dropped: {
        series: this.converter.evicted,
        services: this.services.evicted,
        edges: this.edges.evicted,
        breakers: this.breakers.evicted,
        bulkheads: this.bulkheads.evicted,
        spans: this.pairing.dropped,
        transitions: this.droppedTransitions,
        late: this.droppedLate,
      },
      ignoredPoints: this.ignoredPoints,
    };
  }

  // ─── metric signals ────────────────────────────────────────────────────────

  /** `service SEP instance SEP name SEP attributesKey`, interned (points of one metric share the prefix lookup). */
  private seriesKey(p: MetricPoint, service: string, instance: string): string {
    if (p.resource !== this.prefixResource || p.name !== this.prefixName) {
      this.prefixResource = p.resource;
      this.prefixName = p.name;
      this.prefix = this.seriesPrefixes.key(this.seriesPrefixes.key(service, instance), p.name);
    }
    return this.seriesKeys.key(this.prefix, p.attributes);
  }

  private delta(p: MetricPoint, measure: Signal['measure'], key: string): Delta | null {
    let reading: Reading;
    let temporality: 'delta' | 'cumulative' = 'cumulative';
    if (p.type === 'gauge') return null;
    if (p.type !== 'summary' && p.temporality === 'delta') temporality = 'delta';
    // An exporter retry (or replay) adds nothing: skip re-bucketing its histogram.
    if (temporality === 'cumulative' && this.converter.isStale(key, p.timeMs)) return null;
    if (measure === 'histogram') {
      const h = toCanonical(p);
      reading = { count: h.count, sumMs: h.sumMs, counts: 'value' in p ? null : h.counts };
    } else {
      reading = { count: 'value' in p ? p.value : p.count, sumMs: 0, counts: null };
    }
    return this.converter.convert(key, temporality, p.startTimeMs, p.timeMs, reading);
  }

  private applyDelta(signal: Signal, service: string, instance: string, d: Delta, now: number): void {
    switch (signal.kind) {
      case 'calls': {
        const key = this.admitEdge(service, signal.target, 'service');
        if (key === null) return;
        this.spread(d, now, (start, f) => {
          const acc = this.edgeAcc(start, key);
          acc.metric ??= newCallAgg();
          const agg = acc.metric;
          agg.calls += d.count * f;
          agg.outcomes[signal.outcome] += d.count * f;
          agg.sumMs += d.sumMs * f;
          if (d.counts) addCounts(agg.counts, d.counts, f);
          this.touchEdgeServices(start, service, signal.target);
        });
        return;
      }
      case 'retryAttempts': {
        const key = this.admitEdge(service, signal.target, 'service');
        if (key === null) return;
        this.spread(d, now, (start, f) => {
          const acc = this.edgeAcc(start, key);
          acc.metricAttempts = (acc.metricAttempts ?? 0) + d.count * f;
        });
        return;
      }
      case 'breakerTransitions': {
        if (d.count <= 0) return;
        const key = this.admitBreaker(service, signal.breaker, signal.dependency);
        const at = Math.min(d.endMs, now);
        this.recordTransition(key, instance, signal.from, signal.to, at, 1);
        return;
      }
      case 'bulkheadRejections': {
        const key = this.admitBulkhead(service, signal.bulkhead, signal.dependency);
        this.spread(d, now, (start, f) => {
          this.bulkheadAcc(start, key).rejections += d.count * f;
        });
        return;
      }
      default:
        return;
    }
  }

  private applyGauge(
    signal: Signal,
    p: MetricPoint,
    service: string,
    instance: string,
    value: number,
    t: number,
    memo: MetricBatchMemo,
  ): void {
    const start = bucketStart(t);
    switch (signal.kind) {
      case 'inflight': {
        const key = this.admitEdge(service, signal.target, 'service');
        if (key === null) return;
        const acc = this.edgeAcc(start, key);
        acc.inflight ??= new Map();
        setGauge(acc.inflight, this.seriesKeys.key(instance, p.attributes), value, t);
        this.touchEdgeServices(start, service, signal.target);
        return;
      }
      case 'activeRequests': {
        const acc = this.serviceAcc(start, service);
        acc.activeRequests ??= new Map();
        setGauge(acc.activeRequests, this.seriesKeys.key(instance, p.attributes), value, t);
        return;
      }
      case 'eventLoopUtilization': {
        const acc = this.serviceAcc(start, service);
        acc.eventLoopUtilization ??= new Map();
        setGauge(acc.eventLoopUtilization, instance, value, t);
        return;
      }
      case 'eventLoopDelayP99': {
        const acc = this.serviceAcc(start, service);
        acc.eventLoopDelayP99Ms ??= new Map();
        setGauge(acc.eventLoopDelayP99Ms, instance, value * signal.toMs, t);
        return;
      }
      case 'breakerState': {
        this.observeBreakerState(this.breakerMemo(memo, service, signal).key, instance, signal.state, t);
        return;
      }
      case 'breakerRate': {
        const m = this.breakerMemo(memo, service, signal);
        let sample = m.sample;
        if (sample === null || m.start !== start || m.instance !== instance) {
          sample = this.breakerSample(start, m.key, instance, service);
          m.sample = sample;
          m.start = start;
          m.instance = instance;
        }
        const rate = value < 0 ? null : value * signal.scale;
        if (signal.rate === 'failure') sample.failureRate = rate;
        else sample.slowCallRate = rate;
        return;
      }
      case 'bulkheadGauge': {
        const m = this.bulkheadMemo(memo, service, signal, instance);
        // A point of another snapshot (time) or bucket: the one being filled is complete.
        if (m.t !== t || m.start !== start) settleBulkhead(m);
        m.inst.fields[signal.field] = value;
        m.inst.lastPointMs = Math.max(m.inst.lastPointMs, t);
        if (m.sample === null) {
          const acc = this.bulkheadAcc(start, m.key, service);
          let sample = acc.instances.get(instance);
          if (!sample) {
            sample = { ...emptyFields(), activeMax: 0, queuedMax: 0 };
            acc.instances.set(instance, sample);
          }
          m.sample = sample;
          m.start = start;
          m.t = t;
        }
        memo.touched.add(m.inst);
        return;
      }
      default:
        return;
    }
  }

  /** The breaker of a gauge point, admitted once per batch. */
  private breakerMemo(
    memo: MetricBatchMemo,
    service: string,
    signal: { breaker: string; dependency: string },
  ): BreakerMemo {
    const known = memo.breakers.get(service, signal.breaker);
    if (known !== undefined && known.dependency === signal.dependency) return known;
    const key = this.admitBreaker(service, signal.breaker, signal.dependency);
    const m: BreakerMemo = { dependency: signal.dependency, key, start: 0, instance: '', sample: null };
    memo.breakers.set(service, signal.breaker, m);
    return m;
  }

  /** The bulkhead instance of a gauge point, admitted once per batch. */
  private bulkheadMemo(
    memo: MetricBatchMemo,
    service: string,
    signal: { bulkhead: string; dependency: string },
    instance: string,
  ): BulkheadMemo {
    const known = memo.bulkheads.get(service, signal.bulkhead);
    if (known !== undefined && known.dependency === signal.dependency && known.instance === instance) return known;
    if (known !== undefined) settleBulkhead(known);
    const key = this.admitBulkhead(service, signal.bulkhead, signal.dependency);
    const inst = this.bulkheadInstance(this.bulkheads.get(key) as BulkheadEntity, key, instance);
    const m: BulkheadMemo = { dependency: signal.dependency, key, instance, inst, start: 0, t: 0, sample: null };
    memo.bulkheads.set(service, signal.bulkhead, m);
    return m;
  }

  /**
   * Time saturated: a sample with active >= limit stands for the interval
   * since the previous sample of that instance (at most 60 s), split over the
   * buckets it covers. Evaluated once per batch, after all of an export's
   * gauges (active and limit arrive as separate points) are in.
   */
  private evaluateSaturation(key: string, instance: string, inst: BulkheadInstance, now: number): void {
    const t = Math.min(inst.lastPointMs, now);
    const d = deriveBulkhead(inst.fields);
    const saturated = d.limit !== null && d.limit > 0 && d.active >= d.limit;
    if (saturated && inst.lastEvalMs !== null && t > inst.lastEvalMs) {
      const from = Math.max(inst.lastEvalMs, t - MAX_SATURATION_GAP_MS);
      const span = t - from;
      this.spread({ startMs: from, endMs: t }, now, (start, f) => {
        const acc = this.bulkheadAcc(start, key);
        acc.saturatedMs.set(instance, (acc.saturatedMs.get(instance) ?? 0) + span * f);
      });
    }
    if (inst.lastEvalMs === null || t > inst.lastEvalMs) inst.lastEvalMs = t;
  }

  // ─── span observations ─────────────────────────────────────────────────────

  private applySpanObservations(out: SpanObservation[], now: number): void {
    const horizon = this.horizon(now);
    const calls = new CallGroups((g) => this.applyCallGroup(g));
    const breakersSeen = new PairMap<{ instance: string; dependency: string; inst: BreakerInstance }>();
    for (const o of out) {
      const t = Math.min(o.timeMs, now);
      if (t < horizon) {
        this.droppedLate++;
        continue;
      }
      const start = bucketStart(t);
      switch (o.kind) {
        case 'call':
          calls.add(o.source, o.target, o.targetKind, start, o.outcome, o.durationMs);
          break;
        case 'attempt': {
          const key = this.admitEdge(o.source, o.target, 'service');
          if (key !== null) this.edgeAcc(start, key).spanAttempts += 1;
          break;
        }
        case 'transition': {
          const key = this.admitBreaker(o.service, o.breaker, o.dependency);
          this.recordTransition(key, o.instance, o.from, o.to, t, 2);
          break;
        }
        case 'breakerSeen': {
          // Once a batch has shown an instance's state, its later spans can only move lastSeenMs.
          const seen = breakersSeen.get(o.service, o.breaker);
          if (seen !== undefined && seen.instance === o.instance && seen.dependency === o.dependency) {
            seen.inst.lastSeenMs = Math.max(seen.inst.lastSeenMs, t);
            break;
          }
          const key = this.admitBreaker(o.service, o.breaker, o.dependency);
          const entity = this.breakers.get(key) as BreakerEntity;
          const inst = this.breakerInstance(entity, o.instance, t);
          if (inst.state === null) {
            inst.state = o.state;
            inst.atMs = t;
            this.breakerSample(start, key, o.instance).state = o.state;
          }
          breakersSeen.set(o.service, o.breaker, { instance: o.instance, dependency: o.dependency, inst });
          break;
        }
      }
    }
    calls.flush();
  }

  private applyCallGroup(g: CallGroup): void {
    const key = this.admitEdge(g.source, g.target, g.targetKind);
    if (key === null) return;
    const acc = this.edgeAcc(g.start, key);
    acc.span ??= newCallAgg();
    addCallAgg(acc.span, g.agg);
    this.touchEdgeServices(g.start, g.source, g.target);
  }

  // ─── breakers ──────────────────────────────────────────────────────────────

  private observeBreakerState(key: string, instance: string, state: BreakerState, t: number): void {
    const entity = this.breakers.get(key) as BreakerEntity;
    const inst = this.breakerInstance(entity, instance, t);
    if (inst.state === null) {
      // First sight of this instance: a restored state that differs means a transition while we were away.
      const prior = entity.restored?.state ?? null;
      if (prior !== null && prior !== state) {
        inst.state = prior;
        inst.atMs = entity.restored?.atMs ?? 0;
        this.recordTransition(key, instance, prior, state, t, 0);
      } else {
        inst.state = state;
        inst.atMs = t;
      }
    } else if (state !== inst.state && t >= inst.atMs) {
      this.recordTransition(key, instance, inst.state, state, t, 0);
    }
    if (t >= inst.atMs) this.breakerSample(bucketStart(t), key, instance).state = state;
  }

  /**
   * One transition of one breaker instance. The same transition may be
   * reported by the state gauge (sample time), the transitions counter
   * (export time) and a span event (exact time): within 60 s they are one,
   * and the most precise time wins while it has not been persisted yet.
   */
  private recordTransition(
    key: string,
    instance: string,
    fromReported: BreakerState | null,
    to: BreakerState,
    atMs: number,
    precision: number,
  ): void {
    const entity = this.breakers.get(key);
    if (!entity) return;
    const inst = this.breakerInstance(entity, instance, atMs);
    const from = fromReported ?? inst.state ?? impliedFrom(to);
    if (from === to) return;
    const latest = inst.recent[inst.recent.length - 1];
    for (const s of inst.recent) {
      if (s.t.to !== to || s.t.from !== from || Math.abs(s.t.atMs - atMs) > TRANSITION_DEDUP_MS) continue;
      // A flapping breaker repeats the same transition: it is the same one only if
      // nothing happened since, or if this report is older than what followed it.
      if (s !== latest && latest !== undefined && atMs >= latest.t.atMs) continue;
      if (precision > s.precision && !s.drained) {
        s.t.atMs = atMs;
        s.precision = precision;
      }
      return;
    }
    const stored: StoredTransition = {
      t: { name: entity.name, service: entity.service, dependency: entity.dependency, from, to, atMs },
      precision,
      drained: false,
    };
    inst.recent.push(stored);
    if (inst.recent.length > 8) inst.recent.shift();
    this.storeTransition(stored);
    this.undrainedTransitions.push(stored);
    if (inst.state === null || atMs >= inst.atMs) {
      inst.state = to;
      inst.atMs = atMs;
      this.breakerSample(bucketStart(atMs), key, instance).state = to;
    }
    this.changedTransitions.push({ ...stored.t });
    if (this.changedTransitions.length > this.limits.maxTransitions) this.changedTransitions.shift();
    this.changed.breakers.add(key);
    this.versionCounter++;
    // A listener may drain the dirty sets: what the batch resolved so far is settled and forgotten
    // first, so later points mark again.
    this.batchMemo?.forget();
    for (const listener of this.listeners) {
      try {
        listener({ ...stored.t });
      } catch {
        // A failing listener must not break ingest or the other listeners.
      }
    }
  }

  private storeTransition(s: StoredTransition): void {
    this.transitions.push(s);
    if (this.transitions.length > this.limits.maxTransitions) {
      const excess = this.transitions.length - this.limits.maxTransitions;
      this.transitions.splice(0, excess);
      this.droppedTransitions += excess;
    }
    if (this.undrainedTransitions.length > this.limits.maxTransitions) {
      this.undrainedTransitions.splice(0, this.undrainedTransitions.length - this.limits.maxTransitions);
    }
  }

  private breakerInstance(entity: BreakerEntity, instance: string, t: number): BreakerInstance {
    let inst = entity.instances.get(instance);
    if (!inst) {
      inst = { state: null, atMs: 0, lastSeenMs: t, recent: [] };
      entity.instances.set(instance, inst);
      if (entity.instances.size > MAX_INSTANCES_PER_ENTITY) {
        const oldest = entity.instances.keys().next().value;
        if (oldest !== undefined) entity.instances.delete(oldest);
      }
    }
    inst.lastSeenMs = Math.max(inst.lastSeenMs, t);
    return inst;
  }

  private bulkheadInstance(entity: BulkheadEntity, key: string, instance: string): BulkheadInstance {
    let inst = entity.instances.get(instance);
    if (!inst) {
      inst = { key, instance, fields: emptyFields(), lastPointMs: 0, lastEvalMs: null };
      entity.instances.set(instance, inst);
      if (entity.instances.size > MAX_INSTANCES_PER_ENTITY) {
        const oldest = entity.instances.keys().next().value;
        if (oldest !== undefined) entity.instances.delete(oldest);
      }
    }
    return inst;
  }

  // ─── entities and buckets ──────────────────────────────────────────────────

  private touchService(name: string, kind: ServiceKind): void {
    const entry =
      this.services.touchExisting(name) ??
      this.services.touch(
        name,
        () => ({ kind }),
        (evicted) => this.purge('services', evicted),
      );
    if (KIND_RANK[kind] > KIND_RANK[entry.kind]) entry.kind = kind;
  }

  /** Key of the edge, admitting it (and its services) under the caps. */
  private admitEdge(source: string, target: string, targetKind: ServiceKind): string | null {
    if (source === target && source === '') return null;
    const key = this.pairKeys.key(source, target);
    if (this.edges.touchExisting(key) === undefined) {
      this.edges.touch(
        key,
        () => ({ source, target }),
        (evicted) => this.purge('edges', evicted),
      );
    }
    this.touchService(target, targetKind);
    return key;
  }

  private admitBreaker(service: string, name: string, dependency: string): string {
    const key = this.pairKeys.key(service, name);
    const e =
      this.breakers.touchExisting(key) ??
      this.breakers.touch(
        key,
        () => ({ name, service, dependency, instances: new Map(), restored: null }),
        (evicted) => this.purge('breakers', evicted),
      );
    if (dependency !== name) e.dependency = dependency;
    return key;
  }

  private admitBulkhead(service: string, name: string, dependency: string): string {
    const key = this.pairKeys.key(service, name);
    const e =
      this.bulkheads.touchExisting(key) ??
      this.bulkheads.touch(
        key,
        () => ({ service, name, dependency, instances: new Map() }),
        (evicted) => this.purge('bulkheads', evicted),
      );
    if (dependency !== name) e.dependency = dependency;
    return key;
  }

  /** Forget an evicted entity's buckets too, so memory stays within caps × buckets. */
  private purge(type: EntityType, key: string): void {
    for (const b of this.buckets.values()) b[type].delete(key);
    this.batchMemo?.forget();
  }

  private bucket(start: number): Bucket {
    let b = this.buckets.get(start);
    if (!b) {
      b = { edges: new Map(), breakers: new Map(), bulkheads: new Map(), services: new Map() };
      this.buckets.set(start, b);
    }
    return b;
  }

  private mark(start: number, type: EntityType, key: string): void {
    if (this.adoptingRemote) {
      this.changed[type].add(key);
      return;
    }
    let sets = this.dirty.get(start);
    if (!sets) {
      sets = emptyChangeSets();
      this.dirty.set(start, sets);
    }
    sets[type].add(key);
    this.changed[type].add(key);
  }

  private edgeAcc(start: number, key: string): EdgeAcc {
    const b = this.bucket(start);
    let acc = b.edges.get(key);
    if (!acc) {
      acc = { metric: null, span: null, metricAttempts: null, spanAttempts: 0, inflight: null, base: null };
      b.edges.set(key, acc);
    }
    this.mark(start, 'edges', key);
    return acc;
  }

  /** Both ends of an edge appear as services in the bucket (with their kind). */
  private touchEdgeServices(start: number, source: string, target: string): void {
    this.serviceAcc(start, source);
    this.serviceAcc(start, target);
  }

  private serviceAcc(start: number, name: string): ServiceAcc {
    const memo = this.batchMemo;
    if (memo !== null && memo.serviceAcc !== null && memo.serviceStart === start && memo.serviceName === name) {
      return memo.serviceAcc;
    }
    const b = this.bucket(start);
    let acc = b.services.get(name);
    if (!acc) {
      acc = { activeRequests: null, eventLoopUtilization: null, eventLoopDelayP99Ms: null, base: null };
      b.services.set(name, acc);
    }
    this.mark(start, 'services', name);
    if (memo !== null) {
      memo.serviceStart = start;
      memo.serviceName = name;
      memo.serviceAcc = acc;
    }
    return acc;
  }

  /** `service`: the breaker's service when the caller knows it (saves looking the entity up). */
  private breakerAcc(start: number, key: string, service?: string): BreakerAcc {
    const b = this.bucket(start);
    let acc = b.breakers.get(key);
    if (!acc) {
      acc = { instances: new Map(), base: null };
      b.breakers.set(key, acc);
    }
    this.mark(start, 'breakers', key);
    const owner = service ?? this.breakers.get(key)?.service;
    if (owner !== undefined) this.serviceAcc(start, owner);
    return acc;
  }

  private breakerSample(start: number, key: string, instance: string, service?: string): BreakerSample {
    const acc = this.breakerAcc(start, key, service);
    let s = acc.instances.get(instance);
    if (!s) {
      const inst = this.breakers.get(key)?.instances.get(instance);
      s = { state: inst?.state ?? null, failureRate: null, slowCallRate: null };
      acc.instances.set(instance, s);
    }
    return s;
  }

  /** `service`: the bulkhead's service when the caller knows it (saves looking the entity up). */
  private bulkheadAcc(start: number, key: string, service?: string): BulkheadAcc {
    const b = this.bucket(start);
    let acc = b.bulkheads.get(key);
    if (!acc) {
      acc = { instances: new Map(), rejections: 0, saturatedMs: new Map(), base: null };
      b.bulkheads.set(key, acc);
    }
    this.mark(start, 'bulkheads', key);
    const owner = service ?? this.bulkheads.get(key)?.service;
    if (owner !== undefined) this.serviceAcc(start, owner);
    return acc;
  }

  private horizon(now: number): number {
    return bucketStart(now - this.retentionMs);
  }

  /**
   * Spread [startMs, endMs] over the buckets it covers, in proportion to
   * time (clamped to now, to the last 5 minutes, and to the in-memory window).
   */
  private spread(
    d: { startMs: number; endMs: number },
    now: number,
    fn: (start: number, fraction: number) => void,
  ): void {
    const end = Math.min(d.endMs, now);
    const start = Math.max(Math.min(d.startMs, end), end - MAX_SPREAD_MS);
    const horizon = this.horizon(now);
    if (end <= start) {
      if (end < horizon) this.droppedLate++;
      else fn(bucketStart(end), 1);
      return;
    }
    const total = end - start;
    for (let b = bucketStart(start); b < end; b += ROLLUP_MS) {
      const overlap = Math.min(b + ROLLUP_MS, end) - Math.max(b, start);
      if (overlap <= 0) continue;
      if (b < horizon) {
        this.droppedLate++;
        continue;
      }
      fn(b, overlap / total);
    }
  }

  /** Expire waiting spans; drop buckets that left the in-memory window. */
  private maintain(now: number): void {
    const out: SpanObservation[] = [];
    this.pairing.expire(now, out);
    if (out.length > 0) {
      this.applySpanObservations(out, now);
      this.versionCounter++;
    }
    if (now - this.lastPruneMs < ROLLUP_MS) return;
    this.lastPruneMs = now;
    const horizon = this.horizon(now);
    for (const start of this.buckets.keys()) {
      if (start < horizon) {
        this.buckets.delete(start);
        this.dirty.delete(start);
      }
    }
    if (this.transitions.length > 0 && (this.transitions[0] as StoredTransition).t.atMs < horizon) {
      this.transitions = this.transitions.filter((s) => s.t.atMs >= horizon);
    }
  }
}

function emptyChangeSets(): Record<EntityType, Set<string>> {
  return { edges: new Set(), breakers: new Set(), bulkheads: new Set(), services: new Set() };
}

function splitServiceName(key: string): { service: string; name: string } {
  const [service = '', name = ''] = key.split(SEP);
  return { service, name };
}
