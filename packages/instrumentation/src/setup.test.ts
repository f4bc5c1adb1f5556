import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkhead } from './policies/bulkhead.js';
import { circuitBreaker } from './policies/circuitBreaker.js';
import { compose } from './policies/compose.js';
import { startTelemetry } from './setup.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let endpoint: string;
const received: Received[] = [];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    received.push({
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      body: await readBody(request),
    });
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('startTelemetry', () => {
  it('exports spans and metrics over OTLP/HTTP JSON to the endpoint', async () => {
    const telemetry = startTelemetry({
      serviceName: 'order-service',
      serviceInstanceId: 'order-1',
      endpoint,
      metricIntervalMs: 100,
    });
    const guard = compose(
      bulkhead({ name: 'setup-pool', dependency: 'payment-service', maxConcurrent: 2 }),
      circuitBreaker({ name: 'setup-breaker', dependency: 'payment-service' }),
    );
    await guard.execute(async () => 'ok');
    await waitFor(() =>
      received.some((r) => r.path === '/v1/metrics' && r.body.includes('resilience.circuit_breaker.state')),
    );
    await telemetry.shutdown();
    await waitFor(() => received.some((r) => r.path === '/v1/traces'));

    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces[0]?.contentType).toContain('application/json');
    const body = traces.map((r) => r.body).join('');
    expect(body).toContain('payment-service execute');
    expect(body).toContain('order-service');
    expect(body).toContain('order-1');
    const metricsBody = received
      .filter((r) => r.path === '/v1/metrics')
      .map((r) => r.body)
      .join('');
    expect(metricsBody).toContain('resilience.call.duration');
    expect(metricsBody).toContain('resilience.bulkhead.limit');
    expect(metricsBody).toContain('nodejs.eventloop.utilization');
  });

  it('validates options', () => {
    expect(() => startTelemetry({ serviceName: '', endpoint })).toThrow(
      'startTelemetry: serviceName must be a non-empty string',
    );
    expect(() => startTelemetry({ serviceName: 'x', endpoint, protocol: 'grpc' as never })).toThrow(/protocol/);
  });
});
