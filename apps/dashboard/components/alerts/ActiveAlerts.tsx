import {
  affectedByGroup,
  displayLabels,
  formatAgo,
  formatClock,
  formatValue,
  sortAlerts,
  stateSince,
} from './alertFormat';
import type { AlertView } from './alertModel';
import styles from './alerts.module.css';
import { LabelChips, SeverityBadge, StateBadge } from './Badges';

const ROW_CLASS = { firing: styles.rowFiring, pending: styles.rowPending, resolved: styles.rowResolved } as const;

export function ActiveAlerts({
  alerts,
  now,
  onSilence,
}: {
  alerts: readonly AlertView[];
  now: number;
  onSilence: (alert: AlertView) => void;
}) {
  const sorted = sortAlerts(alerts);
  const affected = affectedByGroup(alerts);
  const firing = alerts.filter((a) => a.state === 'firing').length;
  const pending = alerts.filter((a) => a.state === 'pending').length;
  return (
    <section className={styles.section} aria-labelledby="active-alerts-heading" data-testid="active-alerts">
      <div className={styles.sectionHeader}>
        <h2 id="active-alerts-heading">Active alerts</h2>
        <span className={styles.muted}>
          {firing} firing · {pending} pending
        </span>
      </div>
      {sorted.length === 0 ? (
        <p className={styles.empty}>No alerts are pending or firing. Rules are evaluated every few seconds.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption className={styles.srOnly}>Pending, firing and recently resolved alert instances</caption>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Severity</th>
                <th scope="col">Alert</th>
                <th scope="col">Labels</th>
                <th scope="col">Since</th>
                <th scope="col">Value</th>
                <th scope="col">Grouped under</th>
                <th scope="col">
                  <span className={styles.srOnly}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((a) => {
                const since = stateSince(a);
                const others = a.group ? (affected.get(a.group) ?? []) : [];
                return (
                  <tr
                    key={`${a.ruleId}:${a.fingerprint}`}
                    className={ROW_CLASS[a.state]}
                    data-testid="alert-row"
                    data-state={a.state}
                    data-rule={a.ruleName}
                  >
                    <td>
                      <StateBadge state={a.state} />
                      {a.silencedBy && (
                        <div>
                          <span className={`${styles.badge} ${styles.neutral}`} title={`silence ${a.silencedBy}`}>
                            <span aria-hidden="true">⊘</span>silenced
                          </span>
                        </div>
                      )}
                    </td>
                    <td>
                      <SeverityBadge severity={a.labels.severity} />
                    </td>
                    <td>
                      <div className={styles.alertTitle}>{a.ruleName}</div>
                      {a.annotations.summary && <div className={styles.small}>{a.annotations.summary}</div>}
                      {a.source === 'file' && <div className={`${styles.small} ${styles.muted}`}>rule from file</div>}
                    </td>
                    <td>
                      <LabelChips
                        labels={displayLabels(a.labels).filter(([k]) => k !== 'severity')}
                        label={`Labels of ${a.ruleName}`}
                      />
                    </td>
                    <td className={styles.nowrap}>
                      <time dateTime={new Date(since).toISOString()} title={formatClock(since)}>
                        {formatAgo(since, now)}
                      </time>
                      {a.state === 'firing' && a.activeAtMs !== since && (
                        <div className={`${styles.small} ${styles.muted}`}>
                          pending from {formatClock(a.activeAtMs)}
                        </div>
                      )}
                    </td>
                    <td className={styles.nowrap}>
                      {a.state === 'resolved' ? (
                        <span className={styles.muted}>last: {formatValue(a.labels.kind, a.value)}</span>
                      ) : (
                        formatValue(a.labels.kind, a.value)
                      )}
                    </td>
                    <td>
                      {a.rootCause ? (
                        <>
                          <div>
                            root cause <strong>{a.rootCause}</strong>
                          </div>
                          {others.length > 0 && <div className={styles.small}>affected: {others.join(', ')}</div>}
                        </>
                      ) : a.group ? (
                        <span className={styles.muted}>rule {a.labels.alertname ?? a.ruleName}</span>
                      ) : (
                        <span className={styles.muted}>—</span>
                      )}
                    </td>
                    <td>
                      {a.state !== 'resolved' && !a.silencedBy && (
                        <button type="button" className={styles.button} onClick={() => onSilence(a)}>
                          Silence<span className={styles.srOnly}> {a.ruleName}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
