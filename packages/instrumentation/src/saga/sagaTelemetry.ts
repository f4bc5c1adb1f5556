/**
 * Spans and metrics of saga runs (DESIGN.md, saga part of the telemetry
 * contract). Every call into the OTel API is guarded: a broken provider is
 * reported through `diag` and the saga carries on as if telemetry were off.
 */
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  diag,
  type Histogram,
  INVALID_SPAN_CONTEXT,
  type Meter,
  type MeterProvider,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { systemNow } from '../clock.js';
import { ATTR, DURATION_BUCKETS_S, METRIC, SCOPE_NAME, SCOPE_VERSION, UNIT } from '../telemetry/names.js';
import { skippedUnder } from '../telemetry/tracingOptions.js';
import { SAGA_STEP_STATUS, type SagaStatus, type SagaStepKind, sagaSpanName, sagaStepSpanName } from './sagaNames.js';

export interface TelemetryProviders {
  tracerProvider?: TracerProvider | undefined;
  meterProvider?: MeterProvider | undefined;
}

interface SagaInstruments {
  runs: Counter;
  duration: Histogram;
  stepDuration: Histogram;
}

const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Instruments per Meter: SDK meters are stable per scope, so each is created once. */
const instrumentCache = new WeakMap<Meter, SagaInstruments>();

function safely<T>(what: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    diag.error(`${SCOPE_NAME}: saga telemetry failed (${what})`, error);
    return fallback;
  }
}

function instrumentsFor(provider: MeterProvider | undefined): SagaInstruments | undefined {
  return safely('creating instruments', undefined, () => {
    const meter = (provider ?? metrics.getMeterProvider()).getMeter(SCOPE_NAME, SCOPE_VERSION);
    const cached = instrumentCache.get(meter);
    if (cached) return cached;
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_S] };
    const created: SagaInstruments = {
      runs: meter.createCounter(METRIC.SAGA_RUNS, { unit: UNIT.RUNS, description: 'Saga runs by final status.' }),
      duration: meter.createHistogram(METRIC.SAGA_DURATION, {
        unit: UNIT.SECONDS,
        description: 'Duration of saga runs, compensations included.',
        advice,
      }),
      stepDuration: meter.createHistogram(METRIC.SAGA_STEP_DURATION, {
        unit: UNIT.SECONDS,
        description: 'Duration of saga actions and compensations.',
        advice,
      }),
    };
    instrumentCache.set(meter, created);
    return created;
  });
}

function tracerFor(provider: TracerProvider | undefined): Tracer | undefined {
  return safely('getting tracer', undefined, () =>
    (provider ?? trace.getTracerProvider()).getTracer(SCOPE_NAME, SCOPE_VERSION),
  );
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException(String(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Adds the saga id and name to the context's baggage so outgoing calls propagate them. */
export function withSagaBaggage(parent: Context, sagaId: string, sagaName: string): Context {
  return safely('setting baggage', parent, () => {
    const bag = propagation.getBaggage(parent) ?? propagation.createBaggage();
    return propagation.setBaggage(
      parent,
      bag.setEntry(ATTR.SAGA_ID, { value: sagaId }).setEntry(ATTR.SAGA_NAME, { value: sagaName }),
    );
  });
}

export interface StepIdentity {
  sagaId: string;
  /** Unknown to a remote participant whose caller did not propagate it. */
  sagaName: string | undefined;
  stepName: string;
  /** Unknown to a remote participant unless told. */
  index: number | undefined;
  kind: SagaStepKind;
}

/** One action or compensation: a span while it runs, a duration when it ends. */
export class StepTelemetry {
  /** The parent context with this step's span active: run the step inside it. */
  readonly context: Context;
  readonly span: Span;
  private readonly startedAt = systemNow();
  private ended = false;

  constructor(
    tracer: Tracer | undefined,
    private readonly instruments: SagaInstruments | undefined,
    private readonly id: StepIdentity,
    parent: Context,
  ) {
    this.span = safely('starting step span', NO_SPAN, () => {
      if (!tracer) return NO_SPAN;
      const unsampled = skippedUnder(parent);
      if (unsampled !== undefined) return trace.wrapSpanContext(unsampled);
      const attributes: Attributes = {
        [ATTR.SAGA_ID]: id.sagaId,
        [ATTR.SAGA_STEP_NAME]: id.stepName,
        [ATTR.SAGA_STEP_KIND]: id.kind,
      };
      if (id.sagaName !== undefined) attributes[ATTR.SAGA_NAME] = id.sagaName;
      if (id.index !== undefined) attributes[ATTR.SAGA_STEP_INDEX] = id.index;
      return tracer.startSpan(sagaStepSpanName(id.stepName, id.kind), { kind: SpanKind.INTERNAL, attributes }, parent);
    });
    this.context = safely('activating step span', parent, () => trace.setSpan(parent, this.span));
  }

  /** A failed try of a compensation that will be retried. */
  attemptFailed(error: unknown, attempt: number): void {
    safely('recording failed attempt', undefined, () => {
      recordError(this.span, error);
      this.span.setAttribute(ATTR.RETRY_ATTEMPT, attempt);
    });
  }

  end(failed: boolean, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const status = failed ? SAGA_STEP_STATUS.FAILED : SAGA_STEP_STATUS.COMPLETED;
    safely('ending step span', undefined, () => {
      this.span.setAttribute(ATTR.SAGA_STEP_STATUS, status);
      if (failed) {
        recordError(this.span, error);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
      }
      this.span.end();
    });
    safely('recording step duration', undefined, () => {
      const attributes: Attributes = {
        [ATTR.SAGA_STEP_NAME]: this.id.stepName,
        [ATTR.SAGA_STEP_KIND]: this.id.kind,
        [ATTR.SAGA_STEP_STATUS]: status,
      };
      if (this.id.sagaName !== undefined) attributes[ATTR.SAGA_NAME] = this.id.sagaName;
      this.instruments?.stepDuration.record((systemNow() - this.startedAt) / 1000, attributes);
    });
  }
}

/** One saga run: the root span, the baggage, the run counter and duration. */
export class SagaRunTelemetry {
  /** Root span active and saga baggage set: the parent of every step. */
  readonly context: Context;
  private readonly tracer: Tracer | undefined;
  private readonly instruments: SagaInstruments | undefined;
  private readonly root: Span;
  private readonly startedAt = systemNow();

  constructor(
    private readonly sagaName: string,
    private readonly sagaId: string,
    providers: TelemetryProviders,
    parent: Context = context.active(),
  ) {
    this.tracer = tracerFor(providers.tracerProvider);
    this.instruments = instrumentsFor(providers.meterProvider);
    this.root = safely('starting saga span', NO_SPAN, () => {
      if (!this.tracer) return NO_SPAN;
      // Under an unsampled parent (see configureTracing) the saga and its
      // steps carry the parent's span context instead: nothing to record, and
      // what they send downstream keeps its trace and its "not sampled".
      const unsampled = skippedUnder(parent);
      if (unsampled !== undefined) return trace.wrapSpanContext(unsampled);
      return this.tracer.startSpan(
        sagaSpanName(sagaName),
        { kind: SpanKind.INTERNAL, attributes: { [ATTR.SAGA_NAME]: sagaName, [ATTR.SAGA_ID]: sagaId } },
        parent,
      );
    });
    const withSpan = safely('activating saga span', parent, () => trace.setSpan(parent, this.root));
    this.context = withSagaBaggage(withSpan, sagaId, sagaName);
  }

  step(stepName: string, index: number, kind: SagaStepKind): StepTelemetry {
    return new StepTelemetry(
      this.tracer,
      this.instruments,
      { sagaId: this.sagaId, sagaName: this.sagaName, stepName, index, kind },
      this.context,
    );
  }

  end(status: SagaStatus, error: unknown): void {
    safely('ending saga span', undefined, () => {
      this.root.setAttribute(ATTR.SAGA_STATUS, status);
      if (status !== 'completed') {
        recordError(this.root, error);
        this.root.setStatus({ code: SpanStatusCode.ERROR, message: `${status}: ${errorMessage(error)}` });
      }
      this.root.end();
    });
    safely('recording saga metrics', undefined, () => {
      const attributes = { [ATTR.SAGA_NAME]: this.sagaName, [ATTR.SAGA_STATUS]: status };
      this.instruments?.runs.add(1, attributes);
      this.instruments?.duration.record((systemNow() - this.startedAt) / 1000, attributes);
    });
  }
}

/** Telemetry of a step executed by a service that only knows the saga from propagated baggage. */
export function joinedStepTelemetry(id: StepIdentity, providers: TelemetryProviders, parent: Context): StepTelemetry {
  return new StepTelemetry(tracerFor(providers.tracerProvider), instrumentsFor(providers.meterProvider), id, parent);
}
