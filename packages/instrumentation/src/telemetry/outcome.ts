import { BrokenCircuitError, BulkheadRejectedError, TimeoutError } from '../errors.js';
import { OUTCOME, type Outcome } from './names.js';

/** The `resilience.outcome` of a call that rejected with `error`. @internal */
export function outcomeOf(error: unknown): Outcome {
  if (error instanceof BrokenCircuitError) return OUTCOME.SHORT_CIRCUITED;
  if (error instanceof BulkheadRejectedError) return OUTCOME.BULKHEAD_REJECTED;
  if (error instanceof TimeoutError) return OUTCOME.TIMEOUT;
  return OUTCOME.FAILURE;
}
