import { anyEndpoint } from '../telemetry/callScope.js';
import { DeadlineSlot } from './deadlineScheduler.js';
import { InlineRun } from './inlineRun.js';
import { BoundaryCall, Call, type Chain, chainOf, neverSignal } from './policy.js';

/**
 * One live instance of each per-call class (and of a timeout's deadline slot).
 *
 * An object built by a class constructor moves through hidden classes as its
 * fields are defined, and V8 holds those transitions weakly. Calls are short:
 * at a full GC none may be alive, so the hidden class every call object ends
 * with is collected, and every optimized function that embeds it (the whole
 * call path, ≈ 20 functions) is deoptimized and must be re-optimized from
 * the interpreter (--trace-deopt: "weak objects"). Keeping one instance of
 * each alive keeps those hidden classes. They are rebuilt now and then (see
 * `neverSignal`), so they follow the hidden classes calls end up with once
 * their field representations have settled.
 * @internal
 */
const kept: object[] = [];
// Its own empty chain: compose.ts's is made while this module's import cycle
// through policy.ts is still loading.
let chain: Chain | undefined;

const idle = async (): Promise<undefined> => undefined;

/** Rebuilds the kept instances. Runs in a microtask, never during a call. @internal */
export function keepCallShapes(): void {
  chain ??= chainOf([]);
  const call = new Call(chain, idle);
  kept[0] = call;
  kept[1] = new InlineRun(call, 0, neverSignal(), Number.NaN, false);
  kept[2] = new DeadlineSlot(0);
  const endpoint = anyEndpoint();
  if (endpoint !== undefined) kept[3] = new BoundaryCall(chain, idle, endpoint);
}
