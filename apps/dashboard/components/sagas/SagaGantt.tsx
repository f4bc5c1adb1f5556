'use client';

import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SagaRunDetail } from '../../server/sagas/sagaApiTypes';
import { barLabel, formatDuration, type GanttBar, layoutGantt } from './ganttLayout';
import styles from './sagas.module.css';

export interface SagaGanttProps {
  run: SagaRunDetail;
  nowMs: number;
}

const CHAR_WIDTH = 7;

/** Name inside the bar when it fits, else right of it, else (at the right edge) left of it. */
function barText(
  bar: GanttBar,
  chartWidth: number,
): { text: string; inside: boolean; x: number; anchor: 'start' | 'end' } {
  const icon = bar.failed ? '✕ ' : bar.step.kind === 'compensation' ? '↩ ' : '';
  const text = `${icon}${bar.step.name}`;
  const textWidth = text.length * CHAR_WIDTH;
  if (textWidth + 10 < bar.width) return { text, inside: true, x: bar.x + 6, anchor: 'start' };
  if (bar.x + bar.width + 4 + textWidth <= chartWidth) {
    return { text, inside: false, x: bar.x + bar.width + 4, anchor: 'start' };
  }
  return { text, inside: false, x: bar.x - 4, anchor: 'end' };
}

/**
 * The saga as a Gantt chart in plain SVG: lanes per service, actions solid,
 * compensations hatched with ↩, the failed action red with ✕ and its error,
 * and a dashed arrowed path from the failure through every compensation.
 */
export function SagaGantt({ run, nowMs }: SagaGanttProps) {
  const renderStart = typeof performance === 'undefined' ? 0 : performance.now();
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(960);
  const ids = useId().replace(/:/g, '');
  const hatch = `sg-hatch-${ids}`;
  const arrow = `sg-arrow-${ids}`;

  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(560, Math.floor(el.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const layout = useMemo(() => layoutGantt(run, { width, nowMs }), [run, width, nowMs]);

  const firstCommit = useRef(true);
  useLayoutEffect(() => {
    // Read by the browser test: how long the first render of the chart took, render start → DOM committed.
    if (!firstCommit.current || typeof performance === 'undefined') return;
    firstCommit.current = false;
    container.current?.setAttribute('data-render-ms', (performance.now() - renderStart).toFixed(1));
  });

  const failed = layout.undoPath[0]?.failed ? layout.undoPath[0] : layout.bars.find((b) => b.failed);
  const ended = run.endedAt !== null;
  const nowX = layout.plotX + (Math.min(nowMs, layout.t1) - layout.t0) * (layout.plotWidth / (layout.t1 - layout.t0));

  return (
    <div ref={container} className={styles.gantt} data-testid="saga-gantt">
      <svg
        width={layout.width}
        height={layout.height}
        aria-label={`Timeline of saga ${run.name || run.id}: ${layout.lanes.length} services, ${layout.bars.length} steps`}
      >
        <defs>
          <pattern id={hatch} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" style={{ fill: 'var(--sg-comp-bg)' }} />
            <line x1="0" y1="0" x2="0" y2="8" strokeWidth="4" style={{ stroke: 'var(--sg-comp)' }} />
          </pattern>
          <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" style={{ fill: 'var(--sg-comp)' }} />
          </marker>
        </defs>

        {layout.ticks.map((t) => (
          <g key={t.x}>
            <line x1={t.x} x2={t.x} y1={layout.axisY - 4} y2={layout.height} style={{ stroke: 'var(--sg-grid)' }} />
            <text
              x={t.anchor === 'end' ? t.x - 3 : t.x + 3}
              y={14}
              fontSize="11"
              textAnchor={t.anchor}
              style={{ fill: 'var(--sg-muted)' }}
            >
              {t.label}
            </text>
          </g>
        ))}

        {layout.lanes.map((lane, i) => (
          <g key={lane.service} data-lane={lane.service}>
            {i % 2 === 1 && (
              <rect x={0} y={lane.y} width={layout.width} height={lane.height} style={{ fill: 'var(--sg-panel)' }} />
            )}
            <line x1={0} x2={layout.width} y1={lane.y} y2={lane.y} style={{ stroke: 'var(--sg-border)' }} />
            <text x={8} y={lane.y + 18} fontSize="12" fontWeight="600" style={{ fill: 'var(--sg-fg)' }}>
              {lane.service.length > 22 ? `${lane.service.slice(0, 21)}…` : lane.service}
              <title>{lane.service}</title>
            </text>
          </g>
        ))}

        {layout.undoPath.slice(1).map((bar, i) => {
          const from = layout.undoPath[i] as GanttBar;
          const x1 = from.x + from.width;
          const y1 = from.y + from.height / 2;
          const x2 = bar.x;
          const y2 = bar.y + bar.height / 2;
          const bend = Math.max(12, (x2 - x1) / 2);
          return (
            <path
              key={`undo-${bar.key}`}
              data-testid="undo-path"
              d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 1},${y2}`}
              fill="none"
              strokeWidth="2"
              strokeDasharray="5 3"
              markerEnd={`url(#${arrow})`}
              style={{ stroke: 'var(--sg-comp)' }}
            />
          );
        })}

        {layout.bars.map((bar) => {
          const label = barLabel(bar);
          const { text, inside, x: textX, anchor } = barText(bar, layout.width);
          const compensation = bar.step.kind === 'compensation';
          const fill = bar.failed ? 'var(--sg-fail)' : compensation ? `url(#${hatch})` : 'var(--sg-action)';
          const stroke = bar.failed ? 'var(--sg-fail)' : compensation ? 'var(--sg-comp)' : 'var(--sg-action)';
          return (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG <g> is not interactive; role=img gives each bar its accessible name.
            <g
              key={bar.key}
              role="img"
              aria-label={label}
              data-kind={bar.step.kind}
              data-status={bar.step.status}
              data-service={bar.step.service}
            >
              <title>{label}</title>
              <rect
                x={bar.x}
                y={bar.y}
                width={bar.width}
                height={bar.height}
                rx={3}
                strokeWidth={bar.failed ? 2 : 1.5}
                strokeDasharray={compensation ? '4 2' : undefined}
                style={{ fill, stroke }}
              />
              {compensation && inside && (
                <rect
                  x={bar.x + 4}
                  y={bar.y + 3}
                  width={Math.min(bar.width - 8, text.length * CHAR_WIDTH + 4)}
                  height={bar.height - 6}
                  rx={2}
                  style={{ fill: 'var(--sg-comp-bg)' }}
                />
              )}
              <text
                x={textX}
                textAnchor={anchor}
                y={bar.y + bar.height / 2 + 4}
                fontSize="12"
                fontWeight={bar.failed ? 700 : 500}
                style={{
                  fill:
                    inside && !compensation ? 'var(--sg-action-text)' : bar.failed ? 'var(--sg-fail)' : 'var(--sg-fg)',
                }}
              >
                {text}
              </text>
            </g>
          );
        })}

        {failed?.step.error && (
          <text
            x={Math.max(layout.plotX, Math.min(failed.x, layout.width - 420))}
            y={failed.y + failed.height + 13}
            fontSize="11"
            fontWeight="600"
            data-testid="failed-step-error"
            style={{ fill: 'var(--sg-fail)' }}
          >
            {`✕ ${failed.step.name} failed: ${failed.step.error.length > 60 ? `${failed.step.error.slice(0, 59)}…` : failed.step.error}`}
          </text>
        )}

        {!ended && (
          <g>
            <line
              x1={nowX}
              x2={nowX}
              y1={layout.axisY - 4}
              y2={layout.height}
              strokeDasharray="2 2"
              style={{ stroke: run.status === 'stuck' ? 'var(--sg-warn)' : 'var(--sg-run)' }}
            />
            <text x={nowX - 4} y={layout.height - 4} fontSize="10" textAnchor="end" style={{ fill: 'var(--sg-muted)' }}>
              {run.status === 'stuck' ? 'now (stuck)' : 'now'}
            </text>
          </g>
        )}
      </svg>
      <p className={styles.muted} style={{ margin: '4px 8px' }}>
        Span of the chart: {formatDuration(layout.t1 - layout.t0)}
      </p>
    </div>
  );
}
