import { bulkhead, circuitBreaker, compose, instrument } from '@faultline/instrumentation';
import { startTelemetry } from '@faultline/instrumentation/setup';

/**
 * An instrumented "order-service" calling a controllable "payment-service"
 * client through a bulkhead and a breaker, exporting through the real OTel
 * SDK and OTLP/HTTP exporters via the package's setup helper.
 */
export async function startOrderService(endpoint: string, protocol: 'json' | 'protobuf') {
  const telemetry = startTelemetry({
    serviceName: 'order-service',
    endpoint,
    protocol,
    metricIntervalMs: 300,
  });
  let failing = false;
  const payment = {
    async charge(amount: number): Promise<number> {
      await new Promise((r) => setTimeout(r, 2));
      if (failing) throw new Error('payment-service unavailable');
      return amount;
    },
  };
  const breaker = circuitBreaker({
    name: 'payments',
    dependency: 'payment-service',
    window: { kind: 'count', size: 10 },
    failureRateThreshold: 0.5,
    minimumCalls: 5,
    openDurationMs: 60_000,
    halfOpenMaxCalls: 1,
  });
  const pool = bulkhead({ name: 'payment-pool', dependency: 'payment-service', maxConcurrent: 4, maxQueue: 32 });
  const client = instrument(payment, { dependency: 'payment-service', policy: compose(pool, breaker) });
  return {
    breaker,
    pool,
    client,
    setFailing(v: boolean) {
      failing = v;
    },
    /** Fire `n` calls, swallowing errors; returns how many succeeded. */
    async burst(n: number): Promise<number> {
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => client.charge(i)));
      return results.filter((r) => r.status === 'fulfilled').length;
    },
    shutdown: () => telemetry.shutdown(),
  };
}
