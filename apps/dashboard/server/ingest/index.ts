/** The OTLP/HTTP ingest boundary: decoders, limits and the HTTP handler. */
export { DEFAULT_DECODE_LIMITS, type DecodeLimits, resolveDecodeLimits } from './decodeContext';
export { DecodeError, PayloadTooLargeError } from './decodeError';
export { type AcceptResult, createOtlpHandler, type OtlpHandlerOptions, type Signal } from './otlpHandler';
export {
  decodeMetricsJson,
  decodeTracesJson,
  metricsFromJsonValue,
  parseJsonBody,
  tracesFromJsonValue,
} from './otlpJson';
export { decodeMetricsProtobuf, decodeTracesProtobuf } from './otlpProtobuf';
export { exportResponse, statusResponse } from './otlpResponse';
export { gunzipLimited, readRawBody } from './requestBody';
export type * from './telemetry';
