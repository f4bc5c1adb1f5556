import { z } from 'zod';
import type { DashboardConfig } from '../config/config';
import { bulkheadsView } from '../model/bulkheadsView';
import { whatIf } from '../model/cascade';
import type { LiveModel } from '../model/liveModel';
import { ROLLUP_MS } from '../model/rollups';
import { buildTopology } from '../model/topology';
import { bulkheadHistory, edgeHistory } from '../query/history';
import type { RollupSource } from '../query/rollupSource';
import { HttpError, type RouteRequest, Router } from './router';

export interface ApiDeps {
  config: DashboardConfig;
  model: LiveModel;
  rollups: RollupSource;
  clock: () => number;
  pendingRows: () => number;
  /** Bytes in the ingest journal (acknowledged, not yet in the database); null when it is off. */
  journalBytes?: () => number | null;
  /** This instance's place in a cluster; null for a single instance. */
  cluster?: () => { instanceId: string; alertEvaluator: boolean } | null;
}

const DEFAULT_WINDOW_SECONDS = 60;

/** `cluster` appears in /api/health only when this instance is part of one. */
function withCluster(cluster: { instanceId: string; alertEvaluator: boolean } | null) {
  return cluster ? { cluster } : {};
}
const MAX_HISTORY_POINTS = 2000;

/** Parse query parameters with a zod schema; a bad value is a 400 naming the parameter. */
function query<T extends z.ZodType>(req: RouteRequest, schema: T): z.infer<T> {
  const raw = Object.fromEntries(req.url.searchParams.entries());
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HttpError(400, `query parameter ${first?.path.join('.') || '?'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const epochMs = z.coerce.number().int().min(0).max(8.64e15);
const windowSeconds = z.coerce.number().int().min(10).max(86_400);

/** The JSON API served by the custom server (Next.js serves pages only). */
export function apiRoutes(deps: ApiDeps): Router {
  const { model, rollups, clock, config } = deps;
  const startedAt = clock();
  const router = new Router();

  router.add('GET', '/api/health', () => ({
    status: 200,
    body: {
      status: 'ok',
      uptimeSeconds: Math.round((clock() - startedAt) / 1000),
      ingestQueueDepth: deps.pendingRows(),
      ingestJournalBytes: deps.journalBytes?.() ?? null,
      ...withCluster(deps.cluster?.() ?? null),
    },
  }));

  router.add('GET', '/api/config', () => ({
    status: 200,
    body: { traceUrlTemplate: config.traceUrlTemplate, retentionHours: config.retentionHours },
  }));

  const moment = z.object({ at: epochMs.optional(), window: windowSeconds.default(DEFAULT_WINDOW_SECONDS) });

  /** The topology at `at` (now when omitted, never in the future), from live or stored rollups. */
  const topologyAt = async (q: z.infer<typeof moment>) => {
    const now = clock();
    const at = Math.min(q.at ?? now, now);
    const batch = await rollups.load(at - q.window * 1000, at + 1);
    // Current breaker states only describe "now"; the past comes from the rollups.
    const live = q.at === undefined || now - at < ROLLUP_MS;
    return buildTopology(batch, {
      atMs: at,
      windowSeconds: q.window,
      ...(live ? { breakerStates: model.breakerStates() } : {}),
    });
  };

  router.add('GET', '/api/topology', async (req) => ({ status: 200, body: await topologyAt(query(req, moment)) }));

  // "What if this one fails?": predicted blast radius on the topology at `at`, next to the unprotected one.
  router.add('GET', '/api/whatif', async (req) => {
    const q = query(req, moment.extend({ service: z.string().min(1) }));
    const topology = await topologyAt(q);
    if (!topology.services.some((s) => s.name === q.service)) {
      throw new HttpError(
        404,
        `query parameter service: no service named ${q.service} at ${new Date(topology.at).toISOString()}`,
      );
    }
    return { status: 200, body: whatIf(topology, q.service) };
  });

  router.add('GET', '/api/bulkheads', async (req) => {
    const q = query(req, moment);
    const at = Math.min(q.at ?? clock(), clock());
    const batch = await rollups.load(at - q.window * 1000, at + 1);
    return { status: 200, body: bulkheadsView(batch, at, q.window) };
  });

  router.add('GET', '/api/breakers/:name/transitions', async (req) => {
    const q = query(req, z.object({ since: epochMs.default(0) }));
    return { status: 200, body: await rollups.transitions(req.params.name ?? '', q.since) };
  });

  const range = z.object({ from: epochMs.optional(), to: epochMs.optional() });
  const resolveRange = (q: { from?: number | undefined; to?: number | undefined }) => {
    const to = q.to ?? clock();
    const from = q.from ?? to - 15 * 60_000;
    if (from >= to) throw new HttpError(400, 'query parameter from: must be before to');
    if ((to - from) / ROLLUP_MS > MAX_HISTORY_POINTS) {
      throw new HttpError(400, `query parameter from: range too long (at most ${MAX_HISTORY_POINTS} buckets of 10 s)`);
    }
    return { from, to };
  };

  router.add('GET', '/api/edges/history', async (req) => {
    const q = query(req, range.extend({ source: z.string().min(1), target: z.string().min(1) }));
    const { from, to } = resolveRange(q);
    const batch = await rollups.load(from, to);
    return { status: 200, body: edgeHistory(batch, q.source, q.target) };
  });

  router.add('GET', '/api/bulkheads/history', async (req) => {
    const q = query(req, range.extend({ service: z.string().min(1), name: z.string().min(1) }));
    const { from, to } = resolveRange(q);
    const batch = await rollups.load(from, to);
    return { status: 200, body: bulkheadHistory(batch, q.service, q.name) };
  });

  return router;
}
