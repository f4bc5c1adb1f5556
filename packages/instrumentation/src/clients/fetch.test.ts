import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokenCircuitError, TimeoutError } from '../errors.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { compose } from '../policies/compose.js';
import { retry } from '../policies/retry.js';
import { timeout } from '../policies/timeout.js';
import { guardedFetch, instrumentFetch } from './fetch.js';

let server: Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits++;
    if (request.url === '/fail') {
      response.statusCode = 503;
      response.end('down');
    } else if (request.url === '/slow') {
      setTimeout(() => response.end('late'), 500);
    } else {
      response.end(`ok ${request.method}`);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

describe('instrumentFetch', () => {
  it('passes requests and responses through', async () => {
    const fetchPayment = instrumentFetch({ dependency: 'payment-service' });
    const response = await fetchPayment(`${base}/ok`, { method: 'post', body: 'x' });
    expect(await response.text()).toBe('ok POST');
  });

  it('counts 5xx as failures for the policy but still returns the response', async () => {
    hits = 0;
    const breaker = circuitBreaker({ name: 'http', window: { kind: 'count', size: 2 }, minimumCalls: 2 });
    const fetchPayment = instrumentFetch({
      dependency: 'payment-service',
      policy: compose(breaker, retry({ maxAttempts: 2, backoff: { initialMs: 0, maxMs: 0 } })),
    });
    const response = await fetchPayment(`${base}/fail`);
    expect(response.status).toBe(503);
    expect(hits).toBe(2); // retried once
    expect(breaker.state).toBe('closed'); // one logical call seen by the breaker
    await fetchPayment(`${base}/fail`);
    expect(breaker.state).toBe('open');
    await expect(fetchPayment(`${base}/ok`)).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('aborts the request on timeout', async () => {
    const fetchSlow = instrumentFetch({ dependency: (url) => url.hostname, policy: timeout({ ms: 50 }) });
    await expect(fetchSlow(`${base}/slow`)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('guardedFetch does one request', async () => {
    const response = await guardedFetch(`${base}/ok`, undefined, { dependency: 'payment-service' });
    expect(await response.text()).toBe('ok GET');
  });
});
