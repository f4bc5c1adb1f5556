/**
 * The dashboard's own OTLP decoders, loaded at run time. The dashboard is
 * compiled with bundler resolution (extensionless imports) and the bench with
 * NodeNext, so the module is imported through a computed URL (tsx resolves it
 * at run time) and typed here by the few functions the benchmark calls.
 */

interface Batch {
  readonly rejected: number;
}

export interface IngestDecoders {
  decodeTracesJson(body: Uint8Array): Batch & { readonly spans: readonly unknown[] };
  decodeTracesProtobuf(body: Uint8Array): Batch & { readonly spans: readonly unknown[] };
  decodeMetricsJson(body: Uint8Array): Batch & { readonly points: readonly unknown[] };
  decodeMetricsProtobuf(body: Uint8Array): Batch & { readonly points: readonly unknown[] };
}

const INGEST_MODULE = new URL('../../../apps/dashboard/server/ingest/index.ts', import.meta.url).href;

export async function loadDecoders(): Promise<IngestDecoders> {
  return (await import(INGEST_MODULE)) as IngestDecoders;
}
