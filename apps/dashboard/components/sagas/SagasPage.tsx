'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  SAGA_STATUSES,
  type SagaRunSummary,
  type SagaStatsResponse,
  type SagaStatus,
} from '../../server/sagas/sagaApiTypes';
import { formatDuration } from './ganttLayout';
import { SagaStatsCharts } from './SagaStatsCharts';
import { StatusBadge } from './StatusBadge';
import styles from './sagas.module.css';
import { fetchRuns, fetchStats } from './sagasApi';
import { listenToSagas } from './sagasSocket';

const RANGES: Record<string, { label: string; ms: number | null }> = {
  '15m': { label: 'last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'last hour', ms: 3_600_000 },
  '6h': { label: 'last 6 hours', ms: 6 * 3_600_000 },
  '24h': { label: 'last 24 hours', ms: 24 * 3_600_000 },
  '7d': { label: 'last 7 days', ms: 7 * 86_400_000 },
  all: { label: 'all time', ms: null },
};
const DEFAULT_RANGE = '24h';
const PAGE_SIZE = 50;
const STATS_REFRESH_MS = 30_000;
/** After a run finishes live, the stats reload this much later (the server caches them 10 s). */
const LIVE_STATS_DELAY_MS = 11_000;
/** Stats for "all time" cover the last week: retention is usually shorter anyway. */
const ALL_TIME_STATS_MS = 7 * 86_400_000;

interface Filters {
  name: string;
  status: SagaStatus | '';
  range: string;
}

function readFilters(params: URLSearchParams): Filters {
  const status = params.get('status') ?? '';
  const range = params.get('range') ?? DEFAULT_RANGE;
  return {
    name: params.get('name') ?? '',
    status: (SAGA_STATUSES as readonly string[]).includes(status) ? (status as SagaStatus) : '',
    range: range in RANGES ? range : DEFAULT_RANGE,
  };
}

function matches(run: SagaRunSummary, filters: Filters, from: number | undefined): boolean {
  return (
    (!filters.name || run.name === filters.name) &&
    (!filters.status || run.status === filters.status) &&
    (from === undefined || run.startedAt >= from)
  );
}

/** `/sagas`: runs with filters kept in the URL, live arrivals, and per-type stats. */
export function SagasPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readFilters(new URLSearchParams(params.toString())), [params]);
  const [nameDraft, setNameDraft] = useState(filters.name);
  const [runs, setRuns] = useState<SagaRunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [connected, setConnected] = useState(false);
  const [stats, setStats] = useState<SagaStatsResponse | null>(null);
  const fromRef = useRef<number | undefined>(undefined);
  /** Reloads the stats; set by the stats effect, called (throttled) when runs arrive live. */
  const reloadStats = useRef<() => void>(() => {});
  const statsReloadPending = useRef(false);

  useEffect(() => setNameDraft(filters.name), [filters.name]);

  const setFilter = useCallback(
    (patch: Partial<Filters>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v === '' || (k === 'range' && v === DEFAULT_RANGE)) next.delete(k);
        else next.set(k, String(v));
      }
      const text = next.toString();
      router.replace(text ? `${pathname}?${text}` : pathname, { scroll: false });
    },
    [params, router, pathname],
  );

  useEffect(() => {
    const controller = new AbortController();
    const rangeMs = RANGES[filters.range]?.ms ?? null;
    const from = rangeMs === null ? undefined : Date.now() - rangeMs;
    fromRef.current = from;
    setLoading(true);
    fetchRuns(
      { name: filters.name || undefined, status: filters.status || undefined, from, limit: PAGE_SIZE },
      controller.signal,
    )
      .then((page) => {
        setRuns(page.runs);
        setCursor(page.nextCursor);
        setError(null);
      })
      .catch((err: Error) => {
        if (err.name !== 'AbortError') setError(err.message);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [filters]);

  useEffect(() => {
    const controller = new AbortController();
    const load = () => {
      const rangeMs = RANGES[filters.range]?.ms ?? ALL_TIME_STATS_MS;
      fetchStats({ name: filters.name || undefined, from: Date.now() - rangeMs }, controller.signal)
        .then(setStats)
        .catch(() => {
          // Stats are secondary; the list shows API errors.
        });
    };
    load();
    reloadStats.current = load;
    const timer = setInterval(load, STATS_REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [filters.name, filters.range]);

  useEffect(
    () =>
      listenToSagas({
        onConnection: setConnected,
        onRun: (run) => {
          if (run.endedAt !== null && !statsReloadPending.current) {
            // Finished runs change the stats; reload them at most every few seconds.
            statsReloadPending.current = true;
            setTimeout(() => {
              statsReloadPending.current = false;
              reloadStats.current();
            }, LIVE_STATS_DELAY_MS);
          }
          setRuns((current) => {
            const i = current.findIndex((r) => r.id === run.id);
            if (i >= 0) {
              if (!matches(run, filters, fromRef.current)) return current.filter((r) => r.id !== run.id);
              const next = current.slice();
              next[i] = run;
              return next;
            }
            if (!matches(run, filters, fromRef.current)) return current;
            setFresh((f) => new Set(f).add(run.id));
            return [run, ...current].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
          });
        },
      }),
    [filters],
  );

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await fetchRuns({
        name: filters.name || undefined,
        status: filters.status || undefined,
        from: fromRef.current,
        limit: PAGE_SIZE,
        cursor,
      });
      setRuns((current) => [...current, ...page.runs.filter((r) => !current.some((c) => c.id === r.id))]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const knownNames = useMemo(
    () =>
      [...new Set([...(stats?.points.map((p) => p.name) ?? []), ...runs.map((r) => r.name)])].filter(Boolean).sort(),
    [stats, runs],
  );

  return (
    <main className={styles.theme}>
      <h1 className={styles.title}>Sagas</h1>
      <p className={styles.subtitle}>Business transactions across services, and how often they had to be undone.</p>

      <form
        className={styles.filters}
        aria-label="Filter saga runs"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ name: nameDraft.trim() });
        }}
      >
        <label className={styles.field}>
          Saga
          <input
            className={styles.input}
            name="name"
            list="saga-names"
            value={nameDraft}
            placeholder="all sagas"
            onChange={(e) => setNameDraft(e.target.value)}
            onBlur={() => nameDraft.trim() !== filters.name && setFilter({ name: nameDraft.trim() })}
          />
          <datalist id="saga-names">
            {knownNames.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </label>
        <label className={styles.field}>
          Status
          <select
            className={styles.input}
            name="status"
            value={filters.status}
            onChange={(e) => setFilter({ status: e.target.value as SagaStatus | '' })}
          >
            <option value="">any</option>
            {SAGA_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          Started
          <select
            className={styles.input}
            name="range"
            value={filters.range}
            onChange={(e) => setFilter({ range: e.target.value })}
          >
            {Object.entries(RANGES).map(([key, r]) => (
              <option key={key} value={key}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button className={styles.button} type="submit">
          Apply
        </button>
        <span className={styles.live} role="status" data-testid="sagas-connection">
          {connected ? '● new runs appear live' : '○ connecting…'}
        </span>
      </form>

      <section className={styles.section} aria-labelledby="stats-title">
        <h2 id="stats-title" className={styles.sectionTitle}>
          Per saga type
        </h2>
        {stats ? (
          <SagaStatsCharts points={stats.points} bucketMs={stats.bucketMs} from={stats.from} to={stats.to} />
        ) : (
          <p className={styles.muted}>Loading…</p>
        )}
      </section>

      <section className={styles.section} aria-labelledby="runs-title">
        <h2 id="runs-title" className={styles.sectionTitle}>
          Runs
        </h2>
        {error && (
          <div className={`${styles.banner} ${styles.bannerError}`} role="alert">
            {error}
          </div>
        )}
        <table className={styles.table} aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Saga</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Services</th>
              <th scope="col">Failed step</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} className={fresh.has(run.id) ? styles.fresh : undefined} data-run-id={run.id}>
                <td>
                  <Link className={styles.link} href={`/sagas/${encodeURIComponent(run.id)}`}>
                    {new Date(run.startedAt).toLocaleString()}
                  </Link>
                </td>
                <td>{run.name || <span className={styles.muted}>unnamed</span>}</td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{run.durationMs === null ? '–' : formatDuration(run.durationMs)}</td>
                <td>{run.services.join(', ')}</td>
                <td>
                  {run.failedStep ? (
                    <>
                      {run.failedStep}
                      {run.error && <span className={styles.error}>: {run.error}</span>}
                    </>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && runs.length === 0 && <p className={styles.muted}>No saga runs match these filters.</p>}
        {cursor && (
          <p>
            <button className={styles.button} type="button" onClick={() => void loadMore()}>
              Load older runs
            </button>
          </p>
        )}
      </section>
    </main>
  );
}
