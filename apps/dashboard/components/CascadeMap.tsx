'use client';
import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type EdgeChange,
  getViewportForBounds,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { healthLook } from '../lib/breakerStyle';
import type { LayoutOptions } from '../lib/graphLayout';
import { parseEdgeId, type Selection } from '../lib/urlState';
import { DependencyEdge, MapMarkers } from './DependencyEdge';
import type { DependencyFlowEdge, ServiceFlowNode } from './mapElements';
import { ServiceNode } from './ServiceNode';

const nodeTypes = { service: ServiceNode };
const NO_NODES: ServiceFlowNode[] = [];
const NO_EDGES: DependencyFlowEdge[] = [];
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

export function CascadeMap({ nodes, edges, layout, fit, onSelect }: Props) {
  const flow = useReactFlow();
  const store = useStoreApi();
  // Framing needs the pane's size; it works from the layout's positions, not React Flow's store.
  const ready = useStore((s) => s.width > 0 && s.height > 0 && s.panZoom !== null);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  /**
   * The elements are handed to React Flow only once the first view is framed:
   * at the default viewport (0, 0, zoom 1) thousands of a big map's long edges
   * cross the screen, and rendering then removing them cost seconds on 2 000
   * services (onlyRenderVisibleElements judges by the viewport of the moment).
   */
  const [framed, setFramed] = useState(false);
  // Nodes that arrive after the first request (a page opened before any data) are framed as they come.
  const unframedNodes = !framed && nodes.length > 0;

  // Fit when asked (first layout, "show path", a selection from a link), and on the first nodes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new request (seq) or the first nodes trigger a fit
  useEffect(() => {
    const current = nodesRef.current;
    if (!ready || current.length === 0) return;
    const ids = new Set(fit.nodeIds);
    let targets = ids.size ? current.filter((n) => ids.has(n.id)) : current;
    if (targets.length === 0) targets = current;
    const huge = targets.length > FRAME_ALL_MAX_NODES;
    // On a huge map frame the left-most, top-most part at a readable zoom; the minimap and search do the rest.
    if (huge) {
      targets = [...targets].sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y).slice(0, 6);
    }
    // Frame from the known positions and sizes: fitView would skip nodes React Flow has not rendered
    // (onlyRenderVisibleElements), which on a huge map is almost all of them.
    const { width, height } = store.getState();
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const n of targets) {
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + layout.nodeWidth);
      y1 = Math.max(y1, n.position.y + layout.nodeHeight);
    }
    const viewport = getViewportForBounds(
      { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
      width,
      height,
      0.05,
      1.1,
      0.2,
    );
    void flow.setViewport(viewport).then((applied) => applied && setFramed(true));
  }, [fit.seq, flow, ready, store, unframedNodes]);

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
        nodes={framed ? nodes : NO_NODES}
        edges={framed ? edges : NO_EDGES}
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
