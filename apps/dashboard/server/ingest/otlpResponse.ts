/**
 * Bodies the OTLP/HTTP receiver answers with, in the request's encoding:
 * Export{Trace,Metrics}ServiceResponse on success (with partial_success when
 * items were rejected or trimmed) and google.rpc.Status on errors.
 */

export type Signal = 'traces' | 'metrics';
export type Encoding = 'json' | 'protobuf';

export const CONTENT_TYPES: Record<Encoding, string> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** google.rpc.Code for an HTTP status (informational: OTLP clients go by the HTTP status). */
export function grpcCodeFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
    case 405:
      return 12; // UNIMPLEMENTED
    case 408:
      return 4; // DEADLINE_EXCEEDED
    case 413:
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    case 503:
      return 14; // UNAVAILABLE
    default:
      return 13; // INTERNAL
  }
}

function varint(out: number[], value: number): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function lengthDelimited(out: number[], field: number, bytes: ArrayLike<number>): void {
  out.push((field << 3) | 2);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

/**
 * `{ int64 count = 1; string message = 2 }` — the shape of both
 * ExportTracePartialSuccess (rejected_spans) and ExportMetricsPartialSuccess
 * (rejected_data_points), and (with code instead of count) of google.rpc.Status.
 */
function countAndMessage(count: number, message: string): number[] {
  const out: number[] = [];
  if (count > 0) {
    out.push(1 << 3);
    varint(out, count);
  }
  if (message !== '') lengthDelimited(out, 2, Buffer.from(message, 'utf8'));
  return out;
}

/** The success response body for `signal` in `encoding`. */
export function exportResponse(signal: Signal, encoding: Encoding, rejected: number, message: string): Buffer {
  const partial = rejected > 0 || message !== '';
  if (encoding === 'json') {
    if (!partial) return Buffer.from('{}');
    const countField = signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
    return Buffer.from(JSON.stringify({ partialSuccess: { [countField]: String(rejected), errorMessage: message } }));
  }
  if (!partial) return Buffer.alloc(0);
  const out: number[] = [];
  lengthDelimited(out, 1, countAndMessage(rejected, message));
  return Buffer.from(out);
}

/** A google.rpc.Status body for an error response. */
export function statusResponse(encoding: Encoding, httpStatus: number, message: string): Buffer {
  const code = grpcCodeFor(httpStatus);
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(countAndMessage(code, message));
}
