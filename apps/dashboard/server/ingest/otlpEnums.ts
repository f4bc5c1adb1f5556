/** OTLP enums as the decoders read them: proto names (OTLP/JSON may use them) and numbers. */
import type { Temporality } from './telemetry';

/** Span.SpanKind names → numbers. */
export const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

/** Status.StatusCode names → numbers. */
export const STATUS_CODE_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** AggregationTemporality names → numbers. */
export const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/** AggregationTemporality numbers → the model's names. */
export const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];
