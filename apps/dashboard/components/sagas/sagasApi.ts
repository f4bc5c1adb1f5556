/** Browser-side access to the sagas API and the dashboard config. */
import type { SagaRunDetail, SagaRunsPage, SagaStatsResponse } from '../../server/sagas/sagaApiTypes';

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {
      // Not JSON; keep the status line.
    }
    throw new Error(message);
  }
  return (await res.json()) as T;
}

export interface RunsQuery {
  name?: string;
  status?: string;
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

function search(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const fetchRuns = (query: RunsQuery, signal?: AbortSignal) =>
  getJson<SagaRunsPage>(`/api/sagas${search({ ...query })}`, signal);

export const fetchRun = (id: string, signal?: AbortSignal) =>
  getJson<SagaRunDetail>(`/api/sagas/${encodeURIComponent(id)}`, signal);

export const fetchStats = (query: { name?: string; from?: number; to?: number }, signal?: AbortSignal) =>
  getJson<SagaStatsResponse>(`/api/sagas/stats${search(query)}`, signal);

export async function fetchTraceUrlTemplate(signal?: AbortSignal): Promise<string | null> {
  try {
    const config = await getJson<{ traceUrlTemplate?: string }>('/api/config', signal);
    return config.traceUrlTemplate ?? null;
  } catch {
    return null;
  }
}

/** The trace link for a run, or null when the template needs a value we lack or is not http(s). */
export function traceLink(template: string | null, values: { traceId: string | null; service: string }): string | null {
  if (!template || !values.traceId) return null;
  let missing = false;
  const url = template.replace(/\{(traceId|service|peer)\}/g, (_, key: string) => {
    const v = key === 'traceId' ? values.traceId : key === 'service' ? values.service : '';
    if (!v) missing = true;
    return encodeURIComponent(v ?? '');
  });
  if (missing) return null;
  return /^https?:\/\//i.test(url) || url.startsWith('/') ? url : null;
}
