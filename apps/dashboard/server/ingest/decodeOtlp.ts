import type { DecodeLimits } from './decodeContext';
import { decodeMetricsJson, decodeTracesJson } from './otlpJson';
import { decodeMetricsProtobuf, decodeTracesProtobuf } from './otlpProtobuf';
import type { Encoding, Signal } from './otlpResponse';
import type { MetricBatch, TraceBatch } from './telemetry';

const decoders = {
  traces: { json: decodeTracesJson, protobuf: decodeTracesProtobuf },
  metrics: { json: decodeMetricsJson, protobuf: decodeMetricsProtobuf },
} as const;

/**
 * Decodes an OTLP request body (already gunzipped) of either signal and
 * encoding; throws DecodeError for input that is not valid OTLP. Used by the
 * HTTP handler and by the journal's replay, so both read bodies alike.
 */
export function decodeOtlp(
  signal: Signal,
  encoding: Encoding,
  body: Buffer,
  limits: DecodeLimits,
): TraceBatch | MetricBatch {
  return decoders[signal][encoding](body, limits);
}
