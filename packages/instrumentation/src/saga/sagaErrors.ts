/** Raised into a step (as its AbortSignal's reason) when the step overruns its deadline. */
export class SagaStepTimeoutError extends Error {
  override readonly name = 'SagaStepTimeoutError';
  constructor(
    readonly stepName: string,
    readonly timeoutMs: number,
  ) {
    super(`saga step "${stepName}" timed out after ${timeoutMs} ms`);
  }
}
