/**
 * The sagas JSON API, mounted on the server's Router:
 *   GET /api/sagas?name=&status=&from=&to=&limit=&cursor=   → SagaRunsPage
 *   GET /api/sagas/stats?name=&from=&to=&bucket=            → SagaStatsResponse
 *   GET /api/sagas/:id                                      → SagaRunDetail | 404
 * Times are epoch ms; `bucket` is in seconds. A bad parameter is a 400 naming it.
 */
import { z } from 'zod';
import { HttpError, type RouteRequest, type Router } from '../http/router';
import { SAGA_STATUSES, type SagaStatsResponse, type SagaStatus } from './sagaApiTypes';
import { decodeCursor, MAX_PAGE_SIZE, type SagaRepository } from './sagaRepository';

export interface SagaRouteDeps {
  repository: SagaRepository;
  clock: () => number;
  /**
   * Identical stats requests within this time are answered from memory.
   * Stats over a day of busy sagas take a few hundred ms of SQLite (measured
   * in benchSagaRepository.ts) on the event loop; pages poll them. Default 10 000; 0 disables.
   */
  statsCacheMs?: number;
}

const MAX_CACHED_STATS = 64;

export const DEFAULT_PAGE_SIZE = 50;
/** Stats default to the last 24 h. */
export const DEFAULT_STATS_WINDOW_MS = 24 * 3600_000;
/** A stats request may ask for at most this many buckets. */
export const MAX_STATS_BUCKETS = 2000;
/** Without `bucket`, the window is cut into about this many. */
const TARGET_BUCKETS = 60;
const BUCKET_STEPS_SECONDS = [10, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];

const epochMs = z.coerce.number().int().min(0).max(8.64e15);
const name = z.string().min(1).max(256);

const listQuery = z.object({
  name: name.optional(),
  status: z.enum(SAGA_STATUSES as [SagaStatus, ...SagaStatus[]]).optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(512).optional(),
});

const statsQuery = z.object({
  name: name.optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  bucket: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .optional(),
});

function parseQuery<T extends z.ZodType>(req: RouteRequest, schema: T): z.infer<T> {
  // Empty parameters (`?name=` from a cleared filter field) mean "not given".
  const raw = Object.fromEntries([...req.url.searchParams.entries()].filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HttpError(400, `query parameter ${first?.path.join('.') || '?'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The smallest round bucket that cuts `windowMs` into at most TARGET_BUCKETS. */
export function autoBucketMs(windowMs: number): number {
  for (const seconds of BUCKET_STEPS_SECONDS) if (windowMs / (seconds * 1000) <= TARGET_BUCKETS) return seconds * 1000;
  return Math.ceil(windowMs / TARGET_BUCKETS / 86_400_000) * 86_400_000;
}

export function sagaRoutes(router: Router, deps: SagaRouteDeps): Router {
  const { repository, clock } = deps;
  const statsCacheMs = deps.statsCacheMs ?? 10_000;
  const statsCache = new Map<string, { at: number; body: SagaStatsResponse }>();

  router.add('GET', '/api/sagas', async (req) => {
    const q = parseQuery(req, listQuery);
    if (q.from !== undefined && q.to !== undefined && q.from > q.to)
      throw new HttpError(400, 'query parameter from: after to');
    let cursor: { startedAt: number; id: string } | undefined;
    if (q.cursor !== undefined) {
      cursor = decodeCursor(q.cursor) ?? undefined;
      if (!cursor) throw new HttpError(400, 'query parameter cursor: not a cursor returned by this API');
    }
    const page = await repository.list({
      name: q.name,
      status: q.status,
      from: q.from,
      to: q.to,
      limit: q.limit,
      cursor,
    });
    return { status: 200, body: page };
  });

  // Before `/api/sagas/:id`, which would otherwise take `stats` for an id.
  router.add('GET', '/api/sagas/stats', async (req) => {
    const q = parseQuery(req, statsQuery);
    const now = clock();
    const roughTo = q.to ?? now;
    const roughFrom = q.from ?? roughTo - DEFAULT_STATS_WINDOW_MS;
    if (roughFrom >= roughTo) throw new HttpError(400, 'query parameter from: must be before to');
    const bucketMs = q.bucket !== undefined ? q.bucket * 1000 : autoBucketMs(roughTo - roughFrom);
    if ((roughTo - roughFrom) / bucketMs > MAX_STATS_BUCKETS) {
      throw new HttpError(400, `query parameter bucket: more than ${MAX_STATS_BUCKETS} buckets in the window`);
    }
    // "Up to now" ends at the end of the current bucket, so repeated requests share one cache key.
    const to = q.to ?? Math.ceil((now + 1) / bucketMs) * bucketMs;
    const from = q.from ?? to - DEFAULT_STATS_WINDOW_MS;
    const key = `${q.name ?? ''}\u0000${from}\u0000${to}\u0000${bucketMs}`;
    const cached = statsCache.get(key);
    if (cached && now - cached.at < statsCacheMs) return { status: 200, body: cached.body };
    const points = await repository.stats({ name: q.name, from, to, bucketMs });
    const body: SagaStatsResponse = { from, to, bucketMs, points };
    if (statsCacheMs > 0) {
      statsCache.delete(key);
      statsCache.set(key, { at: now, body });
      for (const k of statsCache.keys()) {
        if (statsCache.size <= MAX_CACHED_STATS) break;
        statsCache.delete(k);
      }
    }
    return { status: 200, body };
  });

  router.add('GET', '/api/sagas/:id', async (req) => {
    const id = req.params.id ?? '';
    if (id.length === 0 || id.length > 256) throw new HttpError(400, 'path parameter id: 1 to 256 characters');
    const run = await repository.get(id);
    if (!run) throw new HttpError(404, `no saga run ${id}`);
    return { status: 200, body: run };
  });

  return router;
}
