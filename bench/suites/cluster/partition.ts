/**
 * Telemetry split over dashboard instances the way the Collector's
 * `loadbalancing` exporter does it with `routing_key: service`: by the
 * resource's `service.name`, every item of a service going to the same
 * instance. The bodies are read with the server's own decoders; each body the
 * SDK exported carries one resource, so a body goes whole to its service's
 * instance (the exporter would split a body with several services; none has).
 */
import { decodeBody, type IngestDecoders } from '../ingest/decoders.js';
import { type Payload, type PayloadSet, payloadSet } from '../ingest/payloads.js';

export interface Partition {
  /** Services of each instance, in instance order. */
  readonly services: readonly (readonly string[])[];
  /** The bodies of each instance, in instance order. */
  readonly sets: readonly PayloadSet[];
}

function serviceOf(set: PayloadSet, decoders: IngestDecoders, payload: Payload): string {
  const batch = decodeBody(decoders, set.signal, set.encoding, payload.body);
  const services = new Set(batch.items.map((item) => item.resource.service));
  if (batch.rejected !== 0 || batch.items.length !== payload.items || services.size !== 1) {
    throw new Error(
      `${set.encoding} ${set.signal}: expected a body of one service with ${payload.items} items, decoded ${batch.items.length} (${batch.rejected} rejected) of ${[...services].join(', ')}`,
    );
  }
  return [...services][0]!;
}

/**
 * Services dealt to `instances` instances in name order (round robin), so each
 * gets the same number of services. The exporter places services on a
 * consistent-hash ring of its backends instead, which with a handful of
 * services can be uneven: this is the balanced case, what the split can give
 * at best.
 */
export function partitionByService(set: PayloadSet, decoders: IngestDecoders, instances: number): Partition {
  const byService = new Map<string, Payload[]>();
  for (const payload of set.payloads) {
    const service = serviceOf(set, decoders, payload);
    byService.set(service, [...(byService.get(service) ?? []), payload]);
  }
  const names = [...byService.keys()].sort();
  if (names.length < instances) throw new Error(`${names.length} services cannot keep ${instances} instances busy`);
  const services = Array.from({ length: instances }, (_, i) => names.filter((_, k) => k % instances === i));
  // Interleave each instance's services body by body, as their exporters would post them concurrently.
  const sets = services.map((mine) => {
    const queues = mine.map((service) => byService.get(service)!);
    const bodies: Payload[] = [];
    for (let round = 0; bodies.length < queues.reduce((sum, q) => sum + q.length, 0); round++)
      for (const queue of queues) if (round < queue.length) bodies.push(queue[round]!);
    return payloadSet(set.signal, set.encoding, bodies);
  });
  return { services, sets };
}
