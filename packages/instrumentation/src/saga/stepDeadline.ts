import { SagaStepTimeoutError } from './sagaErrors.js';

/**
 * Runs one action or compensation attempt with its own AbortSignal, aborted by
 * the step's deadline (one timer per step: steps are coarse, remote calls) or
 * by the outer signal. The step settles as soon as its signal aborts, whether
 * or not the work honours the signal: the saga never waits on a hung step.
 */
export async function runWithDeadline<T>(
  stepName: string,
  timeoutMs: number | undefined,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  const controller = new AbortController();
  const { signal } = controller;
  let rejectOnAbort: (reason: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    rejectOnAbort = reject;
  });
  const onAbort = () => rejectOnAbort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new SagaStepTimeoutError(stepName, timeoutMs)), timeoutMs);
  try {
    if (signal.aborted) throw signal.reason;
    return await Promise.race([Promise.resolve().then(() => work(signal)), aborted]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    signal.removeEventListener('abort', onAbort);
  }
}
