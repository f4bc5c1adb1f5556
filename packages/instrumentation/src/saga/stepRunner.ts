import type { Clock } from '../clock.js';
import { neverSignal } from '../policies/policy.js';
import { timeout } from '../policies/timeout.js';

/** Runs one action or compensation attempt with its own AbortSignal. */
export type StepRunner = (work: (signal: AbortSignal) => unknown, outer: AbortSignal | undefined) => Promise<unknown>;

/**
 * A runner per deadline: with `timeoutMs` the package's `timeout` policy
 * (one process-wide timer, a TimeoutError as abort reason and rejection);
 * without, only the outer signal is linked. Either way the step settles as
 * soon as its signal aborts, whether or not the work honours the signal: the
 * saga never waits on a hung step.
 */
export function stepRunner(timeoutMs: number | undefined, clock: Clock | undefined): StepRunner {
  if (timeoutMs === undefined) return runAbortable;
  const policy = timeout(clock === undefined ? { ms: timeoutMs } : { ms: timeoutMs, clock });
  return (work, outer) => policy.execute(async (signal) => work(signal), outer);
}

async function runAbortable(work: (signal: AbortSignal) => unknown, outer: AbortSignal | undefined): Promise<unknown> {
  // Nothing can abort the step: the policies' shared never-aborting signal, not an AbortController per step.
  if (outer === undefined) return await work(neverSignal());
  if (outer.aborted) throw outer.reason;
  const controller = new AbortController();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      controller.abort(outer.reason);
      reject(outer.reason);
    };
  });
  outer.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([Promise.resolve().then(() => work(controller.signal)), aborted]);
  } finally {
    outer.removeEventListener('abort', onAbort);
  }
}
