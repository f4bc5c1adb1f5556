/**
 * The work every contestant guards: the same async functions, so that the
 * only difference between two rows of a table is the policy around them.
 * They resolve on the microtask queue (no I/O, no timers): what is left of a
 * call's cost is then the policy's own.
 */

/** The error the failing work rejects with: built once, so no contestant pays for a stack trace the work made. */
export const WORK_FAILURE = new Error('work failed');

/** Succeeds; ignores whatever context or signal the policy passes. */
export async function work(_context?: unknown): Promise<number> {
  return 42;
}

let flakyCalls = 0;

/**
 * Fails every other call (50 %), so breakers whose trip threshold is above
 * 50 % stay closed however long they run, and a window of 10 000 calls holds
 * 5 000 failures.
 */
export async function flakyWork(_context?: unknown): Promise<number> {
  flakyCalls++;
  if ((flakyCalls & 1) === 0) throw WORK_FAILURE;
  return 42;
}

/** How many times the flaky work ran: lets an open-circuit path prove it never reached the work. */
export function flakyWorkCalls(): number {
  return flakyCalls;
}

/**
 * A call that stays pending until `release()`: fills a bulkhead's permits and
 * queue. Calls that start after the release (queued ones) resolve at once.
 */
export function heldWork(): { work: (_context?: unknown) => Promise<number>; release: () => void } {
  const waiting: (() => void)[] = [];
  let released = false;
  return {
    work: () => (released ? Promise.resolve(42) : new Promise<number>((resolve) => waiting.push(() => resolve(42)))),
    release: () => {
      released = true;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}
