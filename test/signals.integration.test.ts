import { instrument, retry } from '@faultline/instrumentation';
import { startTelemetry } from '@faultline/instrumentation/setup';
import { metrics } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../apps/dashboard/lib/apiTypes';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { getJson, waitFor } from './support/waitFor';

/**
 * The incident's own signals through the real pipeline: a caller retrying a
 * failing, slow dependency multiplies its load (retry amplification), and its
 * in-flight requests pile up behind it (blocked share, from the package's
 * `resilience.dependency.inflight` over the standard `http.server.active_requests`).
 */
describe('retry amplification and callers blocked on a dependency', () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ ui: false });
  });
  afterAll(async () => {
    await dashboard?.stop();
  });

  it('the API reports attempts per call, the blocked share and a what-if radius', async () => {
    const telemetry = startTelemetry({ serviceName: 'order-service', endpoint: dashboard.url, metricIntervalMs: 300 });
    // What @opentelemetry/instrumentation-http reports for a server: requests being handled now.
    const activeRequests = metrics.getMeter('test-http-server').createUpDownCounter('http.server.active_requests');
    const payment = {
      async charge(): Promise<never> {
        await new Promise((r) => setTimeout(r, 150));
        throw new Error('payment-service: pool exhausted');
      },
    };
    const client = instrument(payment, {
      dependency: 'payment-service',
      policy: retry({ maxAttempts: 3, backoff: { initialMs: 1, maxMs: 2 } }),
    });
    let requests = 0;
    const handleRequest = async () => {
      requests++;
      activeRequests.add(1);
      try {
        await client.charge();
      } catch {
        // the request fails; what matters here is where its time went
      } finally {
        activeRequests.add(-1);
      }
    };
    try {
      const paymentEdge = async () => {
        const t = await getJson<Topology>(`${dashboard.url}/api/topology`);
        return t.edges.find((x) => x.source === 'order-service' && x.target === 'payment-service');
      };
      // Ten requests in flight at any time, all waiting on payment-service, until the dashboard has
      // seen enough of them. The blocked share is read from the last in-flight gauges, so it is
      // asked for while the callers still wait: once they stop, the next export reports nothing
      // in flight (on a loaded machine that export can arrive before the first look).
      let stop = false;
      const load = Promise.all(
        Array.from({ length: 10 }, async () => {
          while (!stop) await handleRequest();
        }),
      );
      let edge: Topology['edges'][number];
      try {
        edge = await waitFor(
          async () => {
            const e = await paymentEdge();
            return e && e.blockedShare !== null && e.outcomes.failure >= 10 ? e : undefined;
          },
          { what: 'the blocked share on the edge', timeoutMs: 30_000 },
        );
      } finally {
        stop = true;
        await load;
      }
      expect(edge.blockedShare).toBeGreaterThan(0.8);
      expect(edge.blockedShare).toBeLessThanOrEqual(1);
      // Attempts per call once every call has been reported: an export taken mid-load also counts
      // the attempts of calls still retrying (3.5 was seen once).
      const settled = await waitFor(
        async () => {
          const e = await paymentEdge();
          return e && e.outcomes.failure >= requests ? e : undefined;
        },
        { what: `all ${requests} calls reported on the edge` },
      );
      expect(settled.retryAmplification).toBeCloseTo(3, 0);

      const what = await getJson<{ failing: string; predicted: string[]; unprotected: string[] }>(
        `${dashboard.url}/api/whatif?service=payment-service`,
      );
      expect(what.failing).toBe('payment-service');
      expect(what.unprotected).toEqual(['order-service']);
      expect(what.predicted).toEqual(['order-service']); // no breaker: nothing contains it

      const missing = await fetch(`${dashboard.url}/api/whatif?service=nope`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: string }).error).toContain('service');
    } finally {
      await telemetry.shutdown();
    }
  }, 60_000);
});
