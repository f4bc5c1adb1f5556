import { displayLabels, formatClock, formatValue } from './alertFormat';
import type { AlertTransition } from './alertModel';
import styles from './alerts.module.css';
import { LabelChips, StateBadge } from './Badges';

export function AlertHistory({ history }: { history: readonly AlertTransition[] }) {
  const recent = [...history].sort((a, b) => b.atMs - a.atMs).slice(0, 50);
  return (
    <section className={styles.section} aria-labelledby="alert-history-heading" data-testid="alert-history">
      <div className={styles.sectionHeader}>
        <h2 id="alert-history-heading">Recent history</h2>
        <span className={styles.muted}>last 24 h, newest first</span>
      </div>
      {recent.length === 0 ? (
        <p className={styles.empty}>No alert has changed state in the last 24 hours.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption className={styles.srOnly}>Alert state transitions</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Alert</th>
                <th scope="col">Transition</th>
                <th scope="col">Labels</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((t) => (
                <tr key={`${t.ruleId}:${t.fingerprint}:${t.atMs}:${t.to}`} data-testid="history-row">
                  <td className={styles.nowrap}>
                    <time dateTime={new Date(t.atMs).toISOString()}>{formatClock(t.atMs)}</time>
                  </td>
                  <td className={styles.alertTitle}>{t.ruleName}</td>
                  <td className={styles.nowrap}>
                    {t.from === 'normal' ? <span className={styles.muted}>normal</span> : <StateBadge state={t.from} />}
                    <span aria-hidden="true"> → </span>
                    <span className={styles.srOnly}> to </span>
                    {t.to === 'normal' ? <span className={styles.muted}>normal</span> : <StateBadge state={t.to} />}
                  </td>
                  <td>
                    <LabelChips labels={displayLabels(t.labels)} label={`Labels of ${t.ruleName}`} />
                  </td>
                  <td className={styles.nowrap}>{formatValue(t.labels.kind, t.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
