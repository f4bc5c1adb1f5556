'use client';

import { useState } from 'react';
import { formatThreshold } from './alertFormat';
import { type AlertRule, isPaused, KIND_INFO } from './alertModel';
import styles from './alerts.module.css';
import { SeverityBadge } from './Badges';

export interface RuleActions {
  onEdit: (rule: AlertRule) => void;
  onTogglePause: (rule: AlertRule) => void;
  onDelete: (rule: AlertRule) => void;
}

function selectorText(rule: AlertRule): string {
  const parts = Object.entries(rule.selector).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(', ') : 'everything';
}

function channelsText(rule: AlertRule): string {
  return rule.channels.map((c) => (c.type === 'ui' ? 'UI' : `webhook ${c.name ?? hostOf(c.url)}`)).join(', ') || '—';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function RulesTable({
  rules,
  busyId,
  actions,
  onNew,
}: {
  rules: readonly AlertRule[];
  busyId: string | null;
  actions: RuleActions;
  onNew: () => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const sorted = [...rules].sort(
    (a, b) => Number(a.source === 'file') - Number(b.source === 'file') || a.name.localeCompare(b.name),
  );
  return (
    <section className={styles.section} aria-labelledby="rules-heading" data-testid="rules">
      <div className={styles.sectionHeader}>
        <h2 id="rules-heading" tabIndex={-1}>
          Rules
        </h2>
        <button type="button" className={styles.buttonPrimary} onClick={onNew}>
          New rule
        </button>
      </div>
      {sorted.length === 0 ? (
        <p className={styles.empty}>
          No rules yet. Create one here, through <code>POST /api/alerts/rules</code>, or in{' '}
          <code>faultline.alerts.yaml</code>.
        </p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <caption className={styles.srOnly}>Alert rules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Condition</th>
                <th scope="col">Selector</th>
                <th scope="col">For</th>
                <th scope="col">Severity</th>
                <th scope="col">Notify</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className={styles.srOnly}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((rule) => {
                const paused = isPaused(rule);
                const readOnly = rule.source === 'file';
                const busy = busyId === rule.id;
                return (
                  <tr key={rule.id} data-testid="rule-row" data-rule={rule.name}>
                    <td>
                      <div className={styles.alertTitle}>{rule.name}</div>
                      {readOnly && (
                        <span
                          className={`${styles.badge} ${styles.info}`}
                          title="Defined in faultline.alerts.yaml; edit the file to change it"
                        >
                          file · read-only
                        </span>
                      )}
                    </td>
                    <td>
                      {KIND_INFO[rule.kind].label}
                      {rule.threshold !== null && (
                        <span className={styles.nowrap}> {formatThreshold(rule.kind, rule.threshold)}</span>
                      )}
                    </td>
                    <td className={styles.small}>{selectorText(rule)}</td>
                    <td className={styles.nowrap}>
                      {rule.forSeconds} s
                      {rule.keepFiringForSeconds > 0 && (
                        <div className={`${styles.small} ${styles.muted}`}>keep {rule.keepFiringForSeconds} s</div>
                      )}
                    </td>
                    <td>
                      <SeverityBadge severity={rule.severity} />
                    </td>
                    <td className={styles.small}>{channelsText(rule)}</td>
                    <td>
                      {paused ? (
                        <span className={`${styles.badge} ${styles.neutral}`} data-testid="rule-status">
                          <span aria-hidden="true">❚❚</span>paused
                        </span>
                      ) : (
                        <span className={`${styles.badge} ${styles.ok}`} data-testid="rule-status">
                          <span aria-hidden="true">▶</span>active
                        </span>
                      )}
                    </td>
                    <td>
                      <div className={styles.buttons}>
                        {readOnly ? (
                          <button type="button" className={styles.button} onClick={() => actions.onEdit(rule)}>
                            View<span className={styles.srOnly}> rule {rule.name}</span>
                          </button>
                        ) : confirming === rule.id ? (
                          <>
                            <button
                              type="button"
                              className={styles.buttonDanger}
                              disabled={busy}
                              onClick={() => {
                                setConfirming(null);
                                actions.onDelete(rule);
                              }}
                            >
                              Confirm delete<span className={styles.srOnly}> rule {rule.name}</span>
                            </button>
                            <button type="button" className={styles.button} onClick={() => setConfirming(null)}>
                              Cancel
                            </button>
                          </>
                        ) : (
                          <>
                            <button type="button" className={styles.button} onClick={() => actions.onEdit(rule)}>
                              Edit<span className={styles.srOnly}> rule {rule.name}</span>
                            </button>
                            <button
                              type="button"
                              className={styles.button}
                              disabled={busy}
                              onClick={() => actions.onTogglePause(rule)}
                            >
                              {paused ? 'Resume' : 'Pause'}
                              <span className={styles.srOnly}> rule {rule.name}</span>
                            </button>
                            <button
                              type="button"
                              className={styles.buttonDanger}
                              disabled={busy}
                              onClick={() => setConfirming(rule.id)}
                            >
                              Delete<span className={styles.srOnly}> rule {rule.name}</span>
                            </button>
                          </>
                        )}
                      </div>
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
