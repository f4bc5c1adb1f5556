/**
 * Which path the per-call metrics take: the @opentelemetry/api instruments
 * (the fallback, what any SDK collects) or the package's own pre-aggregated
 * series (`fixedHistogram.ts`), exported by a Faultline metric producer.
 *
 * The switch is made when a producer is *created* (`faultlineMetricProducer()`
 * or `startTelemetry`, which creates one for its reader), not when it first
 * collects: a record made through the API between creation and the first
 * collection would stay in the SDK's own cumulative series forever and the
 * same series (same name, scope and attributes) would then be exported twice,
 * once by the SDK and once by the producer. Each record goes to exactly one
 * path, chosen at the moment of the record, so the two never double-count.
 * When the last producer is shut down, records go back to the API.
 *
 * `resilience.call.duration`, `resilience.bulkhead.queue.wait` and
 * `resilience.bulkhead.rejections` take this route. Breaker transitions and
 * retry attempts always go through the API, and gauges are observed by the
 * SDK at collection time either way.
 * @internal
 */
export const metricRoute = {
  /** True while at least one Faultline metric producer exists. */
  preAggregated: false,
  producers: 0,
  /** Set by a producer's first collection (a created producer that never collects is reported). */
  collected: false,
};

/** @internal */
export function producerCreated(): void {
  metricRoute.producers++;
  metricRoute.preAggregated = true;
}

/** @internal */
export function producerShutDown(): void {
  metricRoute.producers = Math.max(0, metricRoute.producers - 1);
  metricRoute.preAggregated = metricRoute.producers > 0;
}
