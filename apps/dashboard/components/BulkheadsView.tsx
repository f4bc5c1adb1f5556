'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { api } from '../lib/apiClient';
import { type BulkheadRow, LIVE_EVENTS } from '../lib/apiTypes';
import { bulkheadKey, filterBulkheads, isSaturated, sortBySaturation } from '../lib/bulkheadTable';
import { formatDateTime, formatPercent, formatRate } from '../lib/format';
import { mapLinkForEdge } from '../lib/urlState';
import { BulkheadHistoryCharts } from './BulkheadHistoryCharts';
import { useLiveEvent } from './LiveProvider';

export function BulkheadsView() {
  const params = useSearchParams();
  const atRaw = params.get('at');
  const at = atRaw && /^\d+$/.test(atRaw) ? Number(atRaw) : null;
  const q = params.get('q') ?? '';
  const [rows, setRows] = useState<BulkheadRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .bulkheads(at, ctrl.signal)
      .then(setRows)
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctrl.abort();
  }, [at]);
  useLiveEvent<BulkheadRow[]>(LIVE_EVENTS.BULKHEADS, setRows, at === null);

  const shown = useMemo(() => sortBySaturation(filterBulkheads(rows ?? [], q)), [rows, q]);
  const saturatedCount = shown.filter(isSaturated).length;
  const toggle = (key: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <div className="page">
      <h1>Bulkheads and worker pools</h1>
      <p className="muted" aria-live="polite">
        {at === null ? 'Live' : `At ${formatDateTime(at)}`} · {shown.length} pools · {saturatedCount} saturated · most
        saturated first
      </p>
      {error && !rows ? (
        <p role="alert">Could not load bulkheads ({error}).</p>
      ) : rows === null ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p>
          No bulkheads reported yet. Wrap calls with <code>bulkhead(…)</code> from{' '}
          <code>@faultline/instrumentation</code>, or report <code>resilience.bulkhead.active</code> /{' '}
          <code>resilience.bulkhead.limit</code> gauges for your worker pools.
        </p>
      ) : (
        <table className="data-table" data-testid="bulkheads-table">
          <caption className="sr-only">Bulkheads sorted by saturation, most saturated first</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Pool</th>
              <th scope="col">Dependency</th>
              <th scope="col" className="num">
                Active / limit
              </th>
              <th scope="col" className="num">
                Queued / queue limit
              </th>
              <th scope="col" className="num">
                Rejections
              </th>
              <th scope="col">Saturation</th>
              <th scope="col" className="num">
                Time saturated
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const key = bulkheadKey(r);
              const saturated = isSaturated(r);
              const open = expanded.has(key);
              const sat = r.saturation ?? 0;
              return (
                <Fragment key={key}>
                  <tr className={saturated ? 'saturated' : undefined} data-testid="bulkhead-row" data-key={key}>
                    <td>
                      <button
                        type="button"
                        aria-expanded={open}
                        aria-controls={`detail-${key}`}
                        aria-label={`${open ? 'Hide' : 'Show'} charts for ${r.service} ${r.name}`}
                        onClick={() => toggle(key)}
                      >
                        {open ? '▾' : '▸'}
                      </button>{' '}
                      {r.service}
                    </td>
                    <td>{r.name}</td>
                    <td>{r.dependency}</td>
                    <td className="num">
                      {r.active} / {r.limit ?? '∞'}
                    </td>
                    <td className="num">
                      {r.queued} / {r.queueLimit ?? '∞'}
                    </td>
                    <td className="num">{formatRate(r.rejectionsPerSec)}</td>
                    <td data-testid="bulkhead-saturation">
                      <span className="meter" aria-hidden="true">
                        <span
                          className={`meter-fill${saturated ? ' full' : ''}`}
                          style={{ width: `${Math.min(1, sat) * 100}%` }}
                        />
                      </span>
                      {formatPercent(r.saturation)}
                      {saturated && <span className="sat-flag">⚠ SATURATED</span>}
                    </td>
                    <td className="num">{formatPercent(r.saturatedShare)}</td>
                    <td>
                      <Link href={mapLinkForEdge(r.service, r.dependency, at)}>show on map</Link>
                    </td>
                  </tr>
                  {open && (
                    <tr className="row-detail" id={`detail-${key}`}>
                      <td colSpan={9}>
                        <BulkheadHistoryCharts service={r.service} name={r.name} at={at} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
