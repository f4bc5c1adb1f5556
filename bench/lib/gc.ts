import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A handle on V8's `gc()` even when node was started without `--expose-gc`
 * (the root `npm run bench` script does not pass it): set the flag at run
 * time, then fetch `gc` from a fresh context, where V8 installs it.
 */
function obtainGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export const collectGarbage: () => void = obtainGc();

/** Heap in use after two full collections (the second sweeps what the first's finalizers freed). */
export function settledHeapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
