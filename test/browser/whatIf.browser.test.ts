import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningDashboard, startDashboard } from '../support/dashboard';
import { waitFor } from '../support/waitFor';
import { type BrowserSession, hasChromium, launchBrowser } from './helpers/chromium';
import { screenshot } from './helpers/screenshot';

/**
 * Issue 9, "what-if blast radius", in a real browser against the real
 * dashboard server fed by real OTLP/JSON: a four-service chain
 * gateway → user-service → order-service → payment-service where only
 * user-service → order-service is guarded (breaker + bulkhead). Simulating the
 * failure of the deepest service must highlight order-service as predicted,
 * user-service and gateway only as "if unprotected", name the containing edge
 * and what holds it, keep it in the URL, and end on Escape.
 */
const ready = hasChromium() && existsSync(path.join(REPO_ROOT, 'apps/dashboard/server/main.ts'));

const CHAIN: [string, string][] = [
  ['gateway', 'user-service'],
  ['user-service', 'order-service'],
  ['order-service', 'payment-service'],
];
const GUARDED = { source: 'user-service', target: 'order-service', breaker: 'order-breaker', bulkhead: 'order-pool' };
const SERVICES = ['gateway', 'user-service', 'order-service', 'payment-service'];
const BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/**
 * One OTLP/JSON metrics body, one resource per service (shape of the
 * specification's examples, as bench/suites/ui/otlp.ts builds them): the
 * cumulative `resilience.call.duration` histogram per dependency
 * (`peer.service`), and on the guarded edge the breaker state gauge and the
 * bulkhead gauges.
 */
function metricsBody(round: number, startMs: number, nowMs: number): string {
  const resourceMetrics = SERVICES.map((service) => {
    const metrics: unknown[] = [];
    const peers = CHAIN.filter(([s]) => s === service).map(([, t]) => t);
    if (peers.length) {
      const count = 50 * round;
      metrics.push({
        name: 'resilience.call.duration',
        unit: 's',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: peers.map((peer) => ({
            startTimeUnixNano: nanos(startMs),
            timeUnixNano: nanos(nowMs),
            count: String(count),
            sum: count * 0.02,
            // All calls between 10 and 25 ms.
            bucketCounts: BOUNDS_S.map((_, i) => (i === 2 ? String(count) : '0')).concat('0'),
            explicitBounds: BOUNDS_S,
            attributes: [kv('peer.service', peer), kv('resilience.outcome', 'success')],
          })),
        },
      });
    }
    if (service === GUARDED.source) {
      const breaker = [kv('resilience.circuit_breaker.name', GUARDED.breaker), kv('peer.service', GUARDED.target)];
      const bulkhead = [kv('resilience.bulkhead.name', GUARDED.bulkhead), kv('peer.service', GUARDED.target)];
      const gauge = (name: string, value: number, attributes: unknown[]) => ({
        name,
        unit: name.startsWith('resilience.bulkhead') ? '{call}' : '1',
        gauge: { dataPoints: [{ timeUnixNano: nanos(nowMs), asDouble: value, attributes }] },
      });
      metrics.push(
        {
          name: 'resilience.circuit_breaker.state',
          unit: '1',
          gauge: {
            dataPoints: ['closed', 'open', 'half_open'].map((state) => ({
              timeUnixNano: nanos(nowMs),
              asDouble: state === 'closed' ? 1 : 0,
              attributes: [...breaker, kv('resilience.circuit_breaker.state', state)],
            })),
          },
        },
        gauge('resilience.bulkhead.active', 3, bulkhead),
        gauge('resilience.bulkhead.limit', 20, bulkhead),
        gauge('resilience.bulkhead.queued', 0, bulkhead),
        gauge('resilience.bulkhead.queue.limit', 10, bulkhead),
      );
    }
    return {
      resource: { attributes: [kv('service.name', service), kv('service.instance.id', `${service}-1`)] },
      scopeMetrics: [{ scope: { name: '@faultline/instrumentation', version: '0.1.0' }, metrics }],
    };
  });
  return JSON.stringify({ resourceMetrics });
}

interface WhatIfJson {
  predicted: string[];
  unprotected: string[];
  contained: { source: string; target: string; by: string }[];
  sentence: string;
}

describe.skipIf(!ready)('what-if blast radius in Chromium', () => {
  let dashboard: RunningDashboard;
  let session: BrowserSession;
  let page: Page;
  let feeder: ReturnType<typeof setInterval> | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dashboard = await startDashboard({ ui: true });
    session = await launchBrowser({ viewport: { width: 1440, height: 900 } });
    page = session.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    if (feeder) clearInterval(feeder);
    await session?.close();
    await dashboard?.stop();
  });

  const node = (name: string) => page.locator(`.react-flow__node[data-id="${name}"]`);

  it('sends the chain by OTLP/JSON and the API predicts the radius', async () => {
    const startMs = Date.now();
    let round = 0;
    const send = async () => {
      round++;
      const res = await fetch(`${dashboard.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: metricsBody(round, startMs, Date.now()),
      });
      expect(res.status).toBe(200);
    };
    await send();
    // Keep the services reporting, as an SDK's periodic reader would, so the live window never empties.
    feeder = setInterval(() => void send().catch(() => undefined), 1_000);

    let answer: WhatIfJson | null = null;
    await waitFor(
      async () => {
        const res = await fetch(`${dashboard.url}/api/whatif?service=payment-service`);
        if (res.status !== 200) return false;
        answer = (await res.json()) as WhatIfJson;
        return answer.unprotected.length === 3 && answer.contained.length === 1;
      },
      { what: 'what-if answer for payment-service', timeoutMs: 30_000 },
    );
    expect(answer).toMatchObject({
      predicted: ['order-service'],
      contained: [{ source: 'user-service', target: 'order-service', by: 'breaker+bulkhead' }],
    });
  }, 60_000);

  it('simulates the failure of the deepest service from its side panel', async () => {
    await page.goto(dashboard.url);
    await node('payment-service').waitFor();
    await node('payment-service').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('side-panel').waitFor();
    await page.getByRole('button', { name: 'Simulate failure' }).click();

    // The URL holds the simulation.
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('whatif') === 'payment-service');

    // Map: a tag (icon + word) and an accessible name per role, not a colour alone.
    await page.locator('[data-testid="node-order-service"][data-whatif="predicted"]').waitFor({ timeout: 10_000 });
    expect(await node('order-service').getAttribute('aria-label')).toContain(
      'predicted to degrade if payment-service fails',
    );
    expect(await page.getByTestId('whatif-tag-order-service').textContent()).toContain('PREDICTED');
    expect(await page.getByTestId('whatif-tag-payment-service').textContent()).toContain('SIMULATED FAILURE');
    expect(await node('payment-service').getAttribute('aria-label')).toContain('simulated failure');
    for (const name of ['user-service', 'gateway']) {
      expect(await page.getByTestId(`node-${name}`).getAttribute('data-whatif')).toBe('unprotected');
      expect(await node(name).getAttribute('aria-label')).toContain('only without protection');
    }
    // The edge that holds it says so, and by what.
    const guarded = page.getByTestId('edge-label-user-service->order-service');
    expect(await guarded.getAttribute('data-whatif')).toBe('contained');
    expect(await guarded.textContent()).toContain('breaker + bulkhead');
    expect(
      await page.locator('.react-flow__edge[aria-label^="user-service → order-service"]').getAttribute('aria-label'),
    ).toContain('would contain the simulated failure (breaker + bulkhead)');
    expect(await page.getByTestId('edge-label-order-service->payment-service').getAttribute('data-whatif')).toBe(
      'path',
    );

    // Panel: both radii side by side, the containing edge and the sentence.
    const panel = page.getByTestId('whatif-panel');
    expect(await panel.getByTestId('whatif-predicted').locator('li').allTextContents()).toEqual(['order-service']);
    expect((await panel.getByTestId('whatif-unprotected').locator('li').allTextContents()).sort()).toEqual([
      'gateway',
      'order-service',
      'user-service',
    ]);
    expect(await panel.getByTestId('whatif-contained').textContent()).toContain(
      'user-service → order-service: breaker + bulkhead',
    );
    const sentence = (await panel.getByTestId('whatif-sentence').textContent()) ?? '';
    expect(sentence).toContain('If payment-service fails, order-service would be degraded');
    expect(sentence).toContain('user-service → order-service (breaker + bulkhead)');
    await screenshot(page, 'whatif-1-payment-service');
  }, 60_000);

  it('reproduces the simulation from a link and ends it with Escape', async () => {
    const link = page.url();
    await page.goto('about:blank');
    await page.goto(link);
    await page.locator('[data-testid="node-order-service"][data-whatif="predicted"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('whatif-panel').waitFor();

    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URLSearchParams(window.location.search).has('whatif'));
    await page.getByTestId('whatif-panel').waitFor({ state: 'detached' });
    await page.locator('[data-testid="node-order-service"]:not([data-whatif])').waitFor();
    expect(await node('order-service').getAttribute('aria-label')).not.toContain('predicted');
    await screenshot(page, 'whatif-2-ended');

    // The "End simulation" button does the same.
    await page.getByRole('button', { name: 'Simulate failure' }).click();
    await page.getByTestId('whatif-sentence').waitFor();
    await page.getByRole('button', { name: 'End simulation' }).click();
    await page.getByTestId('whatif-panel').waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('whatif=');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
