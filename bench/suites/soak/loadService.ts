/**
 * One simulated service for the soak: `startTelemetry` with its defaults
 * (except the protocol, given), a breaker and a bulkhead per dependency, and
 * calls to a no-op dependency at a fixed rate. Run as a child process:
 *
 *   node --conditions=source --import tsx bench/suites/soak/loadService.ts
 *
 * with the configuration as JSON in SOAK_SERVICE. Reports its call count over
 * IPC when asked (`'report'`), stops on `'stop'`.
 */
import { bulkhead, circuitBreaker, compose } from '@faultline/instrumentation';
import { startTelemetry } from '@faultline/instrumentation/setup';

export interface LoadServiceConfig {
  readonly serviceName: string;
  readonly endpoint: string;
  readonly protocol: 'json' | 'protobuf';
  readonly dependencies: readonly string[];
  readonly callsPerSecond: number;
}

export interface LoadReport {
  readonly calls: number;
  readonly failures: number;
  /** The first failure's message, if any. */
  readonly firstFailure: string | null;
}

const TICK_MS = 10;

const config = JSON.parse(process.env.SOAK_SERVICE ?? '') as LoadServiceConfig;
const telemetry = startTelemetry({
  serviceName: config.serviceName,
  endpoint: config.endpoint,
  protocol: config.protocol,
});

const policies = config.dependencies.map((dependency) =>
  compose(
    circuitBreaker({ name: `${config.serviceName}→${dependency}`, dependency }),
    bulkhead({ name: `${dependency}-pool`, dependency, maxConcurrent: 64, maxQueue: 64 }),
  ),
);
const noop = async () => undefined;

let calls = 0;
let failures = 0;
let firstFailure: string | null = null;
/**
 * Calls started together, at most, before waiting for them to settle: a tick
 * that ran late catches up in waves no deeper than the bulkheads (64 per
 * dependency), so lateness of the host never turns into rejections.
 */
const WAVE = 32;

const started = performance.now();
let catchingUp = false;
const tick = async () => {
  if (catchingUp) return;
  catchingUp = true;
  try {
    // Catch up to the schedule, so the rate holds even when a tick runs late.
    for (;;) {
      const due = Math.floor(((performance.now() - started) * config.callsPerSecond) / 1000);
      if (calls >= due) break;
      const wave: Promise<unknown>[] = [];
      const end = Math.min(due, calls + WAVE * policies.length);
      while (calls < end) {
        const policy = policies[calls % policies.length]!;
        calls++;
        wave.push(
          policy.execute(noop).catch((error: unknown) => {
            failures++;
            firstFailure ??= String(error);
          }),
        );
      }
      await Promise.all(wave);
    }
  } finally {
    catchingUp = false;
  }
};
const timer = setInterval(() => void tick(), TICK_MS);

process.on('message', (message) => {
  if (message === 'report') process.send?.({ calls, failures, firstFailure } satisfies LoadReport);
  if (message === 'stop') {
    clearInterval(timer);
    void telemetry.shutdown().finally(() => process.exit(0));
  }
});
process.send?.('ready');
