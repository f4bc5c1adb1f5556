/**
 * The dashboard's own HTTP API, same origin. Every view fetches through here so
 * paths and query names live in one place.
 */
import type {
  BreakerTransitionEvent,
  BulkheadHistoryPoint,
  BulkheadRow,
  DashboardConfig,
  EdgeHistoryPoint,
  Topology,
  WhatIf,
} from './apiTypes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`GET ${path} → ${status}`);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, path);
  return (await res.json()) as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  topology: (at: number | null, signal?: AbortSignal) => getJson<Topology>(`/api/topology${query({ at })}`, signal),
  bulkheads: (at: number | null, signal?: AbortSignal) =>
    getJson<BulkheadRow[]>(`/api/bulkheads${query({ at })}`, signal),
  bulkheadHistory: (service: string, name: string, from: number, to: number, signal?: AbortSignal) =>
    getJson<BulkheadHistoryPoint[]>(`/api/bulkheads/history${query({ service, name, from, to })}`, signal),
  breakerTransitions: (name: string, since: number, signal?: AbortSignal) =>
    getJson<BreakerTransitionEvent[]>(
      `/api/breakers/${encodeURIComponent(name)}/transitions${query({ since })}`,
      signal,
    ),
  edgeHistory: (source: string, target: string, from: number, to: number, signal?: AbortSignal) =>
    getJson<EdgeHistoryPoint[]>(`/api/edges/history${query({ source, target, from, to })}`, signal),
  whatIf: (service: string, at: number | null, signal?: AbortSignal) =>
    getJson<WhatIf>(`/api/whatif${query({ service, at })}`, signal),
  config: (signal?: AbortSignal) => getJson<DashboardConfig>('/api/config', signal),
};
