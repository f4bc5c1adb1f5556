/**
 * A three-service checkout saga with real OpenTelemetry export into the real
 * dashboard: order-service orchestrates, inventory-service and payment-service
 * execute their steps behind real HTTP calls and join the saga through W3C
 * baggage. Payment declines (step 2), inventory is released (compensation),
 * and the dashboard's API must return that compensated timeline.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { joinSaga, saga } from '@faultline/instrumentation';
import { type Context, context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { getJson, waitFor } from './support/waitFor';

interface StepJson {
  name: string;
  kind: 'action' | 'compensation';
  service: string;
  status: string;
  startedAt: number;
  endedAt: number;
  error?: string;
}
interface RunJson {
  id: string;
  name: string;
  status: string;
  startedAt: number;
  endedAt: number | null;
  services: string[];
  steps: StepJson[];
}

/** One service's own SDK: its resource, its exporter to the dashboard. */
function serviceTelemetry(serviceName: string, endpoint: string) {
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }),
        scheduledDelayMillis: 100,
      }),
    ],
  });
  return { tracerProvider, meterProvider: new MeterProvider() };
}

type Telemetry = ReturnType<typeof serviceTelemetry>;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

/** A tiny HTTP service whose routes run as saga steps joined from the request's baggage. */
async function startStepService(
  telemetry: Telemetry,
  routes: Record<
    string,
    { step: string; index: number; kind?: 'action' | 'compensation'; work: (body: unknown) => unknown }
  >,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const parent: Context = propagation.extract(context.active(), req.headers);
    void (async () => {
      try {
        const body = await readBody(req);
        const result = await joinSaga(route.step, () => route.work(body), {
          ...telemetry,
          index: route.index,
          kind: route.kind ?? 'action',
          context: parent,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
      } catch (err) {
        res
          .writeHead(402, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A call from the orchestrator: trace context and saga baggage go in the headers. */
async function post(url: string, body: unknown): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  propagation.inject(context.active(), headers);
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as { error?: string } | null;
  if (!res.ok) throw new Error(json?.error ?? `HTTP ${res.status}`);
  return json;
}

describe('three-service saga → OTLP → dashboard → /api/sagas', () => {
  let dashboard: RunningDashboard;
  const servers: Server[] = [];
  const telemetries: Telemetry[] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    dashboard = await startDashboard({ ui: false });
  });

  afterAll(async () => {
    await Promise.all(telemetries.map((t) => t.tracerProvider.shutdown()));
    for (const s of servers) s.close();
    await dashboard?.stop();
    context.disable();
    propagation.disable();
  });

  it('fails at step 2 and the API returns the compensated timeline across three services', async () => {
    const order = serviceTelemetry('order-service', dashboard.url);
    const inventoryTelemetry = serviceTelemetry('inventory-service', dashboard.url);
    const paymentTelemetry = serviceTelemetry('payment-service', dashboard.url);
    telemetries.push(order, inventoryTelemetry, paymentTelemetry);

    const reserved = new Set<string>();
    const inventory = await startStepService(inventoryTelemetry, {
      '/reserve': {
        step: 'reserve-inventory',
        index: 0,
        work: (body) => {
          reserved.add((body as { orderId: string }).orderId);
          return { reservation: 'r-1' };
        },
      },
      '/release': {
        step: 'reserve-inventory',
        index: 0,
        kind: 'compensation',
        work: (body) => reserved.delete((body as { orderId: string }).orderId),
      },
    });
    const payment = await startStepService(paymentTelemetry, {
      '/charge': {
        step: 'charge-payment',
        index: 1,
        work: () => {
          throw new Error('card declined');
        },
      },
    });
    servers.push(inventory.server, payment.server);

    const checkout = saga<{ orderId: string }>(
      'checkout',
      [
        {
          name: 'reserve-inventory',
          action: (ctx) => post(`${inventory.url}/reserve`, ctx.input),
          compensate: (ctx) => post(`${inventory.url}/release`, ctx.input),
        },
        { name: 'charge-payment', action: (ctx) => post(`${payment.url}/charge`, ctx.input) },
        { name: 'send-receipt', action: () => 'sent' },
      ],
      { stepTimeoutMs: 5000, ...order },
    );
    const run = await checkout.run({ orderId: 'o-42' });
    expect(run.status).toBe('compensated');
    expect(run.failedStep).toBe('charge-payment');
    expect(reserved.size).toBe(0);
    await Promise.all(telemetries.map((t) => t.tracerProvider.forceFlush()));

    let latest: RunJson | null = null;
    const stored = await waitFor(
      async () => {
        latest = await getJson<RunJson>(`${dashboard.url}/api/sagas/${encodeURIComponent(run.sagaId)}`).catch(
          () => null,
        );
        const r = latest;
        return r &&
          r.status === 'compensated' &&
          new Set(r.steps.map((s) => s.service)).size === 3 &&
          r.steps.length >= 6
          ? r
          : null;
      },
      { what: `saga ${run.sagaId} stored with steps from three services`, timeoutMs: 20_000 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nlast stored: ${JSON.stringify(latest)}\n${dashboard.output().slice(-2000)}`);
    });

    expect(stored).toMatchObject({ id: run.sagaId, name: 'checkout', status: 'compensated' });
    expect(stored.endedAt).not.toBeNull();
    expect(stored.services[0]).toBe('order-service');
    expect(new Set(stored.services)).toEqual(new Set(['order-service', 'inventory-service', 'payment-service']));
    const describe = (s: StepJson) => `${s.service} ${s.kind} ${s.name} ${s.status}`;
    const steps = stored.steps.map(describe);
    expect(steps).toEqual(
      expect.arrayContaining([
        'order-service action reserve-inventory completed',
        'inventory-service action reserve-inventory completed',
        'order-service action charge-payment failed',
        'payment-service action charge-payment failed',
        'order-service compensation reserve-inventory completed',
        'inventory-service compensation reserve-inventory completed',
      ]),
    );
    expect(steps.some((s) => s.includes('send-receipt'))).toBe(false);
    // Timeline order: every compensation starts after the failed charge started.
    const chargeStart = Math.min(...stored.steps.filter((s) => s.name === 'charge-payment').map((s) => s.startedAt));
    for (const s of stored.steps.filter((x) => x.kind === 'compensation'))
      expect(s.startedAt).toBeGreaterThanOrEqual(chargeStart);
    const failedCharge = stored.steps.find((s) => s.service === 'payment-service');
    expect(failedCharge?.error).toContain('card declined');

    const list = await getJson<{ runs: { id: string; status: string; failedStep: string | null }[] }>(
      `${dashboard.url}/api/sagas?name=checkout&status=compensated`,
    );
    expect(list.runs).toContainEqual(expect.objectContaining({ id: run.sagaId, failedStep: 'charge-payment' }));
    const stats = await getJson<{ points: { name: string; compensationRate: number | null }[] }>(
      `${dashboard.url}/api/sagas/stats?name=checkout&from=${stored.startedAt - 60_000}&bucket=60`,
    );
    expect(stats.points.some((p) => p.name === 'checkout' && p.compensationRate === 1)).toBe(true);
  }, 60_000);
});
