import type { AlertState } from './alertModel';
import styles from './alerts.module.css';

const STATE_LOOK: Record<AlertState, { glyph: string; text: string; className: string | undefined }> = {
  firing: { glyph: '▲', text: 'Firing', className: styles.firing },
  pending: { glyph: '◔', text: 'Pending', className: styles.pending },
  resolved: { glyph: '✓', text: 'Resolved', className: styles.resolved },
};

/** State as glyph + word + colour, so it reads without colour too. */
export function StateBadge({ state }: { state: AlertState }) {
  const look = STATE_LOOK[state];
  return (
    <span className={`${styles.badge} ${look.className}`} data-state={state}>
      <span aria-hidden="true">{look.glyph}</span>
      {look.text}
    </span>
  );
}

const SEVERITY_LOOK: Record<string, { glyph: string; className: string | undefined }> = {
  critical: { glyph: '!!', className: styles.firing },
  warning: { glyph: '!', className: styles.pending },
  info: { glyph: 'i', className: styles.info },
};

export function SeverityBadge({ severity }: { severity: string | undefined }) {
  const s = severity ?? 'unknown';
  const look = SEVERITY_LOOK[s] ?? { glyph: '?', className: styles.neutral };
  return (
    <span className={`${styles.badge} ${look.className}`} data-severity={s}>
      <span aria-hidden="true">{look.glyph}</span>
      {s}
    </span>
  );
}

export function LabelChips({ labels, label }: { labels: [string, string][]; label: string }) {
  if (labels.length === 0) return <span className={styles.muted}>—</span>;
  return (
    <ul className={styles.chips} aria-label={label}>
      {labels.map(([k, v]) => (
        <li key={k} className={styles.chip}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}
