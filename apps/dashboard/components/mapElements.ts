/**
 * Turns a (filtered) topology and its positions into React Flow nodes and
 * edges. Pure: no React, so it is unit-tested and cheap to call on every
 * snapshot (positions are looked up, never recomputed here).
 */
import type { Edge, Node } from '@xyflow/react';
import { Position } from '@xyflow/react';
import type { TopologyEdge, TopologyService } from '../lib/apiTypes';
import { edgeWidth } from '../lib/breakerStyle';
import { type CascadeRole, edgeAccessibleName, edgeLabelParts, nodeAccessibleName } from '../lib/edgeText';
import { formatPercent, formatRate } from '../lib/format';
import type { LayoutOptions, Positions } from '../lib/graphLayout';
import { edgeId, type Selection } from '../lib/urlState';
import {
  type WhatIfEdgeRole,
  type WhatIfHighlight,
  type WhatIfNodeRole,
  whatIfEdgePhrase,
  whatIfNodePhrase,
} from '../lib/whatIfView';

export interface ServiceNodeData extends Record<string, unknown> {
  service: TopologyService;
  role: CascadeRole;
  match: boolean;
  dimmed: boolean;
  /** Role in a simulated failure ("what if X fails?"), null when none is running or the node is outside it. */
  whatIf: WhatIfNodeRole | null;
}

export interface DependencyEdgeData extends Record<string, unknown> {
  edge: TopologyEdge;
  onPath: boolean;
  dimmed: boolean;
  whatIf: WhatIfEdgeRole | null;
}

export type ServiceFlowNode = Node<ServiceNodeData, 'service'>;
export type DependencyFlowEdge = Edge<DependencyEdgeData, 'dependency'>;

export interface BuildInput {
  services: readonly TopologyService[];
  edges: readonly TopologyEdge[];
  positions: Positions;
  layout: LayoutOptions;
  rootCauses: ReadonlySet<string>;
  blastRadius: ReadonlySet<string>;
  pathIds: ReadonlySet<string>;
  matches: ReadonlySet<string>;
  selection: Selection | null;
  /** Dim everything off the cascade path ("show path"). */
  emphasizePath: boolean;
  /** A simulated failure to highlight (predicted and unprotected radius, containing edges). */
  whatIf?: WhatIfHighlight | null;
  /**
   * Elements built for the previous snapshot. An element whose drawn content
   * (accessible name, label, width, flags, position) is unchanged is reused as
   * the same object, so React Flow and React skip it: on a 10 000-edge map most
   * live updates then touch only the few edges whose figures visibly changed.
   */
  previous?: ElementCache;
}

export interface ElementCache {
  nodes: Map<string, { sig: string; node: ServiceFlowNode }>;
  edges: Map<string, { sig: string; edge: DependencyFlowEdge }>;
}

export function emptyElementCache(): ElementCache {
  return { nodes: new Map(), edges: new Map() };
}

export function buildFlowElements(input: BuildInput): {
  nodes: ServiceFlowNode[];
  edges: DependencyFlowEdge[];
  cache: ElementCache;
} {
  const prev = input.previous ?? emptyElementCache();
  const cache = emptyElementCache();
  const { nodeWidth: w, nodeHeight: h } = input.layout;
  // Declared handles let React Flow draw edges to nodes it has not rendered (onlyRenderVisibleElements).
  const handles = [
    { type: 'target' as const, position: Position.Left, x: 0, y: h / 2 - 0.5, width: 1, height: 1 },
    { type: 'source' as const, position: Position.Right, x: w - 1, y: h / 2 - 0.5, width: 1, height: 1 },
  ];
  const nodes: ServiceFlowNode[] = [];
  for (const s of input.services) {
    const p = input.positions.get(s.name);
    if (!p) continue;
    const role: CascadeRole = input.rootCauses.has(s.name)
      ? 'root-cause'
      : input.blastRadius.has(s.name)
        ? 'blast-radius'
        : null;
    const whatIf = input.whatIf?.nodes.get(s.name) ?? null;
    const ariaLabel = whatIf
      ? `${nodeAccessibleName(s, role)}, ${whatIfNodePhrase(whatIf, input.whatIf!.failing)}`
      : nodeAccessibleName(s, role);
    const selected = input.selection?.kind === 'node' && input.selection.id === s.name;
    const match = input.matches.has(s.name);
    const dimmed = input.emphasizePath && role === null;
    const sig = [
      ariaLabel,
      p.x,
      p.y,
      selected,
      match,
      dimmed,
      formatRate(s.rps),
      formatPercent(s.errorRate),
      formatPercent(s.eventLoopUtilization),
    ].join('|');
    const old = prev.nodes.get(s.name);
    if (old && old.sig === sig) {
      nodes.push(old.node);
      cache.nodes.set(s.name, old);
      continue;
    }
    const node: ServiceFlowNode = {
      id: s.name,
      type: 'service',
      position: p,
      width: w,
      height: h,
      handles,
      ariaLabel,
      selected,
      data: { service: s, role, match, dimmed, whatIf },
    };
    nodes.push(node);
    cache.nodes.set(s.name, { sig, node });
  }
  const edges: DependencyFlowEdge[] = [];
  for (const e of input.edges) {
    if (!input.positions.has(e.source) || !input.positions.has(e.target)) continue;
    const id = edgeId(e.source, e.target);
    const onPath = input.pathIds.has(id);
    const whatIf = input.whatIf?.edges.get(id) ?? null;
    const ariaLabel = whatIf ? `${edgeAccessibleName(e)}, ${whatIfEdgePhrase(whatIf)}` : edgeAccessibleName(e);
    const selected =
      input.selection?.kind === 'edge' && input.selection.source === e.source && input.selection.target === e.target;
    const dimmed = input.emphasizePath && !onPath;
    const label = edgeLabelParts(e);
    const sig = [ariaLabel, label.main, label.amplification, edgeWidth(e.rps), onPath, dimmed, selected].join('|');
    const old = prev.edges.get(id);
    if (old && old.sig === sig) {
      edges.push(old.edge);
      cache.edges.set(id, old);
      continue;
    }
    const flowEdge: DependencyFlowEdge = {
      id,
      type: 'dependency',
      source: e.source,
      target: e.target,
      ariaLabel,
      selected,
      data: { edge: e, onPath, dimmed, whatIf },
    };
    edges.push(flowEdge);
    cache.edges.set(id, { sig, edge: flowEdge });
  }
  return { nodes, edges, cache };
}
