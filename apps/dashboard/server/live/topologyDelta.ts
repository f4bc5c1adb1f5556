/**
 * Topology deltas for the live feed. At 2 000 services and 10 000 edges a full
 * snapshot is ~3.5 MiB of JSON; parsing it and handing it to the map every
 * second blocked the browser's main thread for up to ~100 ms. Instead the feed
 * keeps, per room, the topology its subscribers hold (the "shadow") and sends
 * only the services and edges whose *shown* figures changed — and of those only
 * the changed fields (a throughput that ticks every second would otherwise
 * resend every edge: 3.4 of 3.6 MiB in the ui bench).
 *
 * "Shown" is decided by a signature per field built with the same formatters the
 * UI uses (lib/format, edge width, the "failing" filter threshold), plus every
 * exact integer the side panel prints. Two values with the same signature look
 * the same everywhere in the UI, so leaving them out of a delta hides nothing;
 * any field this module does not know is compared as JSON (a change there, a
 * new item or a field that became absent sends the whole item), so a new field
 * is never silently dropped.
 */

import type {
  EdgePatch,
  LiveTopology,
  ServicePatch,
  Topology,
  TopologyDelta,
  TopologyEdge,
  TopologyService,
} from '../../lib/apiTypes';
import { applyTopologyDelta } from '../../lib/applyTopologyDelta';
import { edgeWidth } from '../../lib/breakerStyle';
import {
  AMPLIFICATION_LABEL_THRESHOLD,
  formatAmplification,
  formatDuration,
  formatPercent,
  formatRate,
} from '../../lib/format';
import { FAILING_EDGE_ERROR_RATE } from '../../lib/topologyFilter';

export function edgeKey(e: Pick<TopologyEdge, 'source' | 'target'>): string {
  return `${e.source}->${e.target}`;
}

/** Three significant digits: finer than anything the UI prints, coarse enough to ignore float noise. */
function sig3(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return v === 0 ? '0' : v.toPrecision(3);
}

/** Marks a field that is absent, so "became absent" is a change (sent as a full replacement). */
const ABSENT = '\u0000';

/** [field, signature]. Fields may be ones the server model adds beyond the API type. */
type FieldSig<T> = readonly [string, (item: T) => string];

/** The server model's extra fields, read loosely: the API type does not declare them. */
const extra = (item: object, k: string): unknown => (item as Record<string, unknown>)[k];

/** One signature per top-level field: a field is patched when its signature changes. */
const SERVICE_FIELDS: readonly FieldSig<TopologyService>[] = [
  ['kind', (s) => s.kind],
  ['health', (s) => s.health],
  ['rps', (s) => formatRate(s.rps)],
  ['errorRate', (s) => `${formatPercent(s.errorRate)}|${s.errorRate !== undefined && s.errorRate > 0}`],
  ['eventLoopUtilization', (s) => formatPercent(s.eventLoopUtilization)],
  ['eventLoopDelayP99Ms', (s) => formatDuration(s.eventLoopDelayP99Ms)],
  ['saturated', (s) => String(s.saturated === true)],
  ['activeRequests', (s) => String(s.activeRequests ?? '-')],
  // Sent by the server model, not (yet) in the API type; compared as shown if they were.
  ['p99Ms', (s) => formatDuration(extra(s, 'p99Ms') as number | null)],
  ['eventLoopSaturated', (s) => String(extra(s, 'eventLoopSaturated'))],
  ['reasons', (s) => JSON.stringify(extra(s, 'reasons'))],
];

const EDGE_FIELDS: readonly FieldSig<TopologyEdge>[] = [
  ['rps', (e) => `${formatRate(e.rps)}|${edgeWidth(e.rps)}`],
  ['errorRate', (e) => `${formatPercent(e.errorRate)}|${e.errorRate >= FAILING_EDGE_ERROR_RATE}`],
  ['p50Ms', (e) => formatDuration(e.p50Ms)],
  ['p99Ms', (e) => formatDuration(e.p99Ms)],
  [
    'outcomes',
    (e) => {
      const total = Object.values(e.outcomes).reduce((a, b) => a + b, 0);
      let out = '';
      for (const [k, n] of Object.entries(e.outcomes)) out += `${k}:${formatPercent(total ? n / total : 0)},`;
      return out;
    },
  ],
  ['breaker', (e) => (e.breaker ? `${e.breaker.name}:${e.breaker.state}` : '-')],
  [
    'bulkhead',
    (e) => {
      const b = e.bulkhead;
      if (!b) return '-';
      return [
        b.name,
        b.active,
        b.limit ?? '-',
        b.queued,
        b.queueLimit ?? '-',
        formatRate(b.rejectionsPerSec),
        formatPercent(b.saturation),
        b.saturation !== null && b.saturation >= 1,
        sig3(b.saturatedShare),
      ].join(',');
    },
  ],
  [
    'retryAmplification',
    (e) =>
      `${formatAmplification(e.retryAmplification)}|${e.retryAmplification !== null && e.retryAmplification > AMPLIFICATION_LABEL_THRESHOLD}`,
  ],
  ['inflight', (e) => String(e.inflight ?? '-')],
  ['blockedShare', (e) => formatPercent(e.blockedShare)],
  ['retryStorm', (e) => String(extra(e, 'retryStorm'))],
];

/**
 * Server-model fields the UI never shows and that change every tick (`calls`:
 * the window's call count). Not compared: the client keeps the value it got
 * with the item. Move a field to EDGE_FIELDS the day the UI shows it.
 */
const EDGE_NOT_SHOWN = ['calls'];

const SERVICE_KEYS = new Set<string>(['name', ...SERVICE_FIELDS.map(([k]) => k)]);
const EDGE_KEYS = new Set<string>(['source', 'target', ...EDGE_FIELDS.map(([k]) => k), ...EDGE_NOT_SHOWN]);

/** Fields added to the types later (not listed above) are compared verbatim. */
function extras(item: object, known: Set<string>): string {
  let out = '';
  for (const [k, v] of Object.entries(item)) {
    if (!known.has(k) && v !== undefined) out += `|${k}=${JSON.stringify(v)}`;
  }
  return out;
}

/** Field signatures in FIELDS order, then the signature of unknown fields. */
function fieldSigs<T extends object>(item: T, fields: readonly FieldSig<T>[], known: Set<string>): string[] {
  const out: string[] = [];
  for (const [k, f] of fields) out.push(extra(item, k) === undefined ? ABSENT : f(item));
  out.push(extras(item, known));
  return out;
}

export function serviceSignature(s: TopologyService): string {
  return fieldSigs(s, SERVICE_FIELDS, SERVICE_KEYS).join('|');
}

export function edgeSignature(e: TopologyEdge): string {
  return fieldSigs(e, EDGE_FIELDS, EDGE_KEYS).join('|');
}

/**
 * Compare one item with what the client holds: 'same', 'full' (new, lost a
 * field, or an unknown field changed) or the list of changed field indices.
 */
function compare(prev: string[] | undefined, next: string[]): 'same' | 'full' | number[] {
  if (!prev) return 'full';
  const changed: number[] = [];
  const last = next.length - 1;
  for (let i = 0; i < next.length; i++) {
    if (prev[i] === next[i]) continue;
    if (i === last || next[i] === ABSENT) return 'full';
    changed.push(i);
  }
  return changed.length ? changed : 'same';
}

function patchOf<T extends object, P>(item: T, keyFields: P, fields: readonly FieldSig<T>[], changed: number[]): P {
  const patch = { ...keyFields } as Record<string, unknown>;
  for (const i of changed) {
    const k = fields[i]![0];
    patch[k] = extra(item, k);
  }
  return patch as P;
}

/** What the subscribers of one room hold, with the field signatures of every item. */
export interface TopologyShadow {
  seq: number;
  topology: Topology;
  services: Map<string, string[]>;
  edges: Map<string, string[]>;
  cascadeJson: string;
}

export function shadowOf(topology: Topology, seq: number): TopologyShadow {
  const services = new Map<string, string[]>();
  for (const s of topology.services) services.set(s.name, fieldSigs(s, SERVICE_FIELDS, SERVICE_KEYS));
  const edges = new Map<string, string[]>();
  for (const e of topology.edges) edges.set(edgeKey(e), fieldSigs(e, EDGE_FIELDS, EDGE_KEYS));
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
  const servicePatches: ServicePatch[] = [];
  const serviceSigs = new Map<string, string[]>();
  for (const s of next.services) {
    const sig = fieldSigs(s, SERVICE_FIELDS, SERVICE_KEYS);
    serviceSigs.set(s.name, sig);
    const c = compare(shadow.services.get(s.name), sig);
    if (c === 'full') services.push(s);
    else if (c !== 'same')
      servicePatches.push(patchOf<TopologyService, ServicePatch>(s, { name: s.name }, SERVICE_FIELDS, c));
  }
  const removedServices: string[] = [];
  for (const name of shadow.services.keys()) if (!serviceSigs.has(name)) removedServices.push(name);

  const edges: TopologyEdge[] = [];
  const edgePatches: EdgePatch[] = [];
  const edgeSigs = new Map<string, string[]>();
  for (const e of next.edges) {
    const key = edgeKey(e);
    const sig = fieldSigs(e, EDGE_FIELDS, EDGE_KEYS);
    edgeSigs.set(key, sig);
    const c = compare(shadow.edges.get(key), sig);
    if (c === 'full') edges.push(e);
    else if (c !== 'same') {
      edgePatches.push(patchOf<TopologyEdge, EdgePatch>(e, { source: e.source, target: e.target }, EDGE_FIELDS, c));
    }
  }
  const removedEdges: string[] = [];
  for (const key of shadow.edges.keys()) if (!edgeSigs.has(key)) removedEdges.push(key);

  const cascadeJson = JSON.stringify(next.cascade);
  if (
    services.length === 0 &&
    servicePatches.length === 0 &&
    edges.length === 0 &&
    edgePatches.length === 0 &&
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
    servicePatches,
    edgePatches,
    removedServices,
    removedEdges,
    cascade: next.cascade,
  };
  const topology = applyTopologyDelta(shadow.topology, delta);
  return { delta, shadow: { seq, topology, services: serviceSigs, edges: edgeSigs, cascadeJson } };
}
