/**
 * The dashboard's own OTLP decoders, loaded at run time. The dashboard is
 * compiled with bundler resolution (extensionless imports) and the bench with
 * NodeNext, so the module is imported through a computed URL (tsx resolves it
 * at run time) and typed here by the few functions the benchmark calls.
 */
import type { Encoding, SignalKind } from './payloads.js';

interface Batch {
  readonly rejected: number;
}

/** What the benchmarks read of a decoded span or point: its resource's `service.name`. */
export interface DecodedItem {
  readonly resource: { readonly service: string };
}

export interface IngestDecoders {
  decodeTracesJson(body: Uint8Array): Batch & { readonly spans: readonly DecodedItem[] };
  decodeTracesProtobuf(body: Uint8Array): Batch & { readonly spans: readonly DecodedItem[] };
  decodeMetricsJson(body: Uint8Array): Batch & { readonly points: readonly DecodedItem[] };
  decodeMetricsProtobuf(body: Uint8Array): Batch & { readonly points: readonly DecodedItem[] };
}

const INGEST_MODULE = new URL('../../../apps/dashboard/server/ingest/index.ts', import.meta.url).href;

export async function loadDecoders(): Promise<IngestDecoders> {
  return (await import(INGEST_MODULE)) as IngestDecoders;
}

/** Decode one body of a set with the server's decoder for its signal and encoding: its spans or points. */
export function decodeBody(
  decoders: IngestDecoders,
  signal: SignalKind,
  encoding: Encoding,
  body: Uint8Array,
): Batch & { readonly items: readonly DecodedItem[] } {
  if (signal === 'traces') {
    const batch = encoding === 'json' ? decoders.decodeTracesJson(body) : decoders.decodeTracesProtobuf(body);
    return { rejected: batch.rejected, items: batch.spans };
  }
  const batch = encoding === 'json' ? decoders.decodeMetricsJson(body) : decoders.decodeMetricsProtobuf(body);
  return { rejected: batch.rejected, items: batch.points };
}
