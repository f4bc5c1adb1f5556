import type { ContestantSpec } from './contestant.js';
import type { FaultlineContestants } from './faultline.js';
import {
  bare,
  cockatielBreakerOnly,
  cockatielBulkheadBreaker,
  cockatielBulkheadBreakerTimeout,
  cockatielTimeoutDefault,
  cockatielTimeoutNoAbort,
  opossumNoTimeout,
  opossumWithTimeout,
} from './peers.js';

/** Every contestant of the per-call sections, in table order: the bare call, the peers, then Faultline's. */
export function contestantSpecs(faultline: FaultlineContestants): ContestantSpec[] {
  return [
    bare,
    opossumNoTimeout,
    opossumWithTimeout,
    cockatielBreakerOnly,
    cockatielBulkheadBreaker,
    cockatielBulkheadBreakerTimeout,
    cockatielTimeoutNoAbort,
    cockatielTimeoutDefault,
    ...faultline.specs,
  ];
}
