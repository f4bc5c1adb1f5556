'use client';
import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { healthLook } from '../lib/breakerStyle';
import type { LayoutOptions } from '../lib/graphLayout';
import { parseEdgeId, type Selection } from '../lib/urlState';
import { DependencyEdge, MapMarkers } from './DependencyEdge';
import type { DependencyFlowEdge, ServiceFlowNode } from './mapElements';
import { ServiceNode } from './ServiceNode';

const nodeTypes = { service: ServiceNode };
const edgeTypes = { dependency: DependencyEdge };

/** Above this many nodes the first view frames the cascade (or a corner), not the whole graph. */
export const FRAME_ALL_MAX_NODES = 150;
/** The minimap redraws every node on each viewport change; skip it on huge maps. */
const MINIMAP_MAX_NODES = 1000;

export interface FitRequest {
  /** Changes to ask for a new fit. */
  seq: number;
  /** Node ids to frame; empty = everything (or a readable corner on huge maps). */
  nodeIds: string[];
}

interface Props {
  nodes: ServiceFlowNode[];
  edges: DependencyFlowEdge[];
  layout: LayoutOptions;
  fit: FitRequest;
  onSelect(sel: Selection | null): void;
}

export function CascadeMap({ nodes, edges, fit, onSelect }: Props) {
  const flow = useReactFlow();
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  // Fit when asked (first layout, "show path", a selection from a link), after React Flow has the nodes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new request (seq) triggers a fit
  useEffect(() => {
    const current = nodesRef.current;
    if (current.length === 0) return;
    const ids = new Set(fit.nodeIds);
    let targets = ids.size ? current.filter((n) => ids.has(n.id)) : current;
    if (targets.length === 0) targets = current;
    const huge = targets.length > FRAME_ALL_MAX_NODES;
    // On a huge map frame the left-most, top-most part at a readable zoom; the minimap and search do the rest.
    if (huge) {
      targets = [...targets].sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y).slice(0, 24);
    }
    const frame = () =>
      flow.fitView({
        nodes: targets.map((n) => ({ id: n.id })),
        padding: 0.2,
        maxZoom: 1.1,
        minZoom: 0.05,
        duration: 0,
      });
    const raf = requestAnimationFrame(() => {
      void frame();
    });
    return () => cancelAnimationFrame(raf);
  }, [fit.seq, flow]);

  const onNodesChange = useCallback(
    (changes: NodeChange<ServiceFlowNode>[]) => {
      for (const c of changes) if (c.type === 'select' && c.selected) return onSelect({ kind: 'node', id: c.id });
    },
    [onSelect],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<DependencyFlowEdge>[]) => {
      for (const c of changes) {
        if (c.type === 'select' && c.selected) {
          const e = parseEdgeId(c.id);
          if (e) return onSelect({ kind: 'edge', ...e });
        }
      }
    },
    [onSelect],
  );

  const minimapColor = useCallback((n: ServiceFlowNode) => `var(${healthLook(n.data.service.health).colorVar})`, []);
  const showMinimap = nodes.length <= MINIMAP_MAX_NODES;
  const defaultEdgeOptions = useMemo(() => ({ focusable: true, selectable: true }), []);

  return (
    <>
      <MapMarkers />
      <ReactFlow<ServiceFlowNode, DependencyFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onPaneClick={() => onSelect(null)}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        nodesFocusable
        edgesFocusable
        colorMode="system"
        minZoom={0.02}
        maxZoom={2.5}
        proOptions={{ hideAttribution: true }}
        deleteKeyCode={null}
        ariaLabelConfig={{
          'node.a11yDescription.default': 'Press Enter to show the details of this service.',
          'edge.a11yDescription.default': 'Press Enter to show the details of this dependency.',
        }}
        aria-label="Cascade map"
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        {showMinimap && <MiniMap pannable zoomable nodeColor={minimapColor} ariaLabel="Overview of the map" />}
      </ReactFlow>
    </>
  );
}
