import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, sendJson } from '../http/router';
import type { SagaRunDetail, SagaRunsPage, SagaStatsPoint } from './sagaApiTypes';
import { encodeCursor, type SagaListFilter, type SagaRepository, type SagaStatsQuery } from './sagaRepository';
import { autoBucketMs, sagaRoutes } from './sagaRoutes';
import { T0 } from './sagaTestRecords';

class FakeRepository implements SagaRepository {
  lists: SagaListFilter[] = [];
  statsQueries: SagaStatsQuery[] = [];
  async save() {
    return [];
  }
  async list(filter: SagaListFilter): Promise<SagaRunsPage> {
    this.lists.push(filter);
    return { runs: [], nextCursor: null };
  }
  async get(id: string): Promise<SagaRunDetail | null> {
    if (id !== 'known') return null;
    return {
      id,
      name: 'checkout',
      status: 'completed',
      service: 'order',
      services: ['order'],
      startedAt: T0,
      endedAt: T0 + 1,
      durationMs: 1,
      traceId: null,
      failedStep: null,
      error: null,
      steps: [],
    };
  }
  async stats(query: SagaStatsQuery): Promise<SagaStatsPoint[]> {
    this.statsQueries.push(query);
    return [];
  }
  async markStuck() {
    return [];
  }
  async prune() {
    return 0;
  }
}

/** The real Router behind a real HTTP server on loopback, as the dashboard mounts it. */
async function setup(clockMs = T0) {
  const repository = new FakeRepository();
  const router = sagaRoutes(new Router(), { repository, clock: () => clockMs });
  const server = createServer((req, res) => {
    if (!router.handle(req, res)) sendJson(res, 404, { error: 'no route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  const call = async (url: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return { repository, call };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('sagaRoutes', () => {
  it('passes validated list filters, a default limit and a decoded cursor', async () => {
    const { repository, call } = await setup();
    const cursor = encodeCursor({ startedAt: T0, id: 'x' });
    const res = await call(`/api/sagas?name=checkout&status=failed&from=${T0}&to=${T0 + 5}&cursor=${cursor}`);
    expect(res).toEqual({ status: 200, body: { runs: [], nextCursor: null } });
    expect(repository.lists[0]).toEqual({
      name: 'checkout',
      status: 'failed',
      from: T0,
      to: T0 + 5,
      limit: 50,
      cursor: { startedAt: T0, id: 'x' },
    });
    await call('/api/sagas?name=&status=');
    expect(repository.lists[1]).toEqual({ limit: 50 });
  });

  it.each([
    ['/api/sagas?limit=501', 'limit'],
    ['/api/sagas?limit=0', 'limit'],
    ['/api/sagas?status=exploded', 'status'],
    ['/api/sagas?from=yesterday', 'from'],
    ['/api/sagas?cursor=garbage', 'cursor'],
    [`/api/sagas?from=${T0 + 10}&to=${T0}`, 'from'],
    ['/api/sagas/stats?bucket=0', 'bucket'],
    [`/api/sagas/stats?from=${T0}&to=${T0 + 86_400_000}&bucket=1`, 'bucket'],
    [`/api/sagas/stats?from=${T0}&to=${T0}`, 'from'],
  ])('%s → 400 naming %s', async (url, param) => {
    const { call } = await setup();
    const res = await call(url);
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toContain(`parameter ${param}`);
  });

  it('serves a run by id and 404 for an unknown one; stats is not taken for an id', async () => {
    const { repository, call } = await setup();
    expect((await call('/api/sagas/known')).status).toBe(200);
    expect((await call('/api/sagas/unknown')).status).toBe(404);
    expect((await call('/api/sagas/stats')).status).toBe(200);
    expect(repository.statsQueries).toHaveLength(1);
  });

  it('stats default to the last 24 h in round buckets and answer repeats from the cache', async () => {
    const { repository, call } = await setup(T0 + 123_456);
    const res = await call('/api/sagas/stats?name=checkout');
    const body = res.body as { from: number; to: number; bucketMs: number };
    expect(body.bucketMs).toBe(1_800_000);
    expect(body.to % body.bucketMs).toBe(0);
    expect(body.to - body.from).toBe(24 * 3_600_000);
    expect(repository.statsQueries[0]).toMatchObject({ name: 'checkout', bucketMs: 1_800_000 });
    await call('/api/sagas/stats?name=checkout');
    expect(repository.statsQueries).toHaveLength(1);
    await call(`/api/sagas/stats?from=${T0}&to=${T0 + 600_000}&bucket=60`);
    expect(repository.statsQueries[1]).toEqual({ name: undefined, from: T0, to: T0 + 600_000, bucketMs: 60_000 });
  });

  it('picks round buckets of at most 60 per window', () => {
    expect(autoBucketMs(600_000)).toBe(10_000);
    expect(autoBucketMs(3_600_000)).toBe(60_000);
    expect(autoBucketMs(7 * 86_400_000)).toBe(3 * 3_600_000);
    expect(autoBucketMs(365 * 86_400_000)).toBe(7 * 86_400_000);
  });
});
