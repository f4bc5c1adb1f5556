import type { Span } from '@opentelemetry/api';
import type { CallScope, Endpoint } from '../telemetry/callScope.js';
import { enterScope, joinableScope, leaveScope, NOOP_SPAN, runAsCall } from '../telemetry/callScope.js';
import { keepCallShapes } from './callShapes.js';
import { type InlineStage, runInline } from './inlineRun.js';

/** The unit of work a policy guards: receives the signal to honour, returns a promise. */
export type Task<T> = (signal: AbortSignal) => Promise<T>;

/**
 * What every policy is: `circuitBreaker`, `bulkhead`, `timeout`, `retry` and
 * what `compose` returns. Policies nest in any order.
 */
export interface Policy {
  /**
   * Runs `fn` under the policy. `fn` receives an `AbortSignal` that is aborted
   * when the caller's `signal` aborts or an enclosing timeout expires.
   */
  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T>;
  /** The dependency the policy guards, when it was told (used for telemetry). */
  readonly dependency?: string | undefined;
}

/**
 * One link of a policy chain. `compose` flattens policies into an array of
 * stages and runs a call through them with one {@link Call} object instead of
 * one closure per stage per call.
 * @internal
 */
export interface Stage {
  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T>;
  /**
   * Set by stages whose before- and after-work can run synchronously around
   * the rest of the chain (see {@link InlineStage} and `inlineRun.ts`).
   */
  readonly inline?: InlineStage['inline'];
}

/**
 * The stages of a policy chain, outermost first, and where each run of inline
 * stages that can share one settlement ends (computed once per chain).
 * @internal
 */
export class Chain {
  /**
   * `runEnd[i]`: the index after the last stage of the inline run that starts
   * at stage `i`, or `i` when stage `i` is not inline. A run holds any number
   * of permit stages but at most one breaker and one deadline, whose per-call
   * state lives in the run itself.
   */
  readonly runEnd: Int32Array;
  /** `timed[i]`: 1 when a stage of the inline run starting at `i` times calls with `performance.now()`. */
  readonly timed: Uint8Array;

  constructor(readonly stages: readonly Stage[]) {
    this.runEnd = new Int32Array(stages.length + 1);
    this.timed = new Uint8Array(stages.length + 1);
    for (let start = 0; start <= stages.length; start++) {
      let end = start;
      let kinds = 0;
      let timed = 0;
      while (end < stages.length) {
        const stage = stages[end] as Stage;
        const kind = stage.inline;
        if (kind === undefined) break;
        const bit = kind === 'permit' ? 0 : kind === 'breaker' ? 1 : 2;
        if ((kinds & bit) !== 0) break;
        kinds |= bit;
        if ((stage as InlineStage).onSystemClock) timed = 1;
        end++;
      }
      this.runEnd[start] = end;
      this.timed[start] = timed;
    }
  }
}

/** A chain of `stages`. @internal */
export function chainOf(stages: readonly Stage[]): Chain {
  return new Chain(stages);
}

const NEVER_MARK = Symbol('faultline.neverSignal');
const NEVER_REUSE = 1024;
// The first replacement comes early: it also rebuilds the kept call shapes
// (callShapes.ts) once the first calls have settled their field types.
const neverState = { signal: freshNeverSignal(), uses: NEVER_REUSE - 64 };

function freshNeverSignal(): AbortSignal {
  const signal = new AbortController().signal;
  Object.defineProperty(signal, NEVER_MARK, { value: true });
  return signal;
}

/**
 * A signal that never aborts, handed to `fn` when the caller gave none.
 * Creating an `AbortController` costs ~1.7 µs here, so one is shared by up to
 * 1024 calls; it is replaced after that so listeners a task adds and never
 * removes are collected with it instead of piling up on one global signal.
 * The replacement is made in a microtask: inlined into the call path, the
 * construction's maps (each AbortSignal has its own) made every full GC
 * deoptimize that path (see `spareController` in deadlineScheduler.ts).
 * @internal
 */
export function neverSignal(): AbortSignal {
  if (++neverState.uses === NEVER_REUSE) queueMicrotask(replaceNeverSignal);
  return neverState.signal;
}

function replaceNeverSignal(): void {
  neverState.signal = freshNeverSignal();
  neverState.uses = 0;
  keepCallShapes();
}

/** Whether `signal` came from {@link neverSignal} (no caller signal to link). @internal */
export function isNeverSignal(signal: AbortSignal): boolean {
  return signal === neverState.signal || (signal as unknown as Record<symbol, unknown>)[NEVER_MARK] === true;
}

/**
 * One call travelling through a chain of stages. Stage `i` runs the rest of
 * the chain with `call.invoke(i + 1, signal)` (once, several times for retry,
 * later for a queued bulkhead call).
 * @internal
 */
export class Call<T> {
  scope: CallScope | undefined = undefined;
  /**
   * The already-rejected promise a stage returned synchronously without
   * running anything below it (open breaker, full bulkhead), and its error.
   * A stage that gets exactly this promise back from `invoke` does its
   * after-work at once and passes it up, instead of awaiting it in an async
   * frame: propagating a rejection through one costs ≈ 0.3 µs, several times
   * the rejection itself.
   */
  failedFast: Promise<never> | undefined = undefined;
  failedFastError: unknown = undefined;

  constructor(
    readonly chain: Chain,
    readonly fn: Task<T>,
  ) {}

  /** Records `rejection` (already rejected with `error`) as this call's fast failure; returns it. */
  failFast(rejection: Promise<never>, error: unknown): Promise<never> {
    this.failedFast = rejection;
    this.failedFastError = error;
    return rejection;
  }

  /** Runs the chain from stage `index`; never throws: a synchronous throw becomes a rejection. */
  invoke(index: number, signal: AbortSignal): Promise<T> {
    const chain = this.chain;
    if (index < chain.stages.length) {
      const end = chain.runEnd[index] as number;
      if (end > index) return runInline(this, index, end, signal, Number.NaN, false);
      return this.runStageAt(index, signal);
    }
    return this.runTask(signal);
  }

  /** Runs stage `index` the generic way (its own `runStage`). @internal */
  runStageAt(index: number, signal: AbortSignal): Promise<T> {
    try {
      return (this.chain.stages[index] as Stage).runStage(this, index, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private runTask(signal: AbortSignal): Promise<T> {
    // The task runs with its call scope ambient, so a policy of the same
    // dependency executed synchronously inside it joins this call instead of
    // opening a second one (see callScope.ts).
    const previous = enterScope(this.scope);
    let result: Promise<T>;
    try {
      result = this.fn(signal);
    } catch (error) {
      result = Promise.reject(error);
    }
    leaveScope(previous);
    return result;
  }
}

/**
 * A call that is its own call boundary: it carries the call scope (span,
 * endpoint) the policies inside annotate, so a traced call allocates one
 * object, not two. @internal
 */
export class BoundaryCall<T> extends Call<T> implements CallScope {
  span: Span = NOOP_SPAN;
  target: Span | undefined = undefined;

  constructor(
    chain: Chain,
    fn: Task<T>,
    readonly endpoint: Endpoint,
  ) {
    super(chain, fn);
    this.scope = this;
  }

  get dependency(): string {
    return this.endpoint.dependency;
  }
}

/**
 * Runs `fn` through `chain` as a policy's `execute` does: joins the ambient
 * call of the same dependency if there is one, else opens a call boundary when
 * the policy knows its dependency (`endpoint`), else runs without a call span.
 * @internal
 */
export function executeChain<T>(
  chain: Chain,
  endpoint: Endpoint | undefined,
  fn: Task<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  const outer = signal ?? neverSignal();
  const joined = joinableScope(endpoint?.dependency);
  if (joined === undefined && endpoint !== undefined) return runAsCall(new BoundaryCall(chain, fn, endpoint), outer);
  const call = new Call(chain, fn);
  call.scope = joined;
  return call.invoke(0, outer);
}
