'use client';

import { useEffect, useRef, useState } from 'react';
import { formatClock, formatDuration, formatMatcher } from './alertFormat';
import type { FieldError, LabelMatcher, Silence } from './alertModel';
import styles from './alerts.module.css';
import { alertsApi } from './alertsApi';
import { emptySilenceForm, mapSilenceErrors, type SilenceFormState, silenceInputFromForm } from './silenceForm';

const OPS: LabelMatcher['op'][] = ['=', '!=', '=~', '!~'];

/** Active and scheduled silences, a form to add one (matchers + end time), and expiring them. */
export function SilencesPanel({
  silences,
  now,
  draft,
  onDraftChange,
  onChanged,
  onUnauthorized,
}: {
  silences: readonly Silence[];
  now: number;
  /** The open form, or null when closed (the page opens it prefilled from an alert). */
  draft: SilenceFormState | null;
  onDraftChange: (draft: SilenceFormState | null) => void;
  onChanged: () => void;
  onUnauthorized: () => void;
}) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const firstInput = useRef<HTMLInputElement>(null);
  const formOpen = draft !== null;

  useEffect(() => {
    if (formOpen) firstInput.current?.focus();
  }, [formOpen]);

  const mapped = mapSilenceErrors(errors);
  const id = (control: string) => `silence-${control.replace(/\./g, '-')}`;
  const err = (control: string) =>
    mapped.byControl.has(control) ? (
      <span id={`${id(control)}-error`} className={styles.fieldError}>
        {mapped.byControl.get(control)?.join('; ')}
      </span>
    ) : null;
  const aria = (control: string) => ({
    id: id(control),
    'aria-invalid': mapped.byControl.has(control) || undefined,
    'aria-describedby': mapped.byControl.has(control) ? `${id(control)}-error` : undefined,
  });

  const save = async () => {
    if (!draft) return;
    setBusy('create');
    const res = await alertsApi.createSilence(silenceInputFromForm(draft));
    setBusy(null);
    if (res.ok) {
      setErrors([]);
      setFailure(null);
      onDraftChange(null);
      onChanged();
      return;
    }
    if (res.status === 401) onUnauthorized();
    setErrors(res.errors);
    setFailure(res.errors.length > 0 ? 'The silence was not created.' : res.error);
  };

  const expire = async (s: Silence) => {
    setBusy(s.id);
    const res = await alertsApi.expireSilence(s.id);
    setBusy(null);
    if (!res.ok) {
      if (res.status === 401) onUnauthorized();
      setFailure(res.error);
    }
    onChanged();
  };

  const setMatcher = (i: number, patch: Partial<LabelMatcher>) =>
    draft && onDraftChange({ ...draft, matchers: draft.matchers.map((m, j) => (j === i ? { ...m, ...patch } : m)) });

  return (
    <section className={styles.section} aria-labelledby="silences-heading" data-testid="silences">
      <div className={styles.sectionHeader}>
        <h2 id="silences-heading">Silences</h2>
        {!formOpen && (
          <button type="button" className={styles.button} onClick={() => onDraftChange(emptySilenceForm(now))}>
            New silence
          </button>
        )}
      </div>
      <div className={styles.sectionBody}>
        {failure && !formOpen && (
          <p className={styles.errorSummary} role="alert">
            {failure}
          </p>
        )}
        {draft && (
          <form
            className={styles.form}
            noValidate
            aria-label="New silence"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {(failure || mapped.general.length > 0) && (
              <div className={styles.errorSummary} role="alert">
                <strong>{failure}</strong>
                {mapped.general.length > 0 && (
                  <ul>
                    {mapped.general.map((e) => (
                      <li key={`${e.field}:${e.message}`}>
                        {e.field || 'silence'}: {e.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            <fieldset className={styles.fieldset}>
              <legend>Matchers (all must match)</legend>
              {err('matchers')}
              {draft.matchers.map((m, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
                <div className={styles.matcherRow} key={i}>
                  <div className={styles.field}>
                    <label htmlFor={id(`matchers.${i}.name`)}>Label {i + 1}</label>
                    <input
                      {...aria(`matchers.${i}.name`)}
                      ref={i === 0 ? firstInput : undefined}
                      type="text"
                      value={m.name}
                      onChange={(e) => setMatcher(i, { name: e.target.value })}
                    />
                    {err(`matchers.${i}.name`)}
                  </div>
                  <div className={styles.field}>
                    <label htmlFor={id(`matchers.${i}.op`)}>Operator {i + 1}</label>
                    <select
                      {...aria(`matchers.${i}.op`)}
                      value={m.op}
                      onChange={(e) => setMatcher(i, { op: e.target.value as LabelMatcher['op'] })}
                    >
                      {OPS.map((op) => (
                        <option key={op} value={op}>
                          {op}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className={styles.field}>
                    <label htmlFor={id(`matchers.${i}.value`)}>Value {i + 1}</label>
                    <input
                      {...aria(`matchers.${i}.value`)}
                      type="text"
                      value={m.value}
                      onChange={(e) => setMatcher(i, { value: e.target.value })}
                    />
                    {err(`matchers.${i}.value`)}
                  </div>
                  <button
                    type="button"
                    className={styles.button}
                    style={{ alignSelf: 'end' }}
                    disabled={draft.matchers.length === 1}
                    onClick={() => onDraftChange({ ...draft, matchers: draft.matchers.filter((_, j) => j !== i) })}
                  >
                    Remove<span className={styles.srOnly}> matcher {i + 1}</span>
                  </button>
                </div>
              ))}
              <div>
                <button
                  type="button"
                  className={styles.button}
                  onClick={() =>
                    onDraftChange({ ...draft, matchers: [...draft.matchers, { name: '', op: '=', value: '' }] })
                  }
                >
                  Add matcher
                </button>
              </div>
            </fieldset>
            <div className={styles.fieldGrid}>
              <div className={styles.field}>
                <label htmlFor={id('endsAt')}>Ends at (local time)</label>
                <input
                  {...aria('endsAt')}
                  type="datetime-local"
                  value={draft.endsAt}
                  onChange={(e) => onDraftChange({ ...draft, endsAt: e.target.value })}
                />
                {err('endsAt')}
              </div>
              <div className={styles.field}>
                <label htmlFor={id('createdBy')}>Created by</label>
                <input
                  {...aria('createdBy')}
                  type="text"
                  value={draft.createdBy}
                  onChange={(e) => onDraftChange({ ...draft, createdBy: e.target.value })}
                />
                {err('createdBy')}
              </div>
              <div className={styles.field}>
                <label htmlFor={id('comment')}>Comment</label>
                <input
                  {...aria('comment')}
                  type="text"
                  value={draft.comment}
                  onChange={(e) => onDraftChange({ ...draft, comment: e.target.value })}
                />
                {err('comment')}
              </div>
            </div>
            <div className={styles.buttons}>
              <button type="submit" className={styles.buttonPrimary} disabled={busy === 'create'}>
                Create silence
              </button>
              <button
                type="button"
                className={styles.button}
                onClick={() => {
                  setErrors([]);
                  setFailure(null);
                  onDraftChange(null);
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        )}
        {silences.length === 0 ? (
          !formOpen && (
            <p className={styles.muted}>No active silences. Silenced alerts still show here but notify nobody.</p>
          )
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <caption className={styles.srOnly}>Active and scheduled silences</caption>
              <thead>
                <tr>
                  <th scope="col">Matchers</th>
                  <th scope="col">Status</th>
                  <th scope="col">Ends</th>
                  <th scope="col">By / comment</th>
                  <th scope="col">
                    <span className={styles.srOnly}>Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {silences.map((s) => {
                  // The page clock ticks every few seconds; a silence created just now is active, not "scheduled".
                  const active = s.startsAtMs <= Math.max(now, Date.now()) + 5000;
                  return (
                    <tr key={s.id} data-testid="silence-row">
                      <td>
                        <ul className={styles.chips} aria-label="Matchers">
                          {s.matchers.map((m) => (
                            <li key={formatMatcher(m)} className={styles.chip}>
                              {formatMatcher(m)}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <span className={`${styles.badge} ${active ? styles.info : styles.neutral}`}>
                          <span aria-hidden="true">⊘</span>
                          {active ? 'active' : `starts ${formatClock(s.startsAtMs)}`}
                        </span>
                      </td>
                      <td className={styles.nowrap}>
                        <time dateTime={new Date(s.endsAtMs).toISOString()}>{formatClock(s.endsAtMs)}</time>
                        <div className={`${styles.small} ${styles.muted}`}>in {formatDuration(s.endsAtMs - now)}</div>
                      </td>
                      <td className={styles.small}>
                        {s.createdBy || <span className={styles.muted}>—</span>}
                        {s.comment && <div>{s.comment}</div>}
                      </td>
                      <td>
                        <button
                          type="button"
                          className={styles.button}
                          disabled={busy === s.id}
                          onClick={() => void expire(s)}
                        >
                          Expire
                          <span className={styles.srOnly}> silence {s.matchers.map(formatMatcher).join(', ')}</span>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
