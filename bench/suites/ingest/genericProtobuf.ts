/**
 * A generic protobuf decoder of OTLP requests — protobufjs reflecting over the
 * upstream schema (`otlp-proto/`), decoding a body into its message tree — as
 * the protobuf counterpart of `JSON.parse`: decoding only, no walk into the
 * model's items. 64-bit integers come back as JS numbers (as JSON carries
 * them), not Long objects, which keeps the baseline as fast as it can be.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { SignalKind } from './payloads.js';

const SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'otlp-proto');

export interface GenericProtobufDecoder {
  /** The decoded request (a protobufjs message tree). */
  decode(body: Uint8Array): object;
  /** How many spans or data points a decoded request holds (to check it decoded whole). */
  count(request: object): number;
}

interface Counted {
  readonly [field: string]: readonly Counted[] | undefined;
}

/** The nodes at the end of a path of repeated fields (e.g. resource → scope → spans). */
function leaves(node: Counted, fields: readonly string[], depth = 0): readonly Counted[] {
  const children = node[fields[depth]!] ?? [];
  if (depth === fields.length - 1) return children;
  return children.flatMap((child) => leaves(child, fields, depth + 1));
}

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** A decoder of one signal's export requests (protobufjs: 64-bit integers as numbers, set once for the process). */
export function genericProtobufDecoder(signal: SignalKind): GenericProtobufDecoder {
  protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
  protobuf.configure();
  const root = new protobuf.Root();
  root.loadSync([path.join(SCHEMA_DIR, signal === 'traces' ? 'trace.proto' : 'metrics.proto')]);
  const type = root.lookupType(
    signal === 'traces'
      ? 'opentelemetry.proto.trace.v1.ExportTraceServiceRequest'
      : 'opentelemetry.proto.metrics.v1.ExportMetricsServiceRequest',
  );
  return {
    decode: (body) => type.decode(body),
    count(request) {
      const tree = request as unknown as Counted;
      if (signal === 'traces') return leaves(tree, ['resourceSpans', 'scopeSpans', 'spans']).length;
      let points = 0;
      for (const metric of leaves(tree, ['resourceMetrics', 'scopeMetrics', 'metrics'])) {
        const data = metric as unknown as Record<string, { dataPoints?: readonly unknown[] } | undefined>;
        for (const kind of DATA_KINDS) points += data[kind]?.dataPoints?.length ?? 0;
      }
      return points;
    },
  };
}
