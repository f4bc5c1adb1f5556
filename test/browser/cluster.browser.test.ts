import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningDashboard, startDashboard } from '../support/dashboard';
import { startOrderService } from '../support/instrumentedService';
import { type RunningPostgres, startPostgres } from '../support/postgres';
import { type RunningRedis, startRedis } from '../support/redis';
import { waitFor } from '../support/waitFor';
import { type BrowserSession, hasChromium, launchBrowser } from './helpers/chromium';
import { screenshot } from './helpers/screenshot';

/**
 * Issue 8 as a person sees it: two dashboard instances with their UI on one
 * PostgreSQL and one Redis. The browser has instance A's map open; every
 * export goes to instance B. The services appear on A's map, and the edge
 * turns "open" live when the breaker opens — no reload, nothing sent to A.
 */
const ready = hasChromium() && existsSync(path.join(REPO_ROOT, 'apps/dashboard/server/main.ts'));

describe.skipIf(!ready)('two dashboard instances in Chromium', () => {
  let pg: RunningPostgres;
  let redis: RunningRedis;
  let a: RunningDashboard;
  let b: RunningDashboard;
  let session: BrowserSession;
  let service: Awaited<ReturnType<typeof startOrderService>> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    const databaseUrl = await pg.createDatabase();
    const env = (id: string) => ({ REDIS_URL: redis.url, FAULTLINE_INSTANCE_ID: id });
    // Migrations first on one instance, then the other and the browser together.
    a = await startDashboard({ ui: true, databaseUrl, env: env('dash-a') });
    [b, session] = await Promise.all([
      startDashboard({ ui: true, databaseUrl, env: env('dash-b') }),
      launchBrowser({ viewport: { width: 1440, height: 900 } }),
    ]);
    session.page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await service?.shutdown();
    await session?.close();
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await Promise.allSettled([pg?.stop(), redis?.stop()]);
  });

  it('shows on instance A what only instance B ingested, and the breaker opening live', async () => {
    const page = session.page;
    await page.goto(a.url);
    await page.getByTestId('empty-state').waitFor();

    service = await startOrderService(b.url, 'protobuf');
    await service.burst(10);
    // A's page was open before any data existed: the services arrive over A's socket, from B's ingest.
    await page.getByTestId('node-order-service').waitFor({ timeout: 20_000 });
    await page.getByTestId('node-payment-service').waitFor();
    const label = page.locator('[data-testid="edge-label-order-service->payment-service"]');
    await waitFor(async () => (await label.getAttribute('data-breaker')) === 'closed', {
      what: 'the closed breaker on A’s map',
    });

    const svc = service;
    svc.setFailing(true);
    await waitFor(
      async () => {
        await svc.burst(10);
        return svc.breaker.state === 'open';
      },
      { what: 'breaker open in the service', timeoutMs: 10_000 },
    );
    await page.locator('[data-testid="edge-label-order-service->payment-service"][data-breaker="open"]').waitFor({
      timeout: 15_000,
    });
    const edge = page.locator('.react-flow__edge[aria-label^="order-service → payment-service"]');
    expect(await edge.getAttribute('aria-label')).toContain('breaker open');
    expect(page.url().startsWith(a.url)).toBe(true);
    await screenshot(page, 'cluster-map-on-a');
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
