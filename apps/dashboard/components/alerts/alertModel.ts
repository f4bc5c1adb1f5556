/**
 * The alert API's JSON as the browser sees it. Shapes come from the server's
 * own declarations through type-only imports (erased at build time, so no
 * server code reaches the bundle); the few runtime constants the form needs
 * are restated here and pinned to the server's types at compile time.
 */
import type { AlertView } from '../../server/alerts/alertEngine';
import type { AlertState, AlertTransition, LabelMatcher, Silence } from '../../server/alerts/alertTypes';
import type {
  AlertChannel,
  AlertKind,
  AlertRule,
  FieldError,
  SelectorField,
  Severity,
} from '../../server/alerts/ruleSchema';

export type {
  AlertChannel,
  AlertKind,
  AlertRule,
  AlertState,
  AlertTransition,
  AlertView,
  FieldError,
  LabelMatcher,
  SelectorField,
  Severity,
  Silence,
};

/** `GET /api/alerts`. */
export interface AlertsResponse {
  active: AlertView[];
  history: AlertTransition[];
}

/** `POST /api/alerts/rules/preview`. */
export interface RulePreview {
  matched: number;
  wouldAlert: AlertView[] | Omit<AlertView, 'silencedBy' | 'group' | 'rootCause' | 'source'>[];
}

type NotifiedAlert = Pick<AlertView, 'ruleName' | 'labels' | 'annotations' | 'state'> & Partial<AlertView>;

/** A notification on the UI channel, as the toasts read it. */
export interface AlertNotificationEvent {
  status: 'firing' | 'resolved';
  groupKey?: string;
  rootCause?: string | null;
  affectedServices?: string[];
  alerts?: NotifiedAlert[];
}

/**
 * socket.io event `alerts` (room `alerts`) carries the engine's notification:
 * `{ status, group: { key, rootCause, affectedServices, alerts }, … }`, or the
 * same flattened (`{ status, groupKey, rootCause, alerts }`). Both are read;
 * anything else yields null.
 */
export function normalizeNotification(raw: unknown): AlertNotificationEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.status !== 'firing' && r.status !== 'resolved') return null;
  const g = (typeof r.group === 'object' && r.group !== null ? r.group : r) as Record<string, unknown>;
  const alerts = Array.isArray(g.alerts)
    ? (g.alerts as NotifiedAlert[]).filter((a) => a && typeof a.labels === 'object')
    : [];
  return {
    status: r.status,
    groupKey: typeof g.key === 'string' ? g.key : typeof r.groupKey === 'string' ? r.groupKey : undefined,
    rootCause: typeof g.rootCause === 'string' ? g.rootCause : null,
    affectedServices: Array.isArray(g.affectedServices) ? (g.affectedServices as string[]) : undefined,
    alerts: alerts.map((a) => ({ ...a, annotations: a.annotations ?? {} })),
  };
}

type Exhaustive<T extends string, L extends readonly T[]> = [T] extends [L[number]] ? L : never;

const kinds = [
  'breaker_open',
  'edge_error_rate',
  'edge_latency_p99',
  'bulkhead_saturation',
  'bulkhead_rejections',
  'saga_compensation_rate',
  'saga_stuck',
] as const satisfies readonly AlertKind[];
export const ALERT_KINDS: Exhaustive<AlertKind, typeof kinds> = kinds;

const severities = ['info', 'warning', 'critical'] as const satisfies readonly Severity[];
export const SEVERITIES: Exhaustive<Severity, typeof severities> = severities;

/** Selector fields per kind, as the server validates them (ruleSchema SELECTOR_FIELDS). */
export const SELECTOR_FIELDS: Record<AlertKind, readonly SelectorField[]> = {
  breaker_open: ['service', 'dependency', 'breaker'],
  edge_error_rate: ['service', 'dependency'],
  edge_latency_p99: ['service', 'dependency'],
  bulkhead_saturation: ['service', 'dependency', 'bulkhead'],
  bulkhead_rejections: ['service', 'dependency', 'bulkhead'],
  saga_compensation_rate: ['saga'],
  saga_stuck: ['saga'],
};

export interface KindInfo {
  label: string;
  /** What the threshold means; null when the kind has none. */
  threshold: { label: string; unit: string; min: number; max?: number; step: number; placeholder: string } | null;
}

export const KIND_INFO: Record<AlertKind, KindInfo> = {
  breaker_open: { label: 'Circuit breaker open', threshold: null },
  edge_error_rate: {
    label: 'Edge error rate',
    threshold: { label: 'Error rate above', unit: 'ratio 0–1', min: 0, max: 1, step: 0.01, placeholder: '0.05' },
  },
  edge_latency_p99: {
    label: 'Edge p99 latency',
    threshold: { label: 'p99 above', unit: 'ms', min: 0, step: 1, placeholder: '500' },
  },
  bulkhead_saturation: {
    label: 'Bulkhead saturation',
    threshold: { label: 'Saturation at or above', unit: 'ratio 0–1', min: 0, max: 1, step: 0.01, placeholder: '0.9' },
  },
  bulkhead_rejections: {
    label: 'Bulkhead rejections',
    threshold: { label: 'Rejections above', unit: 'per second', min: 0, step: 0.1, placeholder: '1' },
  },
  saga_compensation_rate: {
    label: 'Saga compensation rate',
    threshold: { label: 'Compensation rate above', unit: 'ratio 0–1', min: 0, max: 1, step: 0.01, placeholder: '0.1' },
  },
  saga_stuck: {
    label: 'Saga stuck',
    threshold: { label: 'Running longer than', unit: 'seconds', min: 0, step: 1, placeholder: '300' },
  },
};

export const SELECTOR_LABELS: Record<SelectorField, string> = {
  service: 'Service (caller)',
  dependency: 'Dependency',
  breaker: 'Breaker name',
  bulkhead: 'Bulkhead name',
  saga: 'Saga type',
};

/** A rule is paused when disabled (the UI's pause) or paused through the API. */
export function isPaused(rule: Pick<AlertRule, 'enabled' | 'paused'>): boolean {
  return !rule.enabled || rule.paused;
}
