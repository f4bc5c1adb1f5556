import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../support/dashboard';
import { getJson, waitFor } from '../support/waitFor';
import { launchChromium } from './helpers/chromium';
import { screenshot } from './helpers/screenshot';

/**
 * Issue 5 in a real browser: saga runs sent as OTLP/JSON spans to the real
 * dashboard, then the timeline page — lanes per service, the failed step
 * with its error, hatched compensation bars and the undo path — in light and
 * dark mode, a 50-step run rendered within budget, and the runs list taking
 * a new run live. Screenshots land in test-results/.
 */
const STUCK_SECONDS = 30;

interface SpanSpec {
  service: string;
  name: string;
  start: number;
  end: number;
  attributes: Record<string, string | number>;
  error?: string;
}

let spanCounter = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** OTLP/JSON as any SDK would send it, grouped by service. */
function otlpJson(traceId: string, spans: SpanSpec[]): unknown {
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: '@faultline/instrumentation' },
          spans: spans
            .filter((s) => s.service === service)
            .map((s) => ({
              traceId,
              spanId: hex(spanCounter++, 16),
              name: s.name,
              kind: 1,
              startTimeUnixNano: nanos(s.start),
              endTimeUnixNano: nanos(s.end),
              attributes: Object.entries(s.attributes).map(([key, v]) => ({
                key,
                value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
              })),
              status: s.error ? { code: 2, message: s.error } : { code: 0 },
            })),
        },
      ],
    })),
  };
}

function sagaSpans(
  id: string,
  name: string,
  t0: number,
  steps: {
    service: string;
    step: string;
    index: number;
    kind: 'action' | 'compensation';
    at: number;
    ms: number;
    error?: string;
  }[],
  status: string | null,
  endMs: number,
): SpanSpec[] {
  const base = { 'resilience.saga.id': id, 'resilience.saga.name': name };
  const spans: SpanSpec[] = steps.map((s) => ({
    service: s.service,
    name: `${s.kind === 'action' ? 'step' : 'compensate'} ${s.step}`,
    start: t0 + s.at,
    end: t0 + s.at + s.ms,
    attributes: {
      ...base,
      'resilience.saga.step.name': s.step,
      'resilience.saga.step.index': s.index,
      'resilience.saga.step.kind': s.kind,
      'resilience.saga.step.status': s.error ? 'failed' : 'completed',
    },
    error: s.error,
  }));
  if (status) {
    spans.push({
      service: 'order-service',
      name: `saga ${name}`,
      start: t0,
      end: t0 + endMs,
      attributes: { ...base, 'resilience.saga.status': status },
    });
  }
  return spans;
}

async function send(url: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

async function stored(url: string, id: string, steps: number): Promise<void> {
  await waitFor(
    async () => {
      const run = await getJson<{ steps: unknown[]; endedAt: number | null }>(`${url}/api/sagas/${id}`).catch(
        () => null,
      );
      return run !== null && run.steps.length === steps && run.endedAt !== null;
    },
    { what: `saga ${id} with ${steps} steps stored` },
  );
}

describe('sagas pages in Chromium', () => {
  let dashboard: RunningDashboard;
  let browser: Browser;

  beforeAll(async () => {
    dashboard = await startDashboard({ ui: true, env: { FAULTLINE_SAGA_STUCK_SECONDS: String(STUCK_SECONDS) } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it('shows the compensated timeline: lanes, the failed step with its error, compensation bars and the undo path', async () => {
    const t0 = Date.now() - 60_000;
    const id = 'browser-compensated-1';
    await send(
      dashboard.url,
      otlpJson(
        'ab'.repeat(16),
        sagaSpans(
          id,
          'checkout',
          t0,
          [
            { service: 'inventory-service', step: 'reserve-inventory', index: 0, kind: 'action', at: 10, ms: 120 },
            {
              service: 'payment-service',
              step: 'charge-payment',
              index: 1,
              kind: 'action',
              at: 140,
              ms: 300,
              error: 'card declined',
            },
            {
              service: 'inventory-service',
              step: 'reserve-inventory',
              index: 0,
              kind: 'compensation',
              at: 460,
              ms: 90,
            },
            { service: 'order-service', step: 'audit-log', index: 3, kind: 'action', at: 0, ms: 8 },
          ],
          'compensated',
          600,
        ),
      ),
    );
    await stored(dashboard.url, id, 4);

    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${dashboard.url}/sagas/${id}`);
      const gantt = page.getByTestId('saga-gantt');
      await gantt.waitFor();

      const lanes = await gantt
        .locator('g[data-lane]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
      expect(lanes).toEqual(['order-service', 'inventory-service', 'payment-service']);

      const failed = gantt.getByRole('img', {
        name: /^Action charge-payment \(step 2\) on payment-service, failed: card declined/,
      });
      await expect(failed.count()).resolves.toBe(1);
      await expect(gantt.getByTestId('failed-step-error').textContent()).resolves.toContain('card declined');

      const compensation = gantt.getByRole('img', {
        name: /^Compensation reserve-inventory .* on inventory-service, completed, 90 ms/,
      });
      await expect(compensation.count()).resolves.toBe(1);
      // Distinct by more than colour: the compensation bar is hatched and dashed, the action bar solid.
      const styles = await gantt.locator('g[data-kind] > rect:first-of-type').evaluateAll((rects) =>
        rects.map((r) => ({
          kind: r.parentElement?.getAttribute('data-kind'),
          fill: getComputedStyle(r).fill,
          dash: r.getAttribute('stroke-dasharray'),
        })),
      );
      const comp = styles.find((s) => s.kind === 'compensation');
      const action = styles.find((s) => s.kind === 'action');
      expect(comp?.fill).toMatch(/^url\(/);
      expect(comp?.dash).toBeTruthy();
      expect(action?.fill).not.toMatch(/^url\(/);
      await expect(gantt.getByTestId('undo-path').count()).resolves.toBe(1);
      // The tooltip carries the duration.
      await expect(failed.locator('title').textContent()).resolves.toContain('300 ms');
      await expect(page.getByRole('link', { name: 'Open trace ↗' }).getAttribute('href')).resolves.toContain(
        'ab'.repeat(16),
      );

      await screenshot(page, `sagas-timeline-${colorScheme}.png`, { fullPage: true });
      expect(pageErrors).toEqual([]);
      await context.close();
    }
  }, 90_000);

  it('renders a 50-step timeline with every bar', async () => {
    const t0 = Date.now() - 120_000;
    const id = 'browser-fifty-steps';
    const steps = Array.from({ length: 50 }, (_, i) => ({
      service: `service-${i % 6}`,
      step: `step-${i}`,
      index: i,
      kind: 'action' as const,
      at: i * 40,
      ms: 30 + (i % 7) * 5,
    }));
    await send(dashboard.url, otlpJson('cd'.repeat(16), sagaSpans(id, 'fifty', t0, steps, 'completed', 50 * 40 + 10)));
    await stored(dashboard.url, id, 50);

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    // Warm the route's JS so the measurement is the chart, not the first download.
    await page.goto(`${dashboard.url}/sagas/${id}`);
    await page.getByTestId('saga-gantt').waitFor();
    const started = Date.now();
    await page.reload();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="saga-gantt"] g[data-kind]').length === 50,
    );
    const wallMs = Date.now() - started;
    const renderMs = Number(await page.getByTestId('saga-gantt').getAttribute('data-render-ms'));
    console.log(`50-step timeline: chart render ${renderMs} ms; reload → 50 bars visible ${wallMs} ms`);
    // Timings are reported here and measured properly by `npm run bench -- --only ui`; the test checks the result.
    expect(renderMs).toBeGreaterThan(0);
    await screenshot(page, 'sagas-timeline-50-steps.png', { fullPage: true });
    await context.close();
  }, 60_000);

  it('updates a running saga live and shows one without an end as stuck', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const reserve = {
      service: 'inventory-service',
      step: 'reserve-inventory',
      index: 0,
      kind: 'action' as const,
      at: 0,
      ms: 40,
    };

    const t0 = Date.now() - 500;
    const live = 'browser-running-then-done';
    await send(dashboard.url, otlpJson('12'.repeat(16), sagaSpans(live, 'checkout', t0, [reserve], null, 0)));
    await waitFor(() => getJson(`${dashboard.url}/api/sagas/${live}`).catch(() => null), {
      what: 'running run stored',
    });
    await page.goto(`${dashboard.url}/sagas/${live}`);
    await page.locator('h1 [data-status="running"]').waitFor();
    await send(
      dashboard.url,
      otlpJson(
        '12'.repeat(16),
        sagaSpans(
          live,
          'checkout',
          t0,
          [{ service: 'payment-service', step: 'charge-payment', index: 1, kind: 'action', at: 50, ms: 60 }],
          'completed',
          150,
        ),
      ),
    );
    await page.locator('h1 [data-status="completed"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('saga-gantt').locator('g[data-kind="action"]').count()).toBe(2);

    const stuck = 'browser-stuck';
    await send(
      dashboard.url,
      otlpJson(
        '34'.repeat(16),
        sagaSpans(stuck, 'checkout', Date.now() - 2 * STUCK_SECONDS * 1000, [reserve], null, 0),
      ),
    );
    await waitFor(
      async () =>
        (await getJson<{ status: string }>(`${dashboard.url}/api/sagas/${stuck}`).catch(() => null))?.status ===
        'stuck',
      { what: 'run marked stuck' },
    );
    await page.goto(`${dashboard.url}/sagas/${stuck}`);
    await page.locator('h1 [data-status="stuck"]').waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'Stuck' }).count()).resolves.toBe(1);
    await screenshot(page, 'sagas-timeline-stuck.png', { fullPage: true });
    await context.close();
  }, 60_000);

  it('lists runs with filters from the URL and shows a new run live', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/sagas?name=checkout`);
    await page.getByRole('heading', { name: 'Sagas', level: 1 }).waitFor();
    await page.locator('tr[data-run-id="browser-compensated-1"]').waitFor();
    expect(await page.locator('tr[data-run-id="browser-fifty-steps"]').count()).toBe(0);
    await page.getByTestId('sagas-connection').getByText('● new runs appear live').waitFor();

    const id = 'browser-live-arrival';
    await send(
      dashboard.url,
      otlpJson(
        'ef'.repeat(16),
        sagaSpans(
          id,
          'checkout',
          Date.now() - 1000,
          [{ service: 'inventory-service', step: 'reserve-inventory', index: 0, kind: 'action', at: 0, ms: 50 }],
          'completed',
          80,
        ),
      ),
    );
    const row = page.locator(`tr[data-run-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect(row.textContent()).resolves.toContain('completed');
    await page.locator('figure[data-saga-type="checkout"] svg').first().waitFor();

    await page.getByLabel('Status').selectOption('compensated');
    await page.waitForURL(/status=compensated/);
    await page.waitForFunction(() => !document.querySelector('tr[data-run-id="browser-live-arrival"]'));
    await page.locator('tr[data-run-id="browser-compensated-1"]').waitFor();
    await screenshot(page, 'sagas-list.png', { fullPage: true });
    await context.close();
  }, 60_000);
});
