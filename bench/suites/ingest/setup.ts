/**
 * What the suites that post OTLP bodies to real dashboards share: the
 * measurement settings for HTTP samples, the bodies and decoders, and the
 * sections (signal × encoding) a run covers.
 */
import type { MeasureOptions } from '../../lib/interleave.js';
import type { SuiteOptions } from '../../lib/suite.js';
import { type IngestDecoders, loadDecoders } from './decoders.js';
import { buildPayloads, type Encoding, type Payloads, type SignalKind } from './payloads.js';

/** 1 s samples (300 ms with `--quick`): long enough for many requests per connection. */
export function httpMeasureOptions(options: SuiteOptions): MeasureOptions {
  return options.quick
    ? { repetitions: 3, warmupRepetitions: 1, sampleMs: 300, log: options.log }
    : { repetitions: 7, warmupRepetitions: 2, sampleMs: 1000, log: options.log };
}

/** The server's decoders and the bodies the SDK's exporters produce (built once per suite). */
export async function loadIngestInputs(
  options: SuiteOptions,
): Promise<{ decoders: IngestDecoders; payloads: Payloads }> {
  const decoders = await loadDecoders();
  options.log('  building payloads with the SDK exporters…');
  return { decoders, payloads: await buildPayloads() };
}

const SECTIONS: readonly (readonly [SignalKind, Encoding])[] = [
  ['traces', 'json'],
  ['traces', 'protobuf'],
  ['metrics', 'json'],
  ['metrics', 'protobuf'],
];

/** Every signal × encoding, or those `--grep` matches (against e.g. `traces protobuf`). */
export function ingestSections(options: SuiteOptions): (readonly [SignalKind, Encoding])[] {
  return SECTIONS.filter(([signal, encoding]) => !options.grep || options.grep.test(`${signal} ${encoding}`));
}
