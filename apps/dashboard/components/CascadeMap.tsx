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
  type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { healthLook } from '../lib/breakerStyle';
import { grow, type Rect, viewRect, windowServes } from '../lib/elementWindow';
import type { LayoutOptions, Positions } from '../lib/graphLayout';
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
  /** Where every laid-out service is (framing works from these, not from the elements handed over). */
  positions: Positions;
  layout: LayoutOptions;
  fit: FitRequest;
  onSelect(sel: Selection | null): void;
  /** The part of the map around the viewport (see elementWindow.ts): reported on framing and when the view leaves it. */
  onWindow?(window: Rect): void;
}

export function CascadeMap({ nodes, edges, positions, layout, fit, onSelect, onWindow }: Props) {
  const flow = useReactFlow();
  const store = useStoreApi();
  // Framing needs the pane's size; it works from the layout's positions, not React Flow's store.
  const ready = useStore((s) => s.width > 0 && s.height > 0 && s.panZoom !== null);
  const positionsRef = useRef(positions);
  positionsRef.current = positions;
  /**
   * The elements are handed to React Flow only once the first view is framed:
   * at the default viewport (0, 0, zoom 1) thousands of a big map's long edges
   * cross the screen, and rendering then removing them cost seconds on 2 000
   * services (onlyRenderVisibleElements judges by the viewport of the moment).
   */
  const [framed, setFramed] = useState(false);
  // Services that arrive after the first request (a page opened before any data) are framed as they come.
  const unframed = !framed && positions.size > 0;

  const windowRef = useRef<Rect | null>(null);
  const onWindowRef = useRef(onWindow);
  onWindowRef.current = onWindow;
  const reportWindow = useCallback(
    (viewport: Viewport, force: boolean) => {
      const { width, height } = store.getState();
      if (width <= 0 || height <= 0) return;
      const view = viewRect(viewport, width, height);
      if (!force && windowServes(windowRef.current, view)) return;
      windowRef.current = grow(view, 1);
      onWindowRef.current?.(windowRef.current);
    },
    [store],
  );

  // Fit when asked (first layout, "show path", a selection from a link), and on the first services.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new request (seq) or the first services trigger a fit
  useEffect(() => {
    const all = positionsRef.current;
    if (!ready || all.size === 0) return;
    let targets = fit.nodeIds.flatMap((id) => {
      const p = all.get(id);
      return p ? [p] : [];
    });
    if (targets.length === 0) targets = [...all.values()];
    // On a huge map frame the left-most, top-most part at a readable zoom; the minimap and search do the rest.
    if (targets.length > FRAME_ALL_MAX_NODES) {
      targets = [...targets].sort((a, b) => a.x - b.x || a.y - b.y).slice(0, 6);
    }
    const { width, height } = store.getState();
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const p of targets) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x + layout.nodeWidth);
      y1 = Math.max(y1, p.y + layout.nodeHeight);
    }
    const viewport = getViewportForBounds(
      { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
      width,
      height,
      0.05,
      1.1,
      0.2,
    );
    void flow.setViewport(viewport).then((applied) => {
      if (!applied) return;
      reportWindow(viewport, true);
      setFramed(true);
    });
  }, [fit.seq, flow, ready, store, unframed]);

  const onMove = useCallback((_: unknown, viewport: Viewport) => reportWindow(viewport, false), [reportWindow]);

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
  const showMinimap = positions.size <= MINIMAP_MAX_NODES;
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
        onMove={onMove}
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
