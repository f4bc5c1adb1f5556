import type { SagaStatus } from '../../server/sagas/sagaApiTypes';
import styles from './sagas.module.css';

const GLYPH: Record<SagaStatus, string> = {
  completed: '✓',
  compensated: '↩',
  failed: '✕',
  running: '▶',
  stuck: '⚠',
};

/** Status as glyph + word: never colour alone. */
export function StatusBadge({ status }: { status: SagaStatus }) {
  return (
    <span className={`${styles.badge} ${styles[`status_${status}`] ?? ''}`} data-status={status}>
      <span aria-hidden="true">{GLYPH[status] ?? '•'}</span>
      {status}
    </span>
  );
}
