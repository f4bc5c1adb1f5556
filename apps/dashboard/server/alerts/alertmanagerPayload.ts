import type { AlertInstance } from './alertTypes';
import type { AlertGroup } from './grouping';

/**
 * The Alertmanager webhook payload, version 4 (prometheus/alertmanager
 * notify/webhook `Message` = template.Data + version, groupKey,
 * truncatedAlerts), so any receiver built for Alertmanager webhooks accepts
 * Faultline's notifications unchanged. Field order follows Alertmanager's
 * JSON output.
 */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339. */
  startsAt: string;
  /** RFC 3339; Go's zero time while firing. */
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhookPayload {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: AlertmanagerAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
}

/** Go's `time.Time{}` formatted RFC 3339: what Alertmanager sends as endsAt of a firing alert. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface PayloadOptions {
  receiver: string;
  /** Base URL of the dashboard, e.g. `http://faultline:3000`. */
  externalUrl: string;
  /** Alertmanager's `max_alerts`: 0 = no limit; beyond it alerts are dropped and counted in truncatedAlerts. */
  maxAlerts?: number;
}

export function buildPayload(
  group: AlertGroup,
  alerts: readonly AlertInstance[],
  options: PayloadOptions,
): AlertmanagerWebhookPayload {
  const externalURL = options.externalUrl.replace(/\/+$/, '');
  const max = options.maxAlerts ?? 0;
  // Firing first, then resolved, each oldest first — the order Alertmanager's template.Data sorts into.
  const ordered = [...alerts].sort(
    (a, b) => Number(a.state !== 'firing') - Number(b.state !== 'firing') || startsAtMs(a) - startsAtMs(b),
  );
  const kept = max > 0 ? ordered.slice(0, max) : ordered;
  return {
    receiver: options.receiver,
    status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
    alerts: kept.map((a) => toAlertmanagerAlert(a, externalURL)),
    groupLabels: { ...group.groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL,
    version: '4',
    groupKey: group.key,
    truncatedAlerts: ordered.length - kept.length,
  };
}

export function toAlertmanagerAlert(a: AlertInstance, externalURL: string): AlertmanagerAlert {
  const resolved = a.state === 'resolved';
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(startsAtMs(a)).toISOString(),
    endsAt: resolved && a.resolvedAtMs !== null ? new Date(a.resolvedAtMs).toISOString() : ZERO_TIME,
    generatorURL: `${externalURL}/alerts?rule=${encodeURIComponent(a.ruleId)}`,
    fingerprint: a.fingerprint,
  };
}

/** As Prometheus: an alert starts when it fired, not when it went pending. */
function startsAtMs(a: AlertInstance): number {
  return a.firedAtMs ?? a.activeAtMs;
}

/** The name/value pairs every set shares (template.Data's CommonLabels / CommonAnnotations). */
function common(sets: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) {
    if (rest.every((s) => s[k] === v)) out[k] = v;
  }
  return out;
}
