import { context, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { saga } from '../saga/saga.js';
import { useGlobalTestTelemetry } from './globalTelemetry.testSupport.js';
import { collectByName, points } from './metricsContract.testSupport.js';
import { METRIC } from './names.js';
import { configureTracing } from './tracingOptions.js';

// A sampler that is *not* ParentBased: it would sample a child of an
// unsampled parent, so it tells apart "skipped by us" from "dropped by the SDK".
const { spans, reader } = useGlobalTestTelemetry({ sampler: new AlwaysOnSampler() });

afterEach(() => configureTracing({ inheritUnsampledParent: true }));

function parent(traceFlags: number, traceId = '4bf92f3577b34da6a3ce929d0e0e4736'): SpanContext {
  return { traceId, spanId: '00f067aa0ba902b7', traceFlags, isRemote: true };
}

function under<T>(parentContext: SpanContext, fn: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpanContext(context.active(), parentContext), fn);
}

async function callCount(dependency: string): Promise<number> {
  const byName = await collectByName(reader);
  return points(byName.get(METRIC.CALL_DURATION), { 'peer.service': dependency }).reduce(
    (sum, point) => sum + (point.value as { count: number }).count,
    0,
  );
}

describe('configureTracing / unsampled parents', () => {
  it('starts no span under an unsampled parent, but still records the call metrics', async () => {
    const breaker = circuitBreaker({ name: 'unsampled-parent', dependency: 'unsampled-dep' });
    await under(parent(TraceFlags.NONE), () => breaker.execute(async () => 'ok'));
    expect(spans.getFinishedSpans()).toHaveLength(0);
    expect(await callCount('unsampled-dep')).toBe(1);
  });

  it('asks the SDK under a sampled parent, without a parent, and under an invalid parent', async () => {
    const breaker = circuitBreaker({ name: 'sampled-parent', dependency: 'sampled-dep' });
    await under(parent(TraceFlags.SAMPLED), () => breaker.execute(async () => 'child'));
    await breaker.execute(async () => 'root');
    await under(parent(TraceFlags.NONE, '00000000000000000000000000000000'), () => breaker.execute(async () => 'bad'));
    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual([
      'sampled-dep execute',
      'sampled-dep execute',
      'sampled-dep execute',
    ]);
    expect(finished[0]?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('with inheritUnsampledParent: false leaves the decision to the sampler', async () => {
    configureTracing({ inheritUnsampledParent: false });
    const breaker = circuitBreaker({ name: 'opt-out', dependency: 'opt-out-dep' });
    await under(parent(TraceFlags.NONE), () => breaker.execute(async () => 'ok'));
    // AlwaysOn samples the child of the unsampled parent.
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['opt-out-dep execute']);
  });

  it('a saga under an unsampled parent starts no spans, and its steps still carry the parent trace', async () => {
    const seen: (string | undefined)[] = [];
    const step = (name: string) => ({
      name,
      action: () => {
        seen.push(trace.getSpanContext(context.active())?.traceId);
        return name;
      },
    });
    await under(parent(TraceFlags.NONE), () => saga('unsampled-checkout', [step('a'), step('b')]).run({}));
    expect(spans.getFinishedSpans()).toHaveLength(0);
    expect(seen).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', '4bf92f3577b34da6a3ce929d0e0e4736']);
    // Opted out, the (non-ParentBased) sampler decides and records them.
    configureTracing({ inheritUnsampledParent: false });
    await under(parent(TraceFlags.NONE), () => saga('opted-out-checkout', [step('a')]).run({}));
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['step a', 'saga opted-out-checkout']);
  });

  it('rejects options of the wrong type, naming the field', () => {
    expect(() => configureTracing({ inheritUnsampledParent: 'yes' as never })).toThrow(
      /configureTracing: inheritUnsampledParent must be a boolean/,
    );
    expect(() => configureTracing(null as never)).toThrow(/configureTracing: options must be an object/);
  });
});
