'use client';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { EdgeHistoryPoint } from '../lib/apiTypes';
import { formatClock, formatDuration, formatPercent } from '../lib/format';

const W = 320;
const H = 150;
const tick = { fontSize: 10, fill: 'var(--fl-muted)' };

/** Latency (p50/p99) and error rate of one edge over time; a marker at the viewed moment. */
export function EdgeHistoryCharts({ points, at }: { points: EdgeHistoryPoint[]; at: number | null }) {
  if (points.length === 0) return <p className="muted">No history for this moment.</p>;
  return (
    <div>
      <p className="chart-title">Latency</p>
      <LineChart width={W} height={H} data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--fl-border)" strokeDasharray="3 3" />
        <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatClock} tick={tick} />
        <YAxis tickFormatter={(v: number) => formatDuration(v)} tick={tick} width={54} />
        <Tooltip
          labelFormatter={(v) => formatClock(Number(v))}
          formatter={(v) => formatDuration(Number(v))}
          contentStyle={{ background: 'var(--fl-surface)', border: '1px solid var(--fl-border)' }}
        />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {at !== null && <ReferenceLine x={at} stroke="var(--fl-accent)" />}
        <Line dataKey="p50Ms" name="p50" stroke="var(--fl-closed)" dot={false} isAnimationActive={false} />
        <Line
          dataKey="p99Ms"
          name="p99"
          stroke="var(--fl-open)"
          strokeDasharray="5 3"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <p className="chart-title">Error rate and retries</p>
      <LineChart width={W} height={H} data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--fl-border)" strokeDasharray="3 3" />
        <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={formatClock} tick={tick} />
        <YAxis yAxisId="err" domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v)} tick={tick} width={54} />
        <YAxis yAxisId="amp" orientation="right" tick={tick} width={30} />
        <Tooltip
          labelFormatter={(v) => formatClock(Number(v))}
          contentStyle={{ background: 'var(--fl-surface)', border: '1px solid var(--fl-border)' }}
        />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {at !== null && <ReferenceLine yAxisId="err" x={at} stroke="var(--fl-accent)" />}
        <Line
          yAxisId="err"
          dataKey="errorRate"
          name="errors"
          stroke="var(--fl-failing)"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          yAxisId="amp"
          dataKey="retryAmplification"
          name="attempts/call"
          stroke="var(--fl-degraded)"
          strokeDasharray="2 2"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
