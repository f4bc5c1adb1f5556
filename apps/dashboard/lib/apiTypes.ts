/**
 * The JSON the dashboard's HTTP API and socket.io feed return: one vocabulary
 * for the API, the UI and the tests (DESIGN.md, "HTTP API field names").
 * Browser code imports only from here, never from server/.
 */

export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled' | 'metrics_only';
export type Health = 'healthy' | 'degraded' | 'failing';
export type ServiceKind = 'service' | 'database' | 'virtual';
export type Outcome = 'success' | 'failure' | 'timeout' | 'short_circuited' | 'bulkhead_rejected';

export interface TopologyService {
  name: string;
  kind: ServiceKind;
  health: Health;
  /** Requests per second the service received (sum of incoming edges), 0 for pure callers. */
  rps?: number;
  errorRate?: number;
  /** 0–1, null when the service does not report it. */
  eventLoopUtilization: number | null;
  eventLoopDelayP99Ms?: number | null;
  /** Event-loop utilization or delay p99 is high: every dependency of this service looks slow. */
  eventLoopSaturated?: boolean;
  /** True when any bulkhead of this service is saturated. */
  saturated?: boolean;
  activeRequests?: number | null;
}

/** A bulkhead's figures over a window or a bucket: the part every bulkhead view shares. */
export interface BulkheadGauges {
  /** Last sample. */
  active: number;
  limit: number | null;
  queued: number;
  queueLimit: number | null;
  rejectionsPerSec: number;
  /** active / limit, 0–1 (may exceed 1 briefly), null without a limit. */
  saturation: number | null;
  /** Share (0–1) of the window or bucket the bulkhead spent with active >= limit. */
  saturatedShare: number;
}

export interface EdgeBulkhead extends BulkheadGauges {
  name: string;
}

export interface TopologyEdge {
  source: string;
  target: string;
  rps: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  outcomes: Record<Outcome, number>;
  breaker: { name: string; state: BreakerState } | null;
  bulkhead: EdgeBulkhead | null;
  /** Attempts per logical call (1 = no retries). */
  retryAmplification: number | null;
  /** Calls waiting on the dependency now. */
  inflight: number | null;
  /** Share (0–1) of the caller's in-flight requests waiting on this dependency; null when unknown. */
  blockedShare: number | null;
}

export interface Cascade {
  rootCauses: string[];
  blastRadius: string[];
  /** Edges on the propagation paths, as "source->target". */
  path?: string[];
  sentence: string;
}

export interface Topology {
  /** Epoch ms the topology describes. */
  at: number;
  windowSeconds?: number;
  services: TopologyService[];
  edges: TopologyEdge[];
  cascade: Cascade;
}

/** What holds a dependency's failure on an edge (see `GET /api/whatif`). */
export type Containment = 'breaker+bulkhead' | 'breaker+timeout';

/**
 * `GET /api/whatif?service=&at=&window=` → WhatIf: "what if `failing` fails?"
 * on the topology at `at` (404 naming the parameter for an unknown service).
 */
export interface WhatIf {
  failing: string;
  /** Callers predicted to be degraded: the upstream walk stops at contained edges. */
  predicted: string[];
  /** Every transitive caller: the radius without any protection. */
  unprotected: string[];
  /** Edges into the failure that would hold, and what holds them. */
  contained: { source: string; target: string; by: Containment }[];
  /** Edges the predicted failure travels along, as "source->target". */
  path: string[];
  sentence: string;
}

/** `GET /api/bulkheads` rows. */
export interface BulkheadRow extends BulkheadGauges {
  service: string;
  name: string;
  dependency: string;
}

export interface BreakerTransitionEvent {
  name: string;
  service: string;
  dependency: string;
  from: BreakerState;
  to: BreakerState;
  atMs: number;
}

/** A full topology on the live feed, numbered so deltas can be chained onto it. */
export type LiveTopology = Topology & { seq: number };

/**
 * `topology:delta`: what changed since the message numbered `base` (a full
 * `topology` or the previous delta). Apply it only when your last seq equals
 * `base`, then your seq becomes `seq`; otherwise emit `resync` and wait for a
 * full `topology`. Anything not listed is unchanged as far as the UI can tell.
 * `services` / `edges` are complete objects that replace (or add) an item;
 * `servicePatches` / `edgePatches` carry the key plus only the top-level fields
 * whose shown value changed, to merge into the item the client holds (at
 * 2 000 services a throughput that ticks every second would otherwise resend
 * every edge). Removed edges are keyed "source->target". `cascade` is always
 * the current one.
 */
export interface TopologyDelta {
  at: number;
  base: number;
  seq: number;
  windowSeconds?: number;
  services: TopologyService[];
  edges: TopologyEdge[];
  servicePatches: ServicePatch[];
  edgePatches: EdgePatch[];
  removedServices: string[];
  removedEdges: string[];
  cascade: Cascade;
}

export type ServicePatch = Partial<TopologyService> & Pick<TopologyService, 'name'>;
export type EdgePatch = Partial<TopologyEdge> & Pick<TopologyEdge, 'source' | 'target'>;

/** Socket.io events (server → client). Clients emit `subscribe` with a list of topics. */
export const LIVE_EVENTS = {
  /** Client → server: `socket.emit('subscribe', ['topology', 'bulkheads', 'breakers'])`. */
  SUBSCRIBE: 'subscribe',
  /**
   * Server → client: a full LiveTopology for "now" (default window). Sent once to a
   * new `topology` subscriber and in answer to `resync`; after that the map
   * follows TOPOLOGY_DELTA.
   */
  TOPOLOGY: 'topology',
  /**
   * Server → client, at most once a second and only when something the UI shows
   * changed: a TopologyDelta on top of the state with seq `base`.
   */
  TOPOLOGY_DELTA: 'topology:delta',
  /** Client → server: "my seq does not match a delta's base; send me a full `topology`". */
  RESYNC: 'resync',
  /** Server → client, at most once a second: BulkheadRow[]. */
  BULKHEADS: 'bulkheads',
  /** Server → client, immediately on every breaker transition: BreakerTransitionEvent. */
  BREAKER_TRANSITION: 'breaker:transition',
} as const;

/** `GET /api/config`. */
export interface DashboardConfig {
  /**
   * Link to traces, e.g. `http://jaeger:16686/search?service={service}&tags=%7B%22peer.service%22%3A%22{peer}%22%7D`
   * or `http://tempo/trace/{traceId}`. Placeholders: {service}, {peer}, {traceId}. Empty string = no link.
   */
  traceUrlTemplate: string;
  /** How far back the scrubber can go. */
  retentionHours: number;
}

/**
 * `GET /api/edges/history?source=&target=&from=&to=` (epoch ms) → EdgeHistoryPoint[],
 * one point per rollup bucket (10 s) in [from, to], oldest first.
 */
export interface EdgeHistoryPoint {
  /** Bucket start, epoch ms. */
  t: number;
  rps: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  retryAmplification: number | null;
  /** Calls waiting on the dependency at the end of the bucket (all caller instances). */
  inflight?: number | null;
}

/**
 * `GET /api/bulkheads/history?service=&name=&from=&to=` (epoch ms) → BulkheadHistoryPoint[],
 * one point per rollup bucket (10 s) in [from, to], oldest first.
 */
export interface BulkheadHistoryPoint extends BulkheadGauges {
  t: number;
}
