import { bulkhead, compose, instrument } from '@faultline/instrumentation';
import { fakePayment, paymentBreaker, startOrderTelemetry } from './fakePayment';

/**
 * An instrumented "order-service" calling a controllable "payment-service"
 * client through a bulkhead and a breaker, exporting through the real OTel
 * SDK and OTLP/HTTP exporters via the package's setup helper.
 */
export async function startOrderService(endpoint: string, protocol: 'json' | 'protobuf') {
  const telemetry = startOrderTelemetry(endpoint, protocol);
  const payment = fakePayment();
  const breaker = paymentBreaker(60_000);
  const pool = bulkhead({ name: 'payment-pool', dependency: 'payment-service', maxConcurrent: 4, maxQueue: 32 });
  const client = instrument(payment.client, { dependency: 'payment-service', policy: compose(pool, breaker) });
  return {
    breaker,
    pool,
    client,
    setFailing: payment.setFailing,
    /** Fire `n` calls, swallowing errors; returns how many succeeded. */
    async burst(n: number): Promise<number> {
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => client.charge(i)));
      return results.filter((r) => r.status === 'fulfilled').length;
    },
    shutdown: () => telemetry.shutdown(),
  };
}
