/**
 * Errors thrown by the policies. Callers tell them apart with `instanceof`.
 *
 * Rejection errors (an open breaker, a full bulkhead, a deadline) are thrown
 * thousands of times per second during an incident, and building them is
 * most of the cost of a fast-fail: `new Error()` costs ~2 µs here with a stack
 * and still ~0.3 µs with `Error.stackTraceLimit = 0` (the V8 constructor
 * itself). So `create()` builds a fresh object on the class prototype without
 * running the Error constructor (~10 ns): `instanceof` (also `instanceof
 * Error`), `name`, `message` and the fields all behave as usual, and `stack`
 * is the one line `"{name}: {message}"`, since the place a rejection comes
 * from is always the policy itself. The only difference from a native Error
 * is that `util.types.isNativeError()` returns false.
 */

/** A fresh instance of `type` with `message` and a one-line stack, without running constructors. */
function rejection<E extends Error>(type: { prototype: E }, message: string, fields: Omit<E, keyof Error>): E {
  const error = Object.create(type.prototype) as E & { message: string; stack: string };
  error.message = message;
  error.stack = `${error.name}: ${message}`;
  Object.assign(error, fields);
  return error;
}

function nameClass(type: { prototype: Error }, name: string): void {
  Object.defineProperty(type.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** Base class of every error this package throws by itself. */
export abstract class ResilienceError extends Error {}

/**
 * Thrown at once, without calling the wrapped function, when a circuit
 * breaker does not admit a call: it is `open`, `forced_open`, or `half_open`
 * with all probe permits taken.
 *
 * During one stay in a state every rejected call receives the same instance
 * (through the same already-rejected promise): the fast-fail path then costs
 * no allocation at all. Treat it as read-only; wrap it (`{ cause }`) rather than
 * adding fields to it.
 */
export class BrokenCircuitError extends ResilienceError {
  /** Name of the breaker that rejected the call. */
  declare readonly breaker: string;
  /** State of the breaker when it rejected the call. */
  declare readonly state: string;

  private constructor() {
    super();
  }

  /** A new error (see the module comment on how it is built cheaply). */
  static create(breaker: string, state: string): BrokenCircuitError {
    return rejection(BrokenCircuitError, `circuit breaker "${breaker}" is ${state}`, { breaker, state });
  }
}
nameClass(BrokenCircuitError, 'BrokenCircuitError');

/** Why a bulkhead turned a call away. */
export type BulkheadRejectionReason = 'queue_full' | 'queue_timeout';

/**
 * Thrown when a bulkhead has every permit taken and its queue is full
 * (`reason: 'queue_full'`), or when a queued call waited longer than
 * `queueTimeoutMs` (`reason: 'queue_timeout'`). The wrapped function was not called.
 */
export class BulkheadRejectedError extends ResilienceError {
  /** Name of the bulkhead that rejected the call. */
  declare readonly bulkhead: string;
  declare readonly reason: BulkheadRejectionReason;

  private constructor() {
    super();
  }

  /** A new error (see the module comment on how it is built cheaply). */
  static create(bulkhead: string, reason: BulkheadRejectionReason): BulkheadRejectedError {
    const message =
      reason === 'queue_full'
        ? `bulkhead "${bulkhead}" is full`
        : `bulkhead "${bulkhead}": queue wait exceeded queueTimeoutMs`;
    return rejection(BulkheadRejectedError, message, { bulkhead, reason });
  }
}
nameClass(BulkheadRejectedError, 'BulkheadRejectedError');

/**
 * Thrown when a call did not settle within a `timeout` policy's `ms`. The
 * `AbortSignal` handed to the call was aborted with this error as its reason.
 */
export class TimeoutError extends ResilienceError {
  /** The deadline that was exceeded, in milliseconds. */
  declare readonly timeoutMs: number;

  private constructor() {
    super();
  }

  /** A new error (see the module comment on how it is built cheaply). */
  static create(timeoutMs: number): TimeoutError {
    return rejection(TimeoutError, `call timed out after ${timeoutMs} ms`, { timeoutMs });
  }
}
nameClass(TimeoutError, 'TimeoutError');

/**
 * Thrown inside a policy by the fetch wrapper for a response whose status
 * counts as a failure (5xx by default), so breakers and retries see it. The
 * wrapper catches it again and hands the `Response` to the caller.
 */
export class HttpStatusError extends ResilienceError {
  readonly status: number;
  readonly response: Response;

  constructor(response: Response) {
    super(`HTTP ${response.status}`);
    this.status = response.status;
    this.response = response;
  }
}
nameClass(HttpStatusError, 'HttpStatusError');
