import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { AlertEngine } from './alertEngine';
import type { InstanceRepository, RuleRepository, SilenceRepository } from './alertRepository';
import type { AlertSnapshot } from './alertTypes';
import { type AlertRule, validateRule } from './ruleSchema';
import { validateSilence } from './silences';
import type { WebhookUrlPolicy } from './webhookUrlPolicy';

/**
 * Framework-agnostic handlers for the alerts HTTP API (issue 6):
 *
 *   GET    /api/alerts/rules            → 200 AlertRule[]
 *   POST   /api/alerts/rules            → 201 AlertRule | 400 { errors: [{ field, message }] }
 *   POST   /api/alerts/rules/preview    → 200 { matched, wouldAlert } | 400
 *   GET    /api/alerts/rules/:id        → 200 AlertRule | 404
 *   PUT    /api/alerts/rules/:id        → 200 AlertRule | 400 | 404 | 409 (file rule, read-only)
 *   DELETE /api/alerts/rules/:id        → 204 | 404 | 409
 *   GET    /api/alerts?limit=&since=    → 200 { active: AlertView[], history: AlertTransition[] }
 *   GET    /api/alerts/silences         → 200 Silence[]
 *   POST   /api/alerts/silences         → 201 Silence | 400
 *   DELETE /api/alerts/silences/:id     → 204 | 404
 *
 * Writes require `Authorization: Bearer <FAULTLINE_ADMIN_TOKEN>` when a token
 * is configured (401 otherwise). The server parses JSON bodies (400 on
 * invalid JSON) and maps `{ status, body }` onto its response.
 */
export interface AlertRouteRequest {
  body?: unknown;
  params: Record<string, string>;
  query?: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

export interface AlertRouteResult {
  status: number;
  body: unknown;
}

export type AlertRouteHandler = (req: AlertRouteRequest) => Promise<AlertRouteResult>;

export interface AlertRoutesOptions {
  engine: AlertEngine;
  rules: RuleRepository;
  instances: InstanceRepository;
  silences: SilenceRepository;
  adminToken: string | null;
  webhookPolicy: WebhookUrlPolicy;
  /** The live model now, for previews. */
  snapshot: () => AlertSnapshot;
  now?: () => number;
  newId?: () => string;
}

export interface AlertRoutes {
  listRules: AlertRouteHandler;
  createRule: AlertRouteHandler;
  previewRule: AlertRouteHandler;
  getRule: AlertRouteHandler;
  updateRule: AlertRouteHandler;
  deleteRule: AlertRouteHandler;
  listAlerts: AlertRouteHandler;
  listSilences: AlertRouteHandler;
  createSilence: AlertRouteHandler;
  deleteSilence: AlertRouteHandler;
}

export function createAlertRoutes(o: AlertRoutesOptions): AlertRoutes {
  const now = o.now ?? Date.now;
  const newId = o.newId ?? randomUUID;

  const authorized = (req: AlertRouteRequest): AlertRouteResult | null => {
    if (o.adminToken === null) return null;
    const header = req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const given = value?.startsWith('Bearer ') ? value.slice(7) : '';
    const a = Buffer.from(given);
    const b = Buffer.from(o.adminToken);
    return a.length === b.length && timingSafeEqual(a, b)
      ? null
      : { status: 401, body: { error: 'admin token required (Authorization: Bearer …)' } };
  };

  const readOnly = (rule: AlertRule): AlertRouteResult | null =>
    rule.source === 'file'
      ? { status: 409, body: { error: `rule "${rule.name}" comes from the rule file and is read-only` } }
      : null;

  const invalid = (errors: { field: string; message: string }[]): AlertRouteResult => ({
    status: 400,
    body: { error: 'invalid alert rule', errors },
  });

  return {
    listRules: async () => ({ status: 200, body: await o.rules.list() }),

    createRule: async (req) => {
      const denied = authorized(req);
      if (denied) return denied;
      const result = validateRule(req.body, { webhookPolicy: o.webhookPolicy, id: newId(), source: 'api' });
      if (!result.ok) return invalid(result.errors);
      await o.rules.save(result.rule);
      await o.engine.reloadRules();
      return { status: 201, body: result.rule };
    },

    previewRule: async (req) => {
      const result = validateRule(req.body, { webhookPolicy: o.webhookPolicy, id: 'preview' });
      if (!result.ok) return invalid(result.errors);
      return { status: 200, body: o.engine.preview(result.rule, o.snapshot()) };
    },

    getRule: async (req) => {
      const rule = await o.rules.get(req.params.id ?? '');
      return rule ? { status: 200, body: rule } : notFound('rule');
    },

    updateRule: async (req) => {
      const denied = authorized(req);
      if (denied) return denied;
      const id = req.params.id ?? '';
      const existing = await o.rules.get(id);
      if (!existing) return notFound('rule');
      const locked = readOnly(existing);
      if (locked) return locked;
      const body = typeof req.body === 'object' && req.body !== null ? { ...req.body, id, source: 'api' } : req.body;
      const result = validateRule(body, { webhookPolicy: o.webhookPolicy, id, source: 'api' });
      if (!result.ok) return invalid(result.errors);
      await o.rules.save(result.rule);
      await o.engine.reloadRules();
      return { status: 200, body: result.rule };
    },

    deleteRule: async (req) => {
      const denied = authorized(req);
      if (denied) return denied;
      const existing = await o.rules.get(req.params.id ?? '');
      if (!existing) return notFound('rule');
      const locked = readOnly(existing);
      if (locked) return locked;
      await o.rules.delete(existing.id);
      await o.engine.reloadRules();
      return { status: 204, body: null };
    },

    listAlerts: async (req) => {
      const limit = clampInt(req.query?.get('limit'), 100, 1, 1000);
      const since = req.query?.get('since');
      const sinceMs = since ? Number(since) : now() - 24 * 3_600_000;
      if (!Number.isFinite(sinceMs)) return { status: 400, body: { error: 'since must be epoch milliseconds' } };
      const history = await o.instances.history({ sinceMs, limit });
      return { status: 200, body: { active: o.engine.alerts(), history } };
    },

    listSilences: async () => ({ status: 200, body: o.engine.activeSilences() }),

    createSilence: async (req) => {
      const denied = authorized(req);
      if (denied) return denied;
      const result = validateSilence(req.body, now(), newId());
      if (!result.ok) return { status: 400, body: { error: 'invalid silence', errors: result.errors } };
      await o.silences.save(result.silence);
      await o.engine.reloadSilences();
      return { status: 201, body: result.silence };
    },

    deleteSilence: async (req) => {
      const denied = authorized(req);
      if (denied) return denied;
      if (!(await o.silences.delete(req.params.id ?? ''))) return notFound('silence');
      await o.engine.reloadSilences();
      return { status: 204, body: null };
    },
  };
}

function notFound(what: string): AlertRouteResult {
  return { status: 404, body: { error: `${what} not found` } };
}

function clampInt(raw: string | null | undefined, fallback: number, min: number, max: number): number {
  const n = raw ? Number.parseInt(raw, 10) : fallback;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}
