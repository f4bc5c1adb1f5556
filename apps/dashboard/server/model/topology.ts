import type { EdgeBulkhead } from '../../lib/apiTypes';
import { type BulkheadRow, bulkheadsView, isSaturated } from './bulkheadsView';
import { analyzeCascade, type Cascade, isBlockedBehindSlow } from './cascade';
import { type Health, reachingCalls, HEALTH_THRESHOLDS as T, uncontainedErrors, worse } from './health';
import { addCounts, emptyCounts, percentile } from './latencyHistogram';
import {
  type BreakerState,
  bucketStart,
  emptyOutcomes,
  OUTCOMES,
  type OutcomeCounts,
  ROLLUP_MS,
  type RollupBatch,
  type ServiceKind,
  worseState,
} from './rollups';

export type { Cascade } from './cascade';
export type { Health } from './health';

export interface TopologyService {
  name: string;
  kind: ServiceKind;
  /** Worse of its own health and what drags it down as a caller (see HEALTH_THRESHOLDS). */
  health: Health;
  /** Health judged from the calls that reached it only. */
  ownHealth: Health;
  /** Requests per second it received (sum of incoming edges), 0 for pure callers. */
  rps: number;
  /** Failures + timeouts over the calls that reached it. */
  errorRate: number;
  /** p99 of the calls it received, merged over all callers. */
  p99Ms: number | null;
  eventLoopUtilization: number | null;
  eventLoopDelayP99Ms: number | null;
  eventLoopSaturated: boolean;
  /** Any of its bulkheads saturated. */
  saturated: boolean;
  activeRequests: number | null;
  /** Why it is not healthy, short phrases for the side panel. */
  reasons: string[];
}

export type { EdgeBulkhead };

export interface TopologyEdge {
  source: string;
  target: string;
  rps: number;
  /** Logical calls in the window. */
  calls: number;
  /** Calls whose outcome was not success, over all calls. */
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  outcomes: OutcomeCounts;
  breaker: { name: string; state: BreakerState } | null;
  bulkhead: EdgeBulkhead | null;
  /** Attempts per logical call (1 = no retries), null without calls. */
  retryAmplification: number | null;
  /** Amplification ≥ 1.5, not falling, while the dependency's errors are ≥ 5 %. */
  retryStorm: boolean;
  /** Calls waiting on the dependency at the end of the window. */
  inflight: number | null;
  /** inflight ÷ the caller's http.server.active_requests, 0–1; null when unknown. */
  blockedShare: number | null;
}

export interface Topology {
  at: number;
  windowSeconds: number;
  services: TopologyService[];
  edges: TopologyEdge[];
  cascade: Cascade;
}

export interface TopologyOptions {
  atMs: number;
  windowSeconds: number;
  /** Last known breaker states, for breakers with no rollup or transition in the batch. */
  breakerStates?: readonly { name: string; service: string; dependency: string; state: BreakerState; atMs?: number }[];
}

const SEP = '\u0000';

interface EdgeAgg {
  source: string;
  target: string;
  calls: number;
  outcomes: OutcomeCounts;
  counts: number[];
  attempts: number;
  inflight: number | null;
  inflightBucket: number;
  /** [older half, newer half] of the window, for the retry-storm trend. */
  halves: [HalfAgg, HalfAgg];
}

interface HalfAgg {
  calls: number;
  reaching: number;
  errors: number;
  attempts: number;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function amplification(attempts: number, calls: number): number | null {
  if (calls <= 0) return null;
  return attempts > 0 ? attempts / calls : 1;
}

/**
 * The dependency map at `atMs` over the preceding `windowSeconds`, from
 * rollups alone (live buckets or stored ones — one code path). Buckets
 * starting in (atMs − window, atMs] count — window ÷ 10 s buckets, the last
 * one holding atMs (the one being filled when atMs is now); rates divide by
 * the window.
 * Latency percentiles come from the merged canonical histograms of every
 * bucket and instance.
 */
export function buildTopology(rollups: RollupBatch, options: TopologyOptions): Topology {
  const { atMs, windowSeconds } = options;
  const windowMs = windowSeconds * 1000;
  const from = atMs - windowMs;
  const mid = atMs - windowMs / 2;
  const inWindow = (b: number) => b > from && b <= atMs;

  // Edges.
  const edges = new Map<string, EdgeAgg>();
  for (const r of rollups.edges) {
    if (!inWindow(r.bucketStartMs)) continue;
    const key = `${r.source}${SEP}${r.target}`;
    let e = edges.get(key);
    if (!e) {
      e = {
        source: r.source,
        target: r.target,
        calls: 0,
        outcomes: emptyOutcomes(),
        counts: emptyCounts(),
        attempts: 0,
        inflight: null,
        inflightBucket: Number.NEGATIVE_INFINITY,
        halves: [
          { calls: 0, reaching: 0, errors: 0, attempts: 0 },
          { calls: 0, reaching: 0, errors: 0, attempts: 0 },
        ],
      };
      edges.set(key, e);
    }
    e.calls += r.calls;
    for (const o of OUTCOMES) e.outcomes[o] += r.outcomes[o];
    addCounts(e.counts, r.latencyCounts);
    e.attempts += r.retryAttempts;
    if (r.inflightLast !== null && r.bucketStartMs >= e.inflightBucket) {
      e.inflight = r.inflightLast;
      e.inflightBucket = r.bucketStartMs;
    }
    const half = e.halves[r.bucketStartMs < mid ? 0 : 1];
    half.calls += r.calls;
    half.reaching += reachingCalls(r.outcomes);
    half.errors += uncontainedErrors(r.outcomes);
    half.attempts += r.retryAttempts;
  }

  // Service signals: last non-null value in the window.
  const kinds = new Map<string, ServiceKind>();
  const signals = new Map<
    string,
    { active: [number, number | null]; elu: [number, number | null]; delay: [number, number | null] }
  >();
  for (const s of rollups.services) {
    if (!inWindow(s.bucketStartMs)) continue;
    const prev = kinds.get(s.service);
    if (prev === undefined || prev !== 'service') kinds.set(s.service, s.kind);
    let sig = signals.get(s.service);
    if (!sig) {
      sig = { active: [-1, null], elu: [-1, null], delay: [-1, null] };
      signals.set(s.service, sig);
    }
    if (s.activeRequests !== null && s.bucketStartMs >= sig.active[0]) sig.active = [s.bucketStartMs, s.activeRequests];
    if (s.eventLoopUtilization !== null && s.bucketStartMs >= sig.elu[0])
      sig.elu = [s.bucketStartMs, s.eventLoopUtilization];
    if (s.eventLoopDelayP99Ms !== null && s.bucketStartMs >= sig.delay[0])
      sig.delay = [s.bucketStartMs, s.eventLoopDelayP99Ms];
  }

  const breakersByEdge = resolveBreakers(rollups, options);

  // Bulkheads: one per edge (the most saturated), and a saturation flag per service.
  const bulkheadRows = bulkheadsView(rollups, atMs, windowSeconds);
  const bulkheadByEdge = new Map<string, BulkheadRow>();
  const saturatedServices = new Set<string>();
  for (const row of bulkheadRows) {
    const key = `${row.service}${SEP}${row.dependency}`;
    if (!bulkheadByEdge.has(key)) bulkheadByEdge.set(key, row);
    if (isSaturated(row)) saturatedServices.add(row.service);
  }

  // Edge records.
  const edgeOut: TopologyEdge[] = [];
  for (const [key, e] of edges) {
    const callerActive = signals.get(e.source)?.active[1] ?? null;
    const bh = bulkheadByEdge.get(key);
    const [older, newer] = e.halves;
    const ampNew = amplification(newer.attempts, newer.calls);
    const ampOld = amplification(older.attempts, older.calls);
    const errNew = newer.reaching > 0 ? newer.errors / newer.reaching : 0;
    edgeOut.push({
      source: e.source,
      target: e.target,
      rps: round(e.calls / windowSeconds, 3),
      calls: round(e.calls, 2),
      errorRate: e.calls > 0 ? round(1 - e.outcomes.success / e.calls, 4) : 0,
      p50Ms: roundOrNull(percentile(e.counts, 0.5)),
      p99Ms: roundOrNull(percentile(e.counts, 0.99)),
      outcomes: roundOutcomes(e.outcomes),
      breaker: breakersByEdge.get(key) ?? null,
      bulkhead: bh ? edgeBulkhead(bh) : null,
      retryAmplification: roundOrNull(amplification(e.attempts, e.calls)),
      retryStorm:
        ampNew !== null &&
        ampNew >= T.retryStorm &&
        errNew >= T.degradedErrorRate &&
        (ampOld === null || ampNew >= ampOld),
      inflight: e.inflight,
      blockedShare:
        e.inflight !== null && callerActive !== null && callerActive > 0
          ? round(Math.min(1, e.inflight / callerActive), 4)
          : null,
    });
  }
  // Breakers and bulkheads on edges without calls in the window still show: an open breaker or a full
  // bulkhead on a quiet edge matters, and a service may report them without call metrics.
  for (const key of new Set([...breakersByEdge.keys(), ...bulkheadByEdge.keys()])) {
    if (edges.has(key)) continue;
    const [source = '', target = ''] = key.split(SEP);
    const bh = bulkheadByEdge.get(key);
    edgeOut.push(emptyEdge(source, target, breakersByEdge.get(key) ?? null, bh ? edgeBulkhead(bh) : null));
  }

  // Service p99: the merged histogram of every call it received (never a max or mean of edge p99s).
  const incoming = new Map<string, number[]>();
  for (const e of edges.values()) {
    let counts = incoming.get(e.target);
    if (!counts) {
      counts = emptyCounts();
      incoming.set(e.target, counts);
    }
    addCounts(counts, e.counts);
  }
  const services = buildServices(edgeOut, kinds, signals, saturatedServices, incoming);
  const base = { services, edges: edgeOut };
  return { at: atMs, windowSeconds, ...base, cascade: analyzeCascade(base) };
}

function edgeBulkhead(bh: BulkheadRow): EdgeBulkhead {
  return {
    name: bh.name,
    active: bh.active,
    limit: bh.limit,
    queued: bh.queued,
    queueLimit: bh.queueLimit,
    rejectionsPerSec: round(bh.rejectionsPerSec, 3),
    saturation: bh.saturation === null ? null : round(bh.saturation, 4),
    saturatedShare: round(bh.saturatedShare, 4),
  };
}

function emptyEdge(
  source: string,
  target: string,
  breaker: TopologyEdge['breaker'],
  bulkhead: EdgeBulkhead | null,
): TopologyEdge {
  return {
    source,
    target,
    rps: 0,
    calls: 0,
    errorRate: 0,
    p50Ms: null,
    p99Ms: null,
    outcomes: emptyOutcomes(),
    breaker,
    bulkhead,
    retryAmplification: null,
    retryStorm: false,
    inflight: null,
    blockedShare: null,
  };
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : round(n, 3);
}

function roundOutcomes(o: OutcomeCounts): OutcomeCounts {
  const out = emptyOutcomes();
  for (const k of OUTCOMES) out[k] = round(o[k], 2);
  return out;
}

/**
 * State of each breaker at `atMs`: the latest of (a) its last rollup starting
 * at or before atMs and (b) its last transition at or before atMs — a
 * transition wins when it falls in the same or a later bucket, since it has
 * an exact time; then the given last-known states for breakers the batch
 * does not mention. Several breakers on one edge: the most severe state.
 */
function resolveBreakers(
  rollups: RollupBatch,
  options: TopologyOptions,
): Map<string, { name: string; state: BreakerState }> {
  const { atMs } = options;
  const perBreaker = new Map<string, { name: string; edge: string; state: BreakerState; bucket: number }>();
  for (const r of rollups.breakers) {
    if (r.bucketStartMs > atMs) continue;
    const key = `${r.service}${SEP}${r.name}`;
    const cur = perBreaker.get(key);
    if (!cur || r.bucketStartMs >= cur.bucket) {
      perBreaker.set(key, {
        name: r.name,
        edge: `${r.service}${SEP}${r.dependency}`,
        state: r.state,
        bucket: r.bucketStartMs,
      });
    }
  }
  const lastTransition = new Map<string, { atMs: number; to: BreakerState; edge: string; name: string }>();
  for (const t of rollups.transitions) {
    if (t.atMs > atMs) continue;
    const key = `${t.service}${SEP}${t.name}`;
    const cur = lastTransition.get(key);
    if (!cur || t.atMs >= cur.atMs) {
      lastTransition.set(key, { atMs: t.atMs, to: t.to, edge: `${t.service}${SEP}${t.dependency}`, name: t.name });
    }
  }
  for (const [key, t] of lastTransition) {
    const cur = perBreaker.get(key);
    if (!cur || bucketStart(t.atMs) >= cur.bucket) {
      perBreaker.set(key, { name: t.name, edge: t.edge, state: t.to, bucket: bucketStart(t.atMs) + ROLLUP_MS - 1 });
    }
  }
  for (const s of options.breakerStates ?? []) {
    const key = `${s.service}${SEP}${s.name}`;
    const cur = perBreaker.get(key);
    // The caller's live states are newer than any rollup of the window when they say so.
    if (
      !cur ||
      (s.atMs !== undefined && s.atMs <= atMs && bucketStart(s.atMs) >= cur.bucket && s.state !== cur.state)
    ) {
      perBreaker.set(key, { name: s.name, edge: `${s.service}${SEP}${s.dependency}`, state: s.state, bucket: 0 });
    }
  }
  const byEdge = new Map<string, { name: string; state: BreakerState }>();
  for (const b of perBreaker.values()) {
    const cur = byEdge.get(b.edge);
    if (!cur || worseState(cur.state, b.state) !== cur.state) byEdge.set(b.edge, { name: b.name, state: b.state });
  }
  return byEdge;
}

function buildServices(
  edges: TopologyEdge[],
  kinds: Map<string, ServiceKind>,
  signals: Map<
    string,
    { active: [number, number | null]; elu: [number, number | null]; delay: [number, number | null] }
  >,
  saturated: Set<string>,
  incoming: Map<string, number[]>,
): TopologyService[] {
  interface Acc {
    calls: number;
    reaching: number;
    errors: number;
    counts: number[];
    openBreaker: boolean;
    dragged: string[];
  }
  const acc = new Map<string, Acc>();
  const get = (name: string): Acc => {
    let a = acc.get(name);
    if (!a) {
      a = { calls: 0, reaching: 0, errors: 0, counts: emptyCounts(), openBreaker: false, dragged: [] };
      acc.set(name, a);
    }
    return a;
  };
  for (const name of kinds.keys()) get(name);
  for (const name of saturated) get(name);
  for (const e of edges) {
    const target = get(e.target);
    const source = get(e.source);
    target.calls += e.calls;
    target.reaching += reachingCalls(e.outcomes);
    target.errors += uncontainedErrors(e.outcomes);
    if (e.breaker?.state === 'open') target.openBreaker = true;
    const reaching = reachingCalls(e.outcomes);
    const uncontainedRate = e.calls > 0 ? uncontainedErrors(e.outcomes) / e.calls : 0;
    if (reaching >= T.minCalls && uncontainedRate >= T.degradedErrorRate) {
      source.dragged.push(`${Math.round(uncontainedRate * 100)} % errors calling ${e.target}`);
    } else if (reaching >= T.minCalls && e.p99Ms !== null && e.p99Ms >= T.degradedP99Ms) {
      source.dragged.push(`slow calls to ${e.target} (p99 ${Math.round(e.p99Ms)} ms)`);
    }
    if (e.blockedShare !== null && isBlockedBehindSlow(e)) {
      source.dragged.push(`${Math.round(e.blockedShare * 100)} % of in-flight requests waiting on ${e.target}`);
    }
  }

  const out: TopologyService[] = [];
  for (const [name, a] of acc) {
    const sig = signals.get(name);
    const elu = sig?.elu[1] ?? null;
    const delay = sig?.delay[1] ?? null;
    const errorRate = a.reaching > 0 ? a.errors / a.reaching : 0;
    const counts = incoming.get(name);
    const incomingP99 = counts ? percentile(counts, 0.99) : null;
    const reasons: string[] = [];
    let own: Health = 'healthy';
    if (a.reaching >= T.minCalls) {
      if (errorRate >= T.failingErrorRate) own = 'failing';
      else if (errorRate >= T.degradedErrorRate) own = 'degraded';
      if (own !== 'healthy') reasons.push(`${Math.round(errorRate * 100)} % of calls to it fail`);
      if (incomingP99 !== null && incomingP99 >= T.degradedP99Ms) {
        own = worse(own, 'degraded');
        reasons.push(`p99 ${Math.round(incomingP99)} ms`);
      }
    }
    if (a.openBreaker) {
      own = worse(own, a.reaching < T.minCalls ? 'failing' : 'degraded');
      reasons.push('a caller’s breaker on it is open');
    }
    let health = own;
    const eventLoopSaturated =
      (elu !== null && elu >= T.eventLoopUtilization) || (delay !== null && delay >= T.eventLoopDelayP99Ms);
    const callerReasons = [...a.dragged];
    if (saturated.has(name)) callerReasons.push('bulkhead saturated');
    if (eventLoopSaturated) callerReasons.push('event loop saturated');
    if (callerReasons.length > 0) health = worse(health, 'degraded');
    reasons.push(...callerReasons);
    out.push({
      name,
      kind: kinds.get(name) ?? 'service',
      health,
      ownHealth: own,
      rps: 0,
      errorRate: round(errorRate, 4),
      p99Ms: incomingP99 === null ? null : round(incomingP99, 3),
      eventLoopUtilization: elu,
      eventLoopDelayP99Ms: delay,
      eventLoopSaturated,
      saturated: saturated.has(name),
      activeRequests: sig?.active[1] ?? null,
      reasons,
    });
  }
  const rps = new Map<string, number>();
  for (const e of edges) rps.set(e.target, (rps.get(e.target) ?? 0) + e.rps);
  for (const s of out) s.rps = round(rps.get(s.name) ?? 0, 3);
  return out.sort((x, y) => x.name.localeCompare(y.name));
}
