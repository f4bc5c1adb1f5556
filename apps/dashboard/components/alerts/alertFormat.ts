import type { AlertKind, AlertView, LabelMatcher } from './alertModel';

/** Text for alert values, times and labels. Pure. */

/** Labels shown as chips; alertname is the row title already. */
export function displayLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname')
    .sort(([a], [b]) => labelOrder(a) - labelOrder(b) || a.localeCompare(b));
}

const FIRST = ['severity', 'service', 'dependency', 'breaker', 'bulkhead', 'saga', 'kind'];
function labelOrder(name: string): number {
  const i = FIRST.indexOf(name);
  return i < 0 ? FIRST.length : i;
}

export function formatValue(kind: string | undefined, value: number | null): string {
  if (value === null) return '—';
  switch (kind as AlertKind | undefined) {
    case 'breaker_open':
      return value >= 1 ? 'open' : 'closed';
    case 'edge_error_rate':
    case 'bulkhead_saturation':
    case 'saga_compensation_rate':
      return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
    case 'edge_latency_p99':
      return `${Math.round(value)} ms`;
    case 'bulkhead_rejections':
      return `${value.toFixed(1)}/s`;
    case 'saga_stuck':
      return `${Math.round(value)} s`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(3);
  }
}

export function formatThreshold(kind: AlertKind, threshold: number | null): string {
  if (threshold === null) return '—';
  const op = kind === 'bulkhead_saturation' ? '≥' : '>';
  return `${op} ${formatValue(kind, threshold)}`;
}

/** "42 s", "3 min", "2 h 5 min", "3 d". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d`;
}

export function formatAgo(atMs: number, nowMs: number): string {
  return `${formatDuration(nowMs - atMs)} ago`;
}

export function formatClock(atMs: number): string {
  return new Date(atMs).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** When the alert entered its current state. */
export function stateSince(a: Pick<AlertView, 'state' | 'activeAtMs' | 'firedAtMs' | 'resolvedAtMs'>): number {
  if (a.state === 'resolved') return a.resolvedAtMs ?? a.activeAtMs;
  if (a.state === 'firing') return a.firedAtMs ?? a.activeAtMs;
  return a.activeAtMs;
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}"${m.value}"`;
}

/**
 * Services affected in each group: every service or dependency named by the
 * group's alerts, except the root cause itself (as the server's grouping
 * computes it for notifications).
 */
export function affectedByGroup(alerts: readonly AlertView[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const a of alerts) {
    if (a.group === null) continue;
    let set = sets.get(a.group);
    if (!set) {
      set = new Set();
      sets.set(a.group, set);
    }
    for (const name of [a.labels.service, a.labels.dependency]) if (name && name !== a.rootCause) set.add(name);
  }
  return new Map([...sets].map(([k, v]) => [k, [...v].sort()]));
}

const STATE_RANK = { firing: 0, pending: 1, resolved: 2 } as const;
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

/** Firing first, then pending, then resolved; within a state the most severe, then the oldest. */
export function sortAlerts(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort(
    (a, b) =>
      STATE_RANK[a.state] - STATE_RANK[b.state] ||
      (SEVERITY_RANK[a.labels.severity ?? ''] ?? 3) - (SEVERITY_RANK[b.labels.severity ?? ''] ?? 3) ||
      a.activeAtMs - b.activeAtMs,
  );
}

/** Firing and not silenced: what the header counts. */
export function countFiring(alerts: readonly Pick<AlertView, 'state' | 'silencedBy'>[]): number {
  return alerts.filter((a) => a.state === 'firing' && !a.silencedBy).length;
}
