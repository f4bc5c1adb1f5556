import { instrument } from '@faultline/instrumentation';
import { fakePayment, paymentBreaker, startOrderTelemetry } from './fakePayment';

/**
 * An instrumented "order-service" whose "payment-service" client sits behind
 * a breaker that recovers quickly (short openDurationMs, one half-open
 * probe), exporting through the real OTel SDK, so a test can drive the
 * breaker open and closed again within seconds: alert fires, then resolves.
 */
export interface RecoveringServiceOptions {
  openDurationMs?: number;
  protocol?: 'json' | 'protobuf';
}

export async function startRecoveringOrderService(endpoint: string, options: RecoveringServiceOptions = {}) {
  const telemetry = startOrderTelemetry(endpoint, options.protocol ?? 'json');
  const payment = fakePayment();
  const breaker = paymentBreaker(options.openDurationMs ?? 1500);
  const client = instrument(payment.client, { dependency: 'payment-service', policy: breaker });

  /** Fire `n` calls one after another, swallowing errors; returns how many succeeded. */
  const calls = async (n: number): Promise<number> => {
    let ok = 0;
    for (let i = 0; i < n; i++) {
      try {
        await client.charge(i);
        ok++;
      } catch {
        // failures and short-circuits are the point
      }
    }
    return ok;
  };

  return {
    breaker,
    calls,
    /** Make the dependency fail until the breaker opens. */
    async open(): Promise<void> {
      payment.setFailing(true);
      for (let i = 0; i < 50 && breaker.state !== 'open'; i++) await calls(1);
      if (breaker.state !== 'open') throw new Error(`breaker did not open (state ${breaker.state})`);
    },
    /** Heal the dependency and probe until the breaker closes again (after openDurationMs). */
    async recover(timeoutMs = 15_000): Promise<void> {
      payment.setFailing(false);
      const deadline = Date.now() + timeoutMs;
      const closed = () => breaker.state === 'closed';
      while (!closed()) {
        if (Date.now() > deadline) throw new Error(`breaker did not close (state ${breaker.state})`);
        await calls(1);
        if (!closed()) await new Promise((r) => setTimeout(r, 100));
      }
    },
    shutdown: () => telemetry.shutdown(),
  };
}
