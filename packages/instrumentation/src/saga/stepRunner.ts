import type { Clock } from '../clock.js';
import { timeout } from '../policies/timeout.js';

/**
 * Runs one action or compensation attempt with its own AbortSignal, or with
 * `undefined` when nothing can abort it (no deadline, no outer signal): the
 * step's context then makes a never-aborted signal only if the work asks for
 * one (see withSignal), since an AbortSignal costs Node ~3 µs plus GC.
 */
export type StepRunner = (
  work: (signal: AbortSignal | undefined) => unknown,
  outer: AbortSignal | undefined,
) => Promise<unknown>;

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

async function runAbortable(
  work: (signal: AbortSignal | undefined) => unknown,
  outer: AbortSignal | undefined,
): Promise<unknown> {
  if (outer === undefined) return await work(undefined);
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

/**
 * A step's context with `signal`: the given one, or — when nothing can abort
 * the step — a getter that makes a never-aborted signal on first use.
 */
export function withSignal<T extends object>(context: T, signal: AbortSignal | undefined): T & { signal: AbortSignal } {
  if (signal !== undefined) return { ...context, signal };
  let own: AbortSignal | undefined;
  return {
    ...context,
    get signal(): AbortSignal {
      own ??= new AbortController().signal;
      return own;
    },
  };
}
