import type { AlertNotificationEvent } from './alertModel';

/** What a toast says about one notification. Pure. */
export interface ToastText {
  title: string;
  body: string;
  severity: string;
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export function toastText(n: AlertNotificationEvent): ToastText {
  const alerts = n.alerts ?? [];
  const firing = alerts.filter((a) => a.state === 'firing');
  const shown = n.status === 'firing' && firing.length > 0 ? firing : alerts;
  const severity =
    [...shown.map((a) => a.labels.severity ?? '')].sort(
      (a, b) => (SEVERITY_RANK[a] ?? 3) - (SEVERITY_RANK[b] ?? 3),
    )[0] || 'warning';
  const names = [...new Set(shown.map((a) => a.labels.alertname ?? a.ruleName))];
  const verb = n.status === 'firing' ? 'Firing' : 'Resolved';
  const title = `${verb}: ${names.slice(0, 2).join(', ')}${names.length > 2 ? ` and ${names.length - 2} more` : ''}`;
  let body: string;
  if (n.rootCause) {
    const affected =
      n.affectedServices ??
      [...new Set(alerts.flatMap((a) => [a.labels.service, a.labels.dependency]))].filter(
        (s): s is string => !!s && s !== n.rootCause,
      );
    body = `${n.rootCause} is the root cause${affected.length > 0 ? `; affected: ${affected.join(', ')}` : ''}.`;
  } else {
    const first = shown[0];
    const subject = first
      ? [first.labels.service, first.labels.dependency ?? first.labels.bulkhead ?? first.labels.saga]
          .filter(Boolean)
          .join(' → ')
      : '';
    body = first?.annotations.summary || subject || `${shown.length} alert${shown.length === 1 ? '' : 's'}`;
  }
  if (shown.length > 1) body += ` (${shown.length} alerts)`;
  return { title, body, severity };
}
