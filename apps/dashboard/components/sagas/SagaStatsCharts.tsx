'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SagaStatsPoint } from '../../server/sagas/sagaApiTypes';
import { formatDuration } from './ganttLayout';
import styles from './sagas.module.css';

function timeLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const axisStyle = { fontSize: 11, fill: 'var(--sg-muted)' };
const tooltipStyle = { background: 'var(--sg-bg)', border: '1px solid var(--sg-border)', color: 'var(--sg-fg)' };

/** Per saga type: compensation and failure rate, and duration percentiles, over time. */
export function SagaStatsCharts({
  points,
  bucketMs,
  from,
  to,
}: {
  points: SagaStatsPoint[];
  bucketMs: number;
  from: number;
  to: number;
}) {
  const domain = [from, to];
  const byName = new Map<string, SagaStatsPoint[]>();
  for (const p of points) {
    const list = byName.get(p.name) ?? [];
    list.push(p);
    byName.set(p.name, list);
  }
  if (byName.size === 0) return <p className={styles.muted}>No saga runs in this time range.</p>;
  return (
    <div className={styles.charts}>
      {[...byName].map(([name, rows]) => {
        const data = rows.map((r) => ({
          t: r.bucketStartMs,
          compensation: percent(r.compensationRate),
          failure: percent(r.failureRate),
          p50: r.p50Ms,
          p95: r.p95Ms,
          p99: r.p99Ms,
          runs: r.runs,
        }));
        const total = rows.reduce((n, r) => n + r.runs, 0);
        return (
          <figure key={name} className={styles.chartCard} data-saga-type={name} style={{ margin: 0 }}>
            <figcaption className={styles.chartTitle}>
              {name || 'unnamed'}{' '}
              <span className={styles.muted}>
                · {total} {total === 1 ? 'run' : 'runs'} · buckets of {formatDuration(bucketMs)}
              </span>
            </figcaption>
            <p className={styles.chartLabel}>Compensation and failure rate (% of finished runs)</p>
            <ResponsiveContainer width="100%" height={140}>
              <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke="var(--sg-grid)" />
                <XAxis dataKey="t" type="number" domain={domain} tickFormatter={timeLabel} tick={axisStyle} />
                <YAxis domain={[0, 100]} tick={axisStyle} unit="%" />
                <Tooltip labelFormatter={(v) => timeLabel(Number(v))} contentStyle={tooltipStyle} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Line
                  name="compensated"
                  dataKey="compensation"
                  stroke="var(--sg-comp)"
                  strokeWidth={2}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  name="compensation failed"
                  dataKey="failure"
                  stroke="var(--sg-fail)"
                  strokeDasharray="5 3"
                  strokeWidth={2}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
            <p className={styles.chartLabel}>Duration percentiles (ms)</p>
            <ResponsiveContainer width="100%" height={140}>
              <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
                <CartesianGrid stroke="var(--sg-grid)" />
                <XAxis dataKey="t" type="number" domain={domain} tickFormatter={timeLabel} tick={axisStyle} />
                <YAxis tick={axisStyle} />
                <Tooltip
                  labelFormatter={(v) => timeLabel(Number(v))}
                  formatter={(v) => formatDuration(Number(v))}
                  contentStyle={tooltipStyle}
                />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Line
                  name="p50"
                  dataKey="p50"
                  stroke="var(--sg-ok)"
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  name="p95"
                  dataKey="p95"
                  stroke="var(--sg-warn)"
                  strokeDasharray="6 3"
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  name="p99"
                  dataKey="p99"
                  stroke="var(--sg-fail)"
                  strokeDasharray="2 2"
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
