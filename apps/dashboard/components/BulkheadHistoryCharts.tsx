'use client';
import { useEffect, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../lib/apiClient';
import type { BulkheadHistoryPoint } from '../lib/apiTypes';
import { formatClock, formatPercent } from '../lib/format';

const HISTORY_MS = 30 * 60_000;
const tick = { fontSize: 10, fill: 'var(--fl-muted)' };
const tooltipStyle = { background: 'var(--fl-surface)', border: '1px solid var(--fl-border)' };

/** Occupancy, queue and rejections of one pool over the last 30 minutes (to the viewed moment). */
export function BulkheadHistoryCharts({ service, name, at }: { service: string; name: string; at: number | null }) {
  const [points, setPoints] = useState<BulkheadHistoryPoint[] | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    const load = () => {
      const to = at ?? Date.now();
      api
        .bulkheadHistory(service, name, to - HISTORY_MS, to, ctrl.signal)
        .then(setPoints)
        .catch(() => {
          if (!ctrl.signal.aborted) setPoints([]);
        });
    };
    load();
    const timer = at === null ? setInterval(load, 10_000) : null;
    return () => {
      ctrl.abort();
      if (timer) clearInterval(timer);
    };
  }, [service, name, at]);

  if (points === null) return <p className="muted">Loading…</p>;
  if (points.length === 0) return <p className="muted">No history in the last 30 minutes.</p>;
  const x = <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatClock} tick={tick} />;
  return (
    <div className="charts" data-testid="bulkhead-charts">
      <div>
        <p className="chart-title">Active and queued vs limits</p>
        <AreaChart width={420} height={170} data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--fl-border)" strokeDasharray="3 3" />
          {x}
          <YAxis tick={tick} width={40} />
          <Tooltip labelFormatter={(v) => formatClock(Number(v))} contentStyle={tooltipStyle} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Area
            dataKey="active"
            name="active"
            stackId="1"
            stroke="var(--fl-accent)"
            fill="var(--fl-accent)"
            fillOpacity={0.3}
            isAnimationActive={false}
          />
          <Area
            dataKey="queued"
            name="queued"
            stackId="1"
            stroke="var(--fl-degraded)"
            fill="var(--fl-degraded)"
            fillOpacity={0.3}
            isAnimationActive={false}
          />
          <Area
            dataKey="limit"
            name="limit"
            stroke="var(--fl-failing)"
            strokeDasharray="6 3"
            fill="none"
            isAnimationActive={false}
          />
        </AreaChart>
      </div>
      <div>
        <p className="chart-title">Saturation and rejections</p>
        <LineChart width={420} height={170} data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--fl-border)" strokeDasharray="3 3" />
          {x}
          <YAxis yAxisId="sat" domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v)} tick={tick} width={48} />
          <YAxis yAxisId="rej" orientation="right" tick={tick} width={40} />
          <Tooltip labelFormatter={(v) => formatClock(Number(v))} contentStyle={tooltipStyle} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line
            yAxisId="sat"
            dataKey="saturation"
            name="saturation"
            stroke="var(--fl-accent)"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="rej"
            dataKey="rejectionsPerSec"
            name="rejections/s"
            stroke="var(--fl-failing)"
            strokeDasharray="4 2"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </div>
    </div>
  );
}
