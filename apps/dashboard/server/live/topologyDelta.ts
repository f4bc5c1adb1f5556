/**
 * Topology deltas for the live feed. At 2 000 services and 10 000 edges a full
 * snapshot is ~3.5 MiB of JSON; parsing it and handing it to the map every
 * second blocked the browser's main thread for up to ~100 ms. Instead the feed
 * keeps, per room, the topology its subscribers hold (the "shadow") and sends
 * only the services and edges whose *shown* figures changed.
 *
 * "Shown" is decided by a signature per item built with the same formatters the
 * UI uses (lib/format, edge width, the "failing" filter threshold), plus every
 * exact integer the side panel prints. Two values with the same signature look
 * the same everywhere in the UI, so leaving them out of a delta hides nothing;
 * any field this module does not know is compared as JSON, so a new field is
 * never silently dropped.
 */

import type { LiveTopology, Topology, TopologyDelta, TopologyEdge, TopologyService } from '../../lib/apiTypes';
import { applyTopologyDelta } from '../../lib/applyTopologyDelta';
import { edgeWidth } from '../../lib/breakerStyle';
import {
  AMPLIFICATION_LABEL_THRESHOLD,
  formatAmplification,
  formatDuration,
  formatPercent,
  formatRate,
} from '../../lib/format';
import { isEdgeFailing } from '../../lib/topologyFilter';

export function edgeKey(e: Pick<TopologyEdge, 'source' | 'target'>): string {
  return `${e.source}->${e.target}`;
}

/** Three significant digits: finer than anything the UI prints, coarse enough to ignore float noise. */
function sig3(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return v === 0 ? '0' : v.toPrecision(3);
}

const SERVICE_KEYS = new Set([
  'name',
  'kind',
  'health',
  'rps',
  'errorRate',
  'eventLoopUtilization',
  'eventLoopDelayP99Ms',
  'saturated',
  'activeRequests',
]);

const EDGE_KEYS = new Set([
  'source',
  'target',
  'rps',
  'errorRate',
  'p50Ms',
  'p99Ms',
  'outcomes',
  'breaker',
  'bulkhead',
  'retryAmplification',
  'inflight',
  'blockedShare',
]);

/** Fields added to the types later (not listed above) are compared verbatim. */
function extras(item: object, known: Set<string>): string {
  let out = '';
  for (const [k, v] of Object.entries(item)) {
    if (!known.has(k) && v !== undefined) out += `|${k}=${JSON.stringify(v)}`;
  }
  return out;
}

export function serviceSignature(s: TopologyService): string {
  return [
    s.kind,
    s.health,
    formatRate(s.rps),
    formatPercent(s.errorRate),
    s.errorRate !== undefined && s.errorRate > 0,
    formatPercent(s.eventLoopUtilization),
    formatDuration(s.eventLoopDelayP99Ms),
    s.saturated === true,
    s.activeRequests ?? '-',
  ]
    .join('|')
    .concat(extras(s, SERVICE_KEYS));
}

export function edgeSignature(e: TopologyEdge): string {
  const total = Object.values(e.outcomes).reduce((a, b) => a + b, 0);
  let outcomes = '';
  for (const [k, n] of Object.entries(e.outcomes)) outcomes += `${k}:${formatPercent(total ? n / total : 0)},`;
  const b = e.bulkhead;
  const bulkhead = b
    ? [
        b.name,
        b.active,
        b.limit ?? '-',
        b.queued,
        b.queueLimit ?? '-',
        formatRate(b.rejectionsPerSec),
        formatPercent(b.saturation),
        b.saturation !== null && b.saturation >= 1,
        sig3(b.saturatedShare),
      ].join(',')
    : '-';
  return [
    formatRate(e.rps),
    edgeWidth(e.rps),
    formatPercent(e.errorRate),
    isEdgeFailing(e),
    formatDuration(e.p50Ms),
    formatDuration(e.p99Ms),
    outcomes,
    e.breaker ? `${e.breaker.name}:${e.breaker.state}` : '-',
    bulkhead,
    formatAmplification(e.retryAmplification),
    e.retryAmplification !== null && e.retryAmplification > AMPLIFICATION_LABEL_THRESHOLD,
    e.inflight ?? '-',
    formatPercent(e.blockedShare),
  ]
    .join('|')
    .concat(extras(e, EDGE_KEYS));
}

/** What the subscribers of one room hold, with the signature of every item. */
export interface TopologyShadow {
  seq: number;
  topology: Topology;
  services: Map<string, string>;
  edges: Map<string, string>;
  cascadeJson: string;
}

export function shadowOf(topology: Topology, seq: number): TopologyShadow {
  const services = new Map<string, string>();
  for (const s of topology.services) services.set(s.name, serviceSignature(s));
  const edges = new Map<string, string>();
  for (const e of topology.edges) edges.set(edgeKey(e), edgeSignature(e));
  return { seq, topology, services, edges, cascadeJson: JSON.stringify(topology.cascade) };
}

export function fullMessage(shadow: TopologyShadow): LiveTopology {
  return { ...shadow.topology, seq: shadow.seq };
}

/**
 * The delta from what `shadow` holds to `next`, and the shadow after it; null
 * when nothing the UI shows changed (the shadow stays as it is). The new
 * shadow's topology is the old one with the delta applied — exactly what a
 * subscriber holds — so a resync hands out the same state deltas build on.
 */
export function diffTopology(
  shadow: TopologyShadow,
  next: Topology,
): { delta: TopologyDelta; shadow: TopologyShadow } | null {
  const services: TopologyService[] = [];
  const serviceSigs = new Map<string, string>();
  for (const s of next.services) {
    const sig = serviceSignature(s);
    serviceSigs.set(s.name, sig);
    if (shadow.services.get(s.name) !== sig) {
      services.push(s);
    }
  }
  const removedServices: string[] = [];
  for (const name of shadow.services.keys()) if (!serviceSigs.has(name)) removedServices.push(name);

  const edges: TopologyEdge[] = [];
  const edgeSigs = new Map<string, string>();
  for (const e of next.edges) {
    const key = edgeKey(e);
    const sig = edgeSignature(e);
    edgeSigs.set(key, sig);
    if (shadow.edges.get(key) !== sig) {
      edges.push(e);
    }
  }
  const removedEdges: string[] = [];
  for (const key of shadow.edges.keys()) if (!edgeSigs.has(key)) removedEdges.push(key);

  const cascadeJson = JSON.stringify(next.cascade);
  if (
    services.length === 0 &&
    edges.length === 0 &&
    removedServices.length === 0 &&
    removedEdges.length === 0 &&
    cascadeJson === shadow.cascadeJson
  ) {
    return null;
  }

  const seq = shadow.seq + 1;
  const delta: TopologyDelta = {
    at: next.at,
    base: shadow.seq,
    seq,
    ...(next.windowSeconds !== undefined ? { windowSeconds: next.windowSeconds } : {}),
    services,
    edges,
    removedServices,
    removedEdges,
    cascade: next.cascade,
  };
  const topology = applyTopologyDelta(shadow.topology, delta);
  return { delta, shadow: { seq, topology, services: serviceSigs, edges: edgeSigs, cascadeJson } };
}
