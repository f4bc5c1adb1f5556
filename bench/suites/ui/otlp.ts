/**
 * OTLP/JSON request bodies for the `ui` suite, written by hand in the wire
 * format of the specification's examples (`/work/shared/otlp-examples`):
 * 64-bit integers as strings, times in unix nanoseconds.
 *
 * - A synthetic topology of N services: service i calls up to 5 services of a
 *   higher index (a layered DAG, ≈ 5 N edges), reported as the
 *   `resilience.call.duration` histogram (cumulative, `peer.service`,
 *   `resilience.outcome`) of one resource per service, plus the
 *   `resilience.circuit_breaker.state` gauge of one breaker per service (its
 *   first dependency). Each round grows the counts by a different amount, so
 *   rates and latencies change from one round to the next; one breaker can be
 *   flipped between closed and open.
 * - A saga run: a root span `saga checkout` and its step spans, per the saga
 *   part of the telemetry contract (DESIGN.md).
 */

const PEERS_PER_SERVICE = 5;
/** How far ahead (in service index) a dependency may be: keeps the DAG layered rather than a long chain. */
const PEER_SPAN = 40;
const BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Resources per request body: one body per service would mean 2 000 requests per round. */
const RESOURCES_PER_BODY = 250;

export const serviceName = (i: number): string => `svc-${String(i).padStart(4, '0')}`;

export interface SyntheticTopology {
  readonly services: number;
  /** `peers[i]`: indices of the services service i calls. */
  readonly peers: readonly (readonly number[])[];
  readonly edges: number;
}

export function syntheticTopology(services: number): SyntheticTopology {
  const peers: number[][] = [];
  let edges = 0;
  for (let i = 0; i < services; i++) {
    const mine = new Set<number>();
    const span = Math.min(PEER_SPAN, services - 1 - i);
    for (let k = 0; k < PEERS_PER_SERVICE && span > 0; k++) {
      mine.add(i + 1 + ((i * 13 + k * 7 + k * k * 3) % span));
    }
    peers.push([...mine].sort((a, b) => a - b));
    edges += mine.size;
  }
  return { services, peers, edges };
}

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
const kv = (key: string, value: string | number): { key: string; value: AnyValue } => ({
  key,
  value:
    typeof value === 'string'
      ? { stringValue: value }
      : Number.isInteger(value)
        ? { intValue: String(value) }
        : { doubleValue: value },
});
const nanos = (ms: number): string => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** Deterministic pseudo-random in [0, 1) from integers, so every run sends the same numbers. */
function hash01(...xs: number[]): number {
  let h = 2166136261;
  for (const x of xs) {
    h ^= x;
    h = Math.imul(h, 16777619);
    h ^= h >>> 13;
  }
  return (h >>> 0) / 2 ** 32;
}

export interface MetricsRound {
  /** Cumulative rounds so far (1 for the first), drives the counts. */
  readonly round: number;
  readonly startMs: number;
  readonly nowMs: number;
  /** Service index whose first breaker is open this round (-1: all closed). */
  readonly openBreakerOf: number;
}

/** One round of metrics for every service, split into bodies of ≤ 250 resources. */
export function metricsBodies(topology: SyntheticTopology, r: MetricsRound): string[] {
  const bodies: string[] = [];
  for (let first = 0; first < topology.services; first += RESOURCES_PER_BODY) {
    const resourceMetrics = [];
    for (let i = first; i < Math.min(topology.services, first + RESOURCES_PER_BODY); i++) {
      resourceMetrics.push(serviceMetrics(topology, i, r));
    }
    bodies.push(JSON.stringify({ resourceMetrics }));
  }
  return bodies;
}

function serviceMetrics(topology: SyntheticTopology, i: number, r: MetricsRound) {
  const peers = topology.peers[i]!;
  const time = nanos(r.nowMs);
  const start = nanos(r.startMs);
  const histogramPoints = [];
  for (const p of peers) {
    const peer = serviceName(p);
    // Cumulative: the sum over rounds of a per-round increment that changes every round.
    let count = 0;
    let sumS = 0;
    for (let k = 1; k <= r.round; k++) {
      const inc = 20 + Math.floor(hash01(i, p, k) * 200);
      count += inc;
      sumS += inc * (0.004 + hash01(p, k) * 0.08);
    }
    const buckets = BOUNDS_S.map(() => 0).concat(0);
    // Spread the count over the buckets around the mean latency.
    const mean = sumS / count;
    let slot = BOUNDS_S.findIndex((b) => mean <= b);
    if (slot < 0) slot = BOUNDS_S.length;
    buckets[slot] = Math.ceil(count * 0.7);
    buckets[Math.max(0, slot - 1)]! += Math.floor(count * 0.2);
    buckets[Math.min(BOUNDS_S.length, slot + 1)]! += count - Math.ceil(count * 0.7) - Math.floor(count * 0.2);
    histogramPoints.push({
      startTimeUnixNano: start,
      timeUnixNano: time,
      count: String(count),
      sum: sumS,
      bucketCounts: buckets.map(String),
      explicitBounds: BOUNDS_S,
      attributes: [kv('peer.service', peer), kv('resilience.outcome', 'success')],
    });
  }
  const metrics: unknown[] = [
    {
      name: 'resilience.call.duration',
      unit: 's',
      histogram: { aggregationTemporality: 2, dataPoints: histogramPoints },
    },
  ];
  const firstPeer = peers[0];
  if (firstPeer !== undefined) {
    const peer = serviceName(firstPeer);
    const open = r.openBreakerOf === i;
    const series = (state: string, on: boolean) => ({
      timeUnixNano: time,
      asDouble: on ? 1 : 0,
      attributes: [
        kv('resilience.circuit_breaker.name', `${peer}-breaker`),
        kv('peer.service', peer),
        kv('resilience.circuit_breaker.state', state),
      ],
    });
    metrics.push({
      name: 'resilience.circuit_breaker.state',
      unit: '1',
      gauge: { dataPoints: [series('closed', !open), series('open', open)] },
    });
  }
  return {
    resource: {
      attributes: [kv('service.name', serviceName(i)), kv('service.instance.id', `${serviceName(i)}-1`)],
    },
    scopeMetrics: [{ scope: { name: '@faultline/instrumentation', version: '0.1.0' }, metrics }],
  };
}

const SAGA_SERVICES = ['order-service', 'inventory-service', 'payment-service', 'shipping-service', 'email-service'];

/** A completed saga of `steps` action steps: root span + one child per step, in one trace. */
export function sagaBody(id: string, steps: number, t0Ms: number): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const traceId = hex(Number.parseInt(id.replace(/\D/g, '').slice(-8) || '1', 10), 32);
  const rootId = hex(1, 16);
  const stepMs = 40;
  const base = [kv('resilience.saga.id', id), kv('resilience.saga.name', 'checkout')];
  const spansBy = new Map<string, unknown[]>();
  const add = (service: string, span: unknown) => {
    const list = spansBy.get(service) ?? [];
    list.push(span);
    spansBy.set(service, list);
  };
  add(SAGA_SERVICES[0]!, {
    traceId,
    spanId: rootId,
    name: 'saga checkout',
    kind: 1,
    startTimeUnixNano: nanos(t0Ms),
    endTimeUnixNano: nanos(t0Ms + steps * stepMs + 10),
    attributes: [...base, kv('resilience.saga.status', 'completed')],
    status: { code: 1 },
  });
  for (let i = 0; i < steps; i++) {
    const start = t0Ms + 5 + i * stepMs;
    add(SAGA_SERVICES[i % SAGA_SERVICES.length]!, {
      traceId,
      spanId: hex(i + 2, 16),
      parentSpanId: rootId,
      name: `step step-${i}`,
      kind: 1,
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(start + 20 + (i % 7) * 2),
      attributes: [
        ...base,
        kv('resilience.saga.step.name', `step-${i}`),
        kv('resilience.saga.step.index', i),
        kv('resilience.saga.step.kind', 'action'),
        kv('resilience.saga.step.status', 'completed'),
      ],
      status: { code: 0 },
    });
  }
  return JSON.stringify({
    resourceSpans: [...spansBy].map(([service, spans]) => ({
      resource: { attributes: [kv('service.name', service)] },
      scopeSpans: [{ scope: { name: '@faultline/instrumentation' }, spans }],
    })),
  });
}
