import type { AlertRule, AlertsResponse, FieldError, RulePreview, Silence } from './alertModel';

/**
 * The alerts HTTP API from the browser. Every call resolves to a result
 * instead of throwing, so forms can show a 400's field errors next to the
 * fields and a 401 can ask for the admin token.
 */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; errors: FieldError[] };

const TOKEN_KEY = 'faultline.adminToken';

export function adminToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setAdminToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lasts for this page only.
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = adminToken();
  if (token && method !== 'GET') headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    return { ok: false, status: 0, error: `network error: ${(err as Error).message}`, errors: [] };
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (res.ok) return { ok: true, data: json as T };
  const payload = (json ?? {}) as { error?: unknown; errors?: unknown };
  const errors = Array.isArray(payload.errors)
    ? payload.errors.filter(
        (e): e is FieldError => typeof e === 'object' && e !== null && 'field' in e && 'message' in e,
      )
    : [];
  const error = typeof payload.error === 'string' ? payload.error : `${res.status} ${res.statusText}`;
  return { ok: false, status: res.status, error, errors };
}

export const alertsApi = {
  alerts: (limit = 100) => call<AlertsResponse>('GET', `/api/alerts?limit=${limit}`),
  rules: () => call<AlertRule[]>('GET', '/api/alerts/rules'),
  createRule: (input: unknown) => call<AlertRule>('POST', '/api/alerts/rules', input),
  updateRule: (id: string, input: unknown) =>
    call<AlertRule>('PUT', `/api/alerts/rules/${encodeURIComponent(id)}`, input),
  deleteRule: (id: string) => call<null>('DELETE', `/api/alerts/rules/${encodeURIComponent(id)}`),
  previewRule: (input: unknown) => call<RulePreview>('POST', '/api/alerts/rules/preview', input),
  silences: () => call<Silence[]>('GET', '/api/alerts/silences'),
  createSilence: (input: unknown) => call<Silence>('POST', '/api/alerts/silences', input),
  expireSilence: (id: string) => call<null>('DELETE', `/api/alerts/silences/${encodeURIComponent(id)}`),
};
