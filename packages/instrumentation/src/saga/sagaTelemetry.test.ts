import {
  type MeterProvider as ApiMeterProvider,
  type TracerProvider as ApiTracerProvider,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  metrics,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, DURATION_BUCKETS_S, METRIC, SCOPE_NAME } from '../telemetry/names.js';
import { currentSagaId, currentSagaName, joinSaga, sagaStepSpan } from './joinSaga.js';
import { saga } from './saga.js';
import type { SagaStep } from './types.js';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const contextManager = new AsyncLocalStorageContextManager();
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
let reader: TestReader;
let meterProvider: MeterProvider;

beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
afterAll(() => void context.disable());
afterEach(() => {
  spans.reset();
  reader = new TestReader();
  meterProvider = new MeterProvider({ readers: [reader] });
});
reader = new TestReader();
meterProvider = new MeterProvider({ readers: [reader] });

const providers = () => ({ tracerProvider, meterProvider });

function checkoutSteps(failAt?: string): SagaStep<unknown>[] {
  const act = (name: string) => () => {
    if (name === failAt) throw new Error(`${name} broke`);
    return name;
  };
  return [
    { name: 'reserve-inventory', action: act('reserve-inventory'), compensate: () => {} },
    { name: 'charge-payment', action: act('charge-payment'), compensate: () => {} },
    { name: 'send-receipt', action: act('send-receipt') },
  ];
}

const byName = (name: string) => spans.getFinishedSpans().find((s) => s.name === name)!;
const stepSpans = () => spans.getFinishedSpans().filter((s) => s.attributes[ATTR.SAGA_STEP_NAME] !== undefined);

async function collect(name: string) {
  const { resourceMetrics } = await reader.collect();
  const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === SCOPE_NAME);
  return scope?.metrics.find((m) => m.descriptor.name === name);
}

describe('saga spans', () => {
  it('a completed run: root span `saga {name}` with one child span per step', async () => {
    const run = await saga('checkout', checkoutSteps(), providers()).run({}, { sagaId: 'id-1' });
    const root = byName('saga checkout');
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.instrumentationScope.name).toBe(SCOPE_NAME);
    expect(root.attributes).toEqual({
      'resilience.saga.name': 'checkout',
      'resilience.saga.id': run.sagaId,
      'resilience.saga.status': 'completed',
    });
    expect(root.status.code).toBe(SpanStatusCode.UNSET);
    const steps = stepSpans();
    expect(steps.map((s) => s.name)).toEqual(['step reserve-inventory', 'step charge-payment', 'step send-receipt']);
    for (const [index, step] of steps.entries()) {
      expect(step.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(step.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(step.kind).toBe(SpanKind.INTERNAL);
      expect(step.attributes).toEqual({
        'resilience.saga.name': 'checkout',
        'resilience.saga.id': 'id-1',
        'resilience.saga.step.name': checkoutSteps()[index]!.name,
        'resilience.saga.step.index': index,
        'resilience.saga.step.kind': 'action',
        'resilience.saga.step.status': 'completed',
      });
    }
  });

  it('a compensated run: the failed action carries the error, compensations have kind compensation', async () => {
    await saga('checkout', checkoutSteps('send-receipt'), providers()).run({});
    const root = byName('saga checkout');
    expect(root.attributes[ATTR.SAGA_STATUS]).toBe('compensated');
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'compensated: send-receipt broke' });
    const failed = byName('step send-receipt');
    expect(failed.attributes[ATTR.SAGA_STEP_STATUS]).toBe('failed');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'send-receipt broke' });
    expect(failed.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', 'send-receipt broke'],
    ]);
    const comp = stepSpans().filter((s) => s.attributes[ATTR.SAGA_STEP_KIND] === 'compensation');
    expect(comp.map((s) => [s.name, s.attributes[ATTR.SAGA_STEP_INDEX], s.attributes[ATTR.SAGA_STEP_STATUS]])).toEqual([
      ['compensate charge-payment', 1, 'completed'],
      ['compensate reserve-inventory', 0, 'completed'],
    ]);
    for (const s of comp) expect(s.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });

  it('a failed run: every failed compensation attempt is recorded on its span', async () => {
    const steps = checkoutSteps('send-receipt');
    steps[1]!.compensate = () => Promise.reject(new Error('refund down'));
    const run = await saga('checkout', steps, { ...providers(), compensationRetries: 2, compensationBackoffMs: 0 }).run(
      {},
    );
    expect(run.status).toBe('failed');
    expect(byName('saga checkout').attributes[ATTR.SAGA_STATUS]).toBe('failed');
    const comp = byName('compensate charge-payment');
    expect(comp.attributes[ATTR.SAGA_STEP_STATUS]).toBe('failed');
    expect(comp.attributes[ATTR.RETRY_ATTEMPT]).toBe(2);
    expect(comp.events.filter((e) => e.name === 'exception')).toHaveLength(3);
    expect(spans.getFinishedSpans().some((s) => s.name === 'compensate reserve-inventory')).toBe(false);
  });

  it('is the child of the span active when run() was called', async () => {
    const tracer = tracerProvider.getTracer('test');
    await tracer.startActiveSpan('POST /checkout', async (request) => {
      await saga('checkout', checkoutSteps(), providers()).run({});
      request.end();
    });
    expect(byName('saga checkout').parentSpanContext?.spanId).toBe(byName('POST /checkout').spanContext().spanId);
  });

  it('makes the step span active inside the step, so calls made by the step are its children', async () => {
    const tracer = tracerProvider.getTracer('test');
    await saga(
      'checkout',
      [{ name: 'charge', action: () => tracer.startActiveSpan('payments charge', (s) => s.end()) }],
      providers(),
    ).run({});
    expect(byName('payments charge').parentSpanContext?.spanId).toBe(byName('step charge').spanContext().spanId);
  });
});

describe('saga metrics', () => {
  it('counts runs by name and status, and records run and step durations in seconds with the shared buckets', async () => {
    await saga('checkout', checkoutSteps(), providers()).run({});
    await saga('checkout', checkoutSteps(), providers()).run({});
    await saga('checkout', checkoutSteps('charge-payment'), providers()).run({});

    const runs = (await collect(METRIC.SAGA_RUNS)) as SumMetricData;
    expect(runs.descriptor.unit).toBe('{run}');
    expect(
      runs.dataPoints.map((p) => [p.attributes[ATTR.SAGA_NAME], p.attributes[ATTR.SAGA_STATUS], p.value]).sort(),
    ).toEqual([
      ['checkout', 'compensated', 1],
      ['checkout', 'completed', 2],
    ]);

    const duration = (await collect(METRIC.SAGA_DURATION)) as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPoints[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS_S);
    expect(duration.dataPoints.every((p) => p.attributes[ATTR.SAGA_NAME] === 'checkout')).toBe(true);

    const steps = (await collect(METRIC.SAGA_STEP_DURATION)) as HistogramMetricData;
    expect(steps.descriptor.unit).toBe('s');
    expect(steps.dataPoints[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS_S);
    const keyed = steps.dataPoints.map((p) => [
      p.attributes[ATTR.SAGA_NAME],
      p.attributes[ATTR.SAGA_STEP_NAME],
      p.attributes[ATTR.SAGA_STEP_KIND],
      p.attributes[ATTR.SAGA_STEP_STATUS],
      p.value.count,
    ]);
    expect(keyed).toContainEqual(['checkout', 'reserve-inventory', 'action', 'completed', 3]);
    expect(keyed).toContainEqual(['checkout', 'charge-payment', 'action', 'failed', 1]);
    expect(keyed).toContainEqual(['checkout', 'reserve-inventory', 'compensation', 'completed', 1]);
  });
});

describe('telemetry never hurts the saga', () => {
  it('runs normally when the providers throw', async () => {
    const broken = () => {
      throw new Error('telemetry down');
    };
    const run = await saga('checkout', checkoutSteps('send-receipt'), {
      tracerProvider: { getTracer: broken } as ApiTracerProvider,
      meterProvider: { getMeter: broken } as ApiMeterProvider,
    }).run({});
    expect(run.status).toBe('compensated');
  });

  it('runs normally when spans and instruments throw', async () => {
    const throwing = new Proxy(
      {},
      {
        get: () => () => {
          throw new Error('boom');
        },
      },
    );
    const run = await saga('checkout', checkoutSteps(), {
      tracerProvider: { getTracer: () => ({ startSpan: () => throwing, startActiveSpan: () => throwing }) },
      meterProvider: { getMeter: () => throwing },
    } as never).run({});
    expect(run.status).toBe('completed');
  });
});

describe('saga id in baggage (choreography)', () => {
  const propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });

  it('is in the active context during steps and compensations, and gone outside', async () => {
    const seen: unknown[] = [];
    const record = () => void seen.push([currentSagaId(), currentSagaName()]);
    const run = await saga(
      'checkout',
      [
        { name: 'a', action: record, compensate: record },
        { name: 'b', action: () => Promise.reject(new Error('x')) },
      ],
      providers(),
    ).run({}, { sagaId: 'bag-1' });
    expect(run.status).toBe('compensated');
    expect(seen).toEqual([
      ['bag-1', 'checkout'],
      ['bag-1', 'checkout'],
    ]);
    expect(currentSagaId()).toBeUndefined();
  });

  it('survives a W3C inject/extract round trip and lets the remote step span join the run', async () => {
    const headers: Record<string, string> = {};
    // Orchestrator side: the step injects the active context into its outgoing request.
    await saga(
      'checkout',
      [{ name: 'charge-payment', action: () => propagator.inject(context.active(), headers, defaultTextMapSetter) }],
      providers(),
    ).run({}, { sagaId: 'saga-42' });
    expect(headers.baggage).toContain('resilience.saga.id=saga-42');
    expect(headers.traceparent).toBeDefined();

    // Remote side: a fresh context, extracted from the headers.
    const remote = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    expect(currentSagaId(remote)).toBe('saga-42');
    const value = await context.with(remote, () =>
      joinSaga('debit-ledger', async () => currentSagaId(), { ...providers(), index: 1 }),
    );
    expect(value).toBe('saga-42');

    const joined = byName('step debit-ledger');
    expect(joined.attributes).toEqual({
      'resilience.saga.id': 'saga-42',
      'resilience.saga.name': 'checkout',
      'resilience.saga.step.name': 'debit-ledger',
      'resilience.saga.step.index': 1,
      'resilience.saga.step.kind': 'action',
      'resilience.saga.step.status': 'completed',
    });
    const caller = byName('step charge-payment');
    expect(joined.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(joined.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  });

  it('joinSaga records a failing remote step and rethrows its error', async () => {
    const remote = propagator.extract(
      ROOT_CONTEXT,
      { baggage: 'resilience.saga.id=s-9,resilience.saga.name=checkout' },
      defaultTextMapGetter,
    );
    const error = new Error('ledger locked');
    await expect(
      joinSaga('debit-ledger', () => Promise.reject(error), { ...providers(), context: remote, kind: 'compensation' }),
    ).rejects.toBe(error);
    const span = byName('compensate debit-ledger');
    expect(span.attributes[ATTR.SAGA_STEP_STATUS]).toBe('failed');
    expect(span.attributes[ATTR.SAGA_STEP_KIND]).toBe('compensation');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const steps = (await collect(METRIC.SAGA_STEP_DURATION)) as HistogramMetricData;
    expect(steps.dataPoints.map((p) => p.attributes)).toEqual([
      {
        'resilience.saga.name': 'checkout',
        'resilience.saga.step.name': 'debit-ledger',
        'resilience.saga.step.kind': 'compensation',
        'resilience.saga.step.status': 'failed',
      },
    ]);
  });

  it('outside any saga, joinSaga just runs the work and sagaStepSpan returns undefined', async () => {
    expect(await joinSaga('x', () => 7, providers())).toBe(7);
    expect(sagaStepSpan('x', providers())).toBeUndefined();
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('sagaStepSpan starts a span the caller ends', () => {
    const remote = propagator.extract(ROOT_CONTEXT, { baggage: 'resilience.saga.id=s-1' }, defaultTextMapGetter);
    const span = sagaStepSpan('ship', { ...providers(), context: remote });
    span!.end();
    const [ended] = spans.getFinishedSpans() as [ReadableSpan];
    expect(ended.attributes).toEqual({
      'resilience.saga.id': 's-1',
      'resilience.saga.step.name': 'ship',
      'resilience.saga.step.kind': 'action',
    });
  });
});

it('uses the global providers when none are given', async () => {
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  try {
    await saga('global', [{ name: 'a', action: () => 1 }]).run({});
    expect(byName('saga global').attributes[ATTR.SAGA_STATUS]).toBe('completed');
    expect(((await collect(METRIC.SAGA_RUNS)) as SumMetricData).dataPoints[0]!.value).toBe(1);
  } finally {
    trace.disable();
    metrics.disable();
  }
});
