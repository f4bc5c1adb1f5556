import { circuitBreaker } from '@faultline/instrumentation';
import { startTelemetry } from '@faultline/instrumentation/setup';

/**
 * What the test services share: "order-service" exporting through the real
 * OTel SDK (setup helper, fast metric interval) and a "payment-service"
 * client the test can make fail.
 */
export function startOrderTelemetry(endpoint: string, protocol: 'json' | 'protobuf') {
  return startTelemetry({ serviceName: 'order-service', endpoint, protocol, metricIntervalMs: 300 });
}

export function fakePayment() {
  let failing = false;
  return {
    client: {
      async charge(amount: number): Promise<number> {
        await new Promise((r) => setTimeout(r, 2));
        if (failing) throw new Error('payment-service unavailable');
        return amount;
      },
    },
    setFailing(v: boolean) {
      failing = v;
    },
  };
}

/** order-service's breaker on payment-service: opens at 50 % of at least 5 calls, one half-open probe. */
export function paymentBreaker(openDurationMs: number) {
  return circuitBreaker({
    name: 'payments',
    dependency: 'payment-service',
    window: { kind: 'count', size: 10 },
    failureRateThreshold: 0.5,
    minimumCalls: 5,
    openDurationMs,
    halfOpenMaxCalls: 1,
  });
}
