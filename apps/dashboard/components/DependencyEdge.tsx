'use client';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath, useStore } from '@xyflow/react';
import { memo } from 'react';
import { breakerLook, edgeWidth } from '../lib/breakerStyle';
import { edgeLabelParts } from '../lib/edgeText';
import { CONTAINED_GLYPH, containmentLabel } from '../lib/whatIfView';
import type { DependencyFlowEdge } from './mapElements';

/** Labels appear from this zoom on; below it thousands of HTML labels would cost more than they tell. */
export const LABEL_ZOOM = 0.55;
const showLabels = (s: { transform: [number, number, number] }) => s.transform[2] >= LABEL_ZOOM;

/** Arrow markers, one per breaker colour, defined once per map (see MapMarkers). */
export function markerId(state: string): string {
  return `fl-arrow-${state}`;
}

function DependencyEdgeImpl(props: EdgeProps<DependencyFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, id } = props;
  const labels = useStore(showLabels);
  if (!data) return null;
  const { edge, onPath, dimmed, whatIf } = data;
  const state = edge.breaker?.state ?? 'none';
  const look = breakerLook(edge.breaker?.state);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const width = edgeWidth(edge.rps);
  const color = `var(${look.colorVar})`;
  const { main, amplification } = edgeLabelParts(edge);
  return (
    <>
      {onPath && <path d={path} className="fl-edge-halo" strokeWidth={width + 12} />}
      {whatIf && <path d={path} className={`fl-edge-whatif ${whatIf.kind}`} strokeWidth={width + 8} />}
      <BaseEdge
        id={id}
        path={path}
        className="fl-edge-path"
        markerEnd={`url(#${markerId(state)})`}
        style={{
          stroke: color,
          strokeWidth: width,
          strokeDasharray: look.dash,
          opacity: dimmed ? 0.25 : 1,
        }}
      />
      {labels && (
        <EdgeLabelRenderer>
          <div
            className="fl-edge-label nodrag nopan"
            data-breaker={state}
            data-whatif={whatIf?.kind}
            data-testid={`edge-label-${edge.source}->${edge.target}`}
            aria-hidden="true"
            style={
              {
                transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
                '--edge-color': color,
                opacity: dimmed ? 0.35 : 1,
              } as React.CSSProperties
            }
          >
            {look.glyph && state !== 'closed' && <span className="glyph">{look.glyph}</span>}
            {main}
            {amplification && <span className="amp">{amplification}</span>}
            {whatIf?.kind === 'contained' && (
              <span className="contains" title={`would contain the simulated failure (${containmentLabel(whatIf.by)})`}>
                {CONTAINED_GLYPH} holds: {containmentLabel(whatIf.by)}
              </span>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const DependencyEdge = memo(DependencyEdgeImpl);

/** SVG arrowheads in each breaker colour; colours come from CSS variables so dark mode follows. */
export function MapMarkers() {
  const states = ['closed', 'half_open', 'open', 'forced_open', 'disabled', 'metrics_only', 'none'] as const;
  return (
    <svg width="0" height="0" style={{ position: 'absolute' }} aria-hidden="true">
      <defs>
        {states.map((s) => (
          <marker
            key={s}
            id={markerId(s)}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="14"
            markerHeight="14"
            markerUnits="userSpaceOnUse"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" style={{ fill: `var(${breakerLook(s === 'none' ? null : s).colorVar})` }} />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
