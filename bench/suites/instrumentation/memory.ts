/**
 * Heap figures: bytes retained per policy object, and whether the heap stays
 * flat across a million calls. Both measured as the change of `heapUsed`
 * between two settled heaps (full collections before each reading).
 */
import { settledHeapUsed } from '../../lib/gc.js';

export interface PerInstance {
  readonly what: string;
  readonly instances: number;
  readonly bytesPerInstance: number;
}

/**
 * Creates `count` objects with `create`, keeps them reachable, and returns
 * the heap they added per object. `dispose` runs afterwards (opossum keeps
 * two intervals per breaker).
 */
export function bytesPerInstance<T>(
  what: string,
  count: number,
  create: (i: number) => T,
  dispose?: (item: T) => void,
): PerInstance {
  // One throw-away round first, so that code compiled and caches filled by the
  // first construction are not charged to the objects.
  const warm = Array.from({ length: 100 }, (_, i) => create(i));
  if (dispose) for (const item of warm) dispose(item);
  const keep: T[] = new Array(count);
  const before = settledHeapUsed();
  for (let i = 0; i < count; i++) keep[i] = create(i);
  const after = settledHeapUsed();
  if (dispose) for (const item of keep) dispose(item);
  return { what, instances: count, bytesPerInstance: (after - before) / count };
}

export interface Flatness {
  readonly what: string;
  readonly calls: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly delta: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Heap before and after `calls` calls (100 in flight), each reading taken
 * after `quietMs` without calls, so that periodic clean-up (timeouts' deadline
 * timer, bucket rotation) has run: what remains is what grows with the number
 * of calls. The event loop turns after every batch, as it does in a server
 * whose calls arrive through I/O.
 */
export async function heapAcrossCalls(
  what: string,
  call: () => Promise<unknown>,
  calls: number,
  quietMs: number,
): Promise<Flatness> {
  const inFlight = 100;
  const batch: Promise<unknown>[] = new Array(inFlight);
  const run = async (n: number) => {
    for (let done = 0; done < n; done += inFlight) {
      for (let j = 0; j < inFlight; j++) batch[j] = call();
      await Promise.all(batch);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(10_000);
  await sleep(quietMs);
  const heapBefore = settledHeapUsed();
  await run(calls);
  await sleep(quietMs);
  const heapAfter = settledHeapUsed();
  return { what, calls, heapBefore, heapAfter, delta: heapAfter - heapBefore };
}
