import { context, type MeterProvider, metrics, ProxyTracer, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  TracerProvider as SdkTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bulkhead } from '../policies/bulkhead.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { compose } from '../policies/compose.js';
import { retry } from '../policies/retry.js';
import { timeout } from '../policies/timeout.js';

afterEach(() => {
  trace.disable();
  metrics.disable();
  context.disable();
});

function guard() {
  return compose(
    bulkhead({ name: 'pool', dependency: 'dep', maxConcurrent: 1, maxQueue: 1 }),
    circuitBreaker({ name: 'breaker', dependency: 'dep', window: { kind: 'count', size: 2 }, minimumCalls: 1 }),
    timeout({ ms: 1_000 }),
    retry({ maxAttempts: 2, backoff: { initialMs: 0, maxMs: 0 } }),
  );
}

describe('telemetry never hurts the call', () => {
  it('a throwing MeterProvider and TracerProvider do not reach the caller', async () => {
    const explode = () => {
      throw new Error('telemetry is broken');
    };
    metrics.setGlobalMeterProvider({ getMeter: explode } as unknown as MeterProvider);
    trace.setGlobalTracerProvider({ getTracer: explode } as unknown as TracerProvider);
    const policy = guard();
    await expect(policy.execute(async () => 'ok')).resolves.toBe('ok');
    await expect(
      policy.execute(async () => {
        throw new Error('real failure');
      }),
    ).rejects.toThrow('real failure'); // opens the breaker: transition reporting fails silently
  });

  it('starts no span at all while no tracer provider is registered', async () => {
    const startSpan = vi.spyOn(ProxyTracer.prototype, 'startSpan');
    try {
      await expect(guard().execute(async () => 'ok')).resolves.toBe('ok');
      expect(startSpan).not.toHaveBeenCalled();
      const spans = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(
        new SdkTracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
      );
      await expect(guard().execute(async () => 'ok')).resolves.toBe('ok');
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['dep execute attempt', 'dep execute']);
    } finally {
      startSpan.mockRestore();
    }
  });

  it('unsampled calls create no spans and still work', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new SdkTracerProvider({
        sampler: new AlwaysOffSampler(),
        spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
      }),
    );
    let attempts = 0;
    await expect(
      guard().execute(async () => {
        if (++attempts === 1) throw new Error('flaky');
        return 'ok';
      }),
    ).resolves.toBe('ok');
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
