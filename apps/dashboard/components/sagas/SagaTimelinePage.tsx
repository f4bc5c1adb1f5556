'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { SagaRunDetail } from '../../server/sagas/sagaApiTypes';
import { formatDuration } from './ganttLayout';
import { SagaGantt } from './SagaGantt';
import { StatusBadge } from './StatusBadge';
import styles from './sagas.module.css';
import { fetchRun, fetchTraceUrlTemplate, traceLink } from './sagasApi';
import { listenToSagas } from './sagasSocket';

const FALLBACK_POLL_MS = 5000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `/sagas/[id]`: one run's timeline, refreshed live while it has not ended. */
export function SagaTimelinePage({ id }: { id: string }) {
  const [run, setRun] = useState<SagaRunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(async () => {
    try {
      const detail = await fetchRun(id);
      setRun(detail);
      setError(null);
      setNow(Date.now());
    } catch (err) {
      setError((err as Error).message);
    }
  }, [id]);

  useEffect(() => {
    void load();
    void fetchTraceUrlTemplate().then(setTemplate);
  }, [load]);

  const ended = run?.endedAt !== null && run?.endedAt !== undefined;
  useEffect(() => {
    // Live: every report of this run reloads it; a slow poll covers a lost socket.
    const stop = listenToSagas({
      onRun: (summary) => {
        if (summary.id === id) void load();
      },
    });
    if (ended) return stop;
    const timer = setInterval(() => void load(), FALLBACK_POLL_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [id, load, ended]);

  if (error && !run) {
    return (
      <main className={styles.theme}>
        <p>
          <Link className={styles.link} href="/sagas">
            ← Sagas
          </Link>
        </p>
        <div className={`${styles.banner} ${styles.bannerError}`} role="alert">
          Could not load saga run {id}: {error}
        </div>
      </main>
    );
  }
  if (!run) {
    return (
      <main className={styles.theme} aria-busy="true">
        <p className={styles.muted}>Loading saga run {id}…</p>
      </main>
    );
  }

  const link = traceLink(template, { traceId: run.traceId, service: run.service });
  const compensations = run.steps.filter((s) => s.kind === 'compensation');
  const failedAction = run.steps.find((s) => s.kind === 'action' && s.status === 'failed');
  const failedCompensation = compensations.find((s) => s.status === 'failed');

  return (
    <main className={styles.theme}>
      <p>
        <Link className={styles.link} href="/sagas">
          ← Sagas
        </Link>
      </p>
      <h1 className={styles.title}>
        {run.name || 'unnamed saga'} <StatusBadge status={run.status} />
      </h1>
      <p className={styles.subtitle}>
        Run <code>{run.id}</code>
      </p>
      <div className={styles.meta}>
        <span>Started {new Date(run.startedAt).toLocaleString()}</span>
        <span>
          {run.endedAt === null
            ? `Running for ${formatDuration(now - run.startedAt)}`
            : `Took ${formatDuration(run.endedAt - run.startedAt)}`}
        </span>
        <span>
          {plural(run.services.length, 'service')} · {plural(run.steps.length - compensations.length, 'action')} ·{' '}
          {plural(compensations.length, 'compensation')}
        </span>
        {link ? (
          <a className={styles.link} href={link} target="_blank" rel="noreferrer">
            Open trace ↗
          </a>
        ) : run.traceId ? (
          <span className={styles.muted}>Trace {run.traceId}</span>
        ) : null}
      </div>

      {run.status === 'stuck' && (
        <div className={styles.banner} role="status">
          ⚠ Stuck: this run started {formatDuration(now - run.startedAt)} ago and has not ended. Its orchestrator may
          have crashed or be waiting on a step that never returns.
        </div>
      )}
      {failedAction && (
        <div className={`${styles.banner} ${styles.bannerError}`}>
          ✕ Step <strong>{failedAction.name}</strong> failed on {failedAction.service}
          {failedAction.error ? `: ${failedAction.error}` : ''}.{' '}
          {compensations.length > 0
            ? `${compensations.length} compensation${compensations.length === 1 ? '' : 's'} ran to undo the completed steps.`
            : 'No compensation ran.'}
        </div>
      )}
      {failedCompensation && (
        <div className={`${styles.banner} ${styles.bannerError}`} role="alert">
          Compensation <strong>{failedCompensation.name}</strong> failed
          {failedCompensation.error ? `: ${failedCompensation.error}` : ''} — this run is left partly done and needs an
          operator.
        </div>
      )}

      <div className={styles.legend} aria-hidden="true">
        <span>
          <span className={styles.legendSwatch} style={{ background: 'var(--sg-action)' }} />
          action
        </span>
        <span>
          <span
            className={styles.legendSwatch}
            style={{
              background: 'repeating-linear-gradient(45deg, var(--sg-comp) 0 3px, var(--sg-comp-bg) 3px 6px)',
              outline: '1px dashed var(--sg-comp)',
            }}
          />
          ↩ compensation
        </span>
        <span>
          <span className={styles.legendSwatch} style={{ background: 'var(--sg-fail)' }} />✕ failed
        </span>
        <span>- - ➝ undo path</span>
      </div>

      {run.steps.length === 0 ? (
        <p className={styles.muted}>No step spans have arrived for this run yet.</p>
      ) : (
        <SagaGantt run={run} nowMs={now} />
      )}

      <section className={styles.section} aria-labelledby="steps-title">
        <h2 id="steps-title" className={styles.sectionTitle}>
          Steps
        </h2>
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Step</th>
              <th scope="col">Kind</th>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col">Start</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {run.steps.map((s) => (
              <tr key={s.spanId} data-kind={s.kind}>
                <td>{s.index === null ? '–' : s.index + 1}</td>
                <td>{s.name}</td>
                <td>{s.kind === 'compensation' ? '↩ compensation' : 'action'}</td>
                <td>{s.service}</td>
                <td className={s.status === 'failed' ? styles.error : undefined}>
                  {s.status === 'failed' ? '✕ failed' : s.status}
                </td>
                <td>+{formatDuration(s.startedAt - run.startedAt)}</td>
                <td>{formatDuration(s.endedAt - s.startedAt)}</td>
                <td className={styles.error}>{s.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
