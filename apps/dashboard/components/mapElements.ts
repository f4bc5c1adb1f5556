/**
 * Turns a (filtered) topology and its positions into React Flow nodes and
 * edges. Pure: no React, so it is unit-tested and cheap to call on every
 * snapshot (positions are looked up, never recomputed here).
 */
import type { Edge, Node } from '@xyflow/react';
import { Position } from '@xyflow/react';
import type { TopologyEdge, TopologyService } from '../lib/apiTypes';
import { type CascadeRole, edgeAccessibleName, nodeAccessibleName } from '../lib/edgeText';
import type { LayoutOptions, Positions } from '../lib/graphLayout';
import { edgeId, type Selection } from '../lib/urlState';

export interface ServiceNodeData extends Record<string, unknown> {
  service: TopologyService;
  role: CascadeRole;
  match: boolean;
  dimmed: boolean;
}

export interface DependencyEdgeData extends Record<string, unknown> {
  edge: TopologyEdge;
  onPath: boolean;
  dimmed: boolean;
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
}

export function buildFlowElements(input: BuildInput): { nodes: ServiceFlowNode[]; edges: DependencyFlowEdge[] } {
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
    nodes.push({
      id: s.name,
      type: 'service',
      position: p,
      width: w,
      height: h,
      handles,
      ariaLabel: nodeAccessibleName(s, role),
      selected: input.selection?.kind === 'node' && input.selection.id === s.name,
      data: { service: s, role, match: input.matches.has(s.name), dimmed: input.emphasizePath && role === null },
    });
  }
  const edges: DependencyFlowEdge[] = [];
  for (const e of input.edges) {
    if (!input.positions.has(e.source) || !input.positions.has(e.target)) continue;
    const id = edgeId(e.source, e.target);
    const onPath = input.pathIds.has(id);
    edges.push({
      id,
      type: 'dependency',
      source: e.source,
      target: e.target,
      ariaLabel: edgeAccessibleName(e),
      selected:
        input.selection?.kind === 'edge' && input.selection.source === e.source && input.selection.target === e.target,
      data: { edge: e, onPath, dimmed: input.emphasizePath && !onPath },
    });
  }
  return { nodes, edges };
}
