'use client';
import { Handle, type NodeProps, Position, useStore } from '@xyflow/react';
import { memo } from 'react';
import { healthLook } from '../lib/breakerStyle';
import { formatPercent, formatRate } from '../lib/format';
import { WHAT_IF_NODE_TAG } from '../lib/whatIfView';
import type { ServiceFlowNode } from './mapElements';

/** Below this zoom nodes are drawn as plain coloured blocks: text would be unreadable anyway and costs layout time. */
export const DETAIL_ZOOM = 0.45;
const zoomedIn = (s: { transform: [number, number, number] }) => s.transform[2] >= DETAIL_ZOOM;

const KIND_GLYPH = { service: '', database: '⛁ ', virtual: '◌ ' } as const;

function ServiceNodeImpl({ data }: NodeProps<ServiceFlowNode>) {
  const detailed = useStore(zoomedIn);
  const { service, role, match, dimmed, whatIf } = data;
  const look = healthLook(service.health);
  const style = { '--node-color': `var(${look.colorVar})` } as React.CSSProperties;
  const handles = (
    <>
      <Handle type="target" position={Position.Left} className="fl-handle" isConnectable={false} />
      <Handle type="source" position={Position.Right} className="fl-handle" isConnectable={false} />
    </>
  );
  if (!detailed) {
    return (
      <div className={`fl-node-lod${dimmed ? ' dimmed' : ''}${whatIf ? ` whatif-${whatIf}` : ''}`} style={style}>
        {handles}
      </div>
    );
  }
  const cls = [
    'fl-node',
    service.kind,
    role ?? '',
    match ? 'match' : '',
    dimmed ? 'dimmed' : '',
    whatIf ? `whatif-${whatIf}` : '',
  ].join(' ');
  return (
    <div
      className={cls}
      style={style}
      data-health={service.health}
      data-whatif={whatIf ?? undefined}
      data-testid={`node-${service.name}`}
    >
      {handles}
      {whatIf && (
        <span className="tag whatif" data-testid={`whatif-tag-${service.name}`}>
          <span aria-hidden="true">{WHAT_IF_NODE_TAG[whatIf].glyph}</span> {WHAT_IF_NODE_TAG[whatIf].text}
        </span>
      )}
      {role === 'root-cause' && <span className="tag">ROOT CAUSE</span>}
      {role === 'blast-radius' && <span className="tag blast">IMPACTED</span>}
      <div className="name" title={service.name}>
        <span className="health-glyph" aria-hidden="true">
          {look.glyph}
        </span>{' '}
        {KIND_GLYPH[service.kind]}
        {service.name}
      </div>
      <div className="meta">
        <span>{look.label}</span>
        {service.rps !== undefined && <span>{formatRate(service.rps)}</span>}
        {service.errorRate !== undefined && service.errorRate > 0 && (
          <span>err {formatPercent(service.errorRate)}</span>
        )}
        {service.eventLoopUtilization !== null && <span>ELU {formatPercent(service.eventLoopUtilization)}</span>}
      </div>
      {(service.saturated || service.eventLoopSaturated) && (
        <span className="sat-badge">
          {[service.saturated ? '⚠ SATURATED' : null, service.eventLoopSaturated ? '⏱ EVENT LOOP' : null]
            .filter(Boolean)
            .join(' · ')}
        </span>
      )}
    </div>
  );
}

export const ServiceNode = memo(ServiceNodeImpl);
