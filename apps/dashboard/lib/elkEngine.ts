/**
 * Where ELK runs: in a Web Worker in the browser (started once and reused, so
 * its 1.5 MB of code is compiled once per page and off the main thread), in
 * this thread where there are no workers (Node, tests).
 */
import type { ELK } from 'elkjs/lib/elk-api.js';

let engine: Promise<ELK> | null = null;

async function start(): Promise<ELK> {
  if (typeof Worker === 'undefined') {
    const { default: InThreadElk } = await import('elkjs/lib/elk.bundled.js');
    return new InThreadElk();
  }
  const { default: ElkApi } = await import('elkjs/lib/elk-api.js');
  return new ElkApi({
    workerFactory: () => {
      const worker = new Worker(new URL('./elkLayout.worker.ts', import.meta.url));
      // A worker that fails to load answers nothing; the next layout starts a new one.
      worker.addEventListener('error', () => {
        engine = null;
      });
      return worker;
    },
  });
}

/** The shared ELK instance (created on first use). */
export function elkEngine(): Promise<ELK> {
  engine ??= start();
  return engine;
}

/** Start the engine ahead of the first layout (e.g. while the topology is being fetched). */
export function warmElkEngine(): void {
  void elkEngine().catch(() => {
    engine = null;
  });
}
