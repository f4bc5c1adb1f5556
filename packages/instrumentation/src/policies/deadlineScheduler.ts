import { type Clock, systemClock } from '../clock.js';

/**
 * Deadlines without a timer per call.
 *
 * Calls guarded by the same duration start in time order, so their deadlines
 * arrive in the same order: one FIFO ("lane") per duration holds them sorted
 * for free. Deadlines are rounded up to a quantum (1 ms, or duration/1000 for
 * long durations), and all calls of a lane that fall into the same quantum
 * share a {@link DeadlineSlot}: one array of pending entries and, for
 * timeouts, one lazily created `AbortController`. A single process-wide timer
 * is armed for the earliest slot that still has pending entries.
 *
 * Per call: one array push at start and one swap-remove when it settles. A
 * call that settles in time is removed from its slot and its deadline never
 * fires. The shared signal of a slot is aborted only if one of the calls that
 * hold it is still pending at the deadline.
 */

/** Something waiting for a deadline. @internal */
export interface DeadlineEntry {
  /** Index in `slot.entries`, maintained by the scheduler. */
  slotIndex: number;
  slot: DeadlineSlot | undefined;
  /** The deadline passed while the entry was still registered. */
  expire(slot: DeadlineSlot): void;
}

/** A group of entries sharing a (quantized) deadline. @internal */
export class DeadlineSlot {
  entries: DeadlineEntry[] = [];
  private controller: AbortController | undefined;

  constructor(readonly deadline: number) {}

  /** The signal shared by the slot's calls; created on first request. */
  signal(): AbortSignal {
    if (this.controller === undefined) this.controller = spareController();
    return this.controller.signal;
  }

  /** Aborts the shared signal (if one was handed out). */
  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }
}

/**
 * AbortControllers made ahead of need, off the call path. Code V8 optimizes
 * with `new AbortController()` inlined embeds the maps of the signal being
 * built, and every AbortSignal has a map of its own (Node makes them
 * dictionary objects): when that signal dies, a full GC deoptimizes the
 * whole call path. Making them in a microtask keeps that code out of the
 * hot functions; the fallback only runs in bursts that empty the stock.
 */
const spares: AbortController[] = [];
const SPARES = 8;
let restocking = false;

function spareController(): AbortController {
  const controller = spares.pop();
  if (!restocking && spares.length < SPARES / 2) {
    restocking = true;
    queueMicrotask(restock);
  }
  return controller ?? new AbortController();
}

function restock(): void {
  restocking = false;
  while (spares.length < SPARES) {
    const controller = new AbortController();
    // Node makes a controller's signal on first read of `signal`: made here, not in the call path.
    void controller.signal;
    spares.push(controller);
  }
}

/** The pending deadlines of one duration, in order. @internal */
export class Lane {
  slots: DeadlineSlot[] = [];
  head = 0;
  readonly quantum: number;

  constructor(readonly durationMs: number) {
    this.quantum = Math.max(1, durationMs / 1000);
  }

  first(): DeadlineSlot | undefined {
    return this.slots[this.head];
  }

  shift(): void {
    this.slots[this.head] = undefined as unknown as DeadlineSlot;
    this.head++;
    if (this.head === this.slots.length) {
      this.slots.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops slots at the head whose entries all settled. */
  dropSettled(): void {
    let slot = this.first();
    while (slot !== undefined && slot.entries.length === 0) {
      this.shift();
      slot = this.first();
    }
  }
}

/** Timer functions, injectable for tests. @internal */
export interface TimerFunctions {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: TimerFunctions = {
  set(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    // Pending deadlines must not keep the process alive on their own.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** @internal */
export class DeadlineScheduler {
  private readonly lanes = new Map<number, Lane>();
  private timer: unknown;
  private armedFor = Number.POSITIVE_INFINITY;
  private readonly onTimer = (): void => this.fire();

  constructor(
    readonly clock: Clock = systemClock,
    private readonly timers: TimerFunctions = nodeTimers,
  ) {}

  /** Registers `entry` to expire `durationMs` from now; returns its slot. */
  add(durationMs: number, entry: DeadlineEntry): DeadlineSlot {
    return this.addToLane(this.lane(durationMs), this.clock.now(), entry);
  }

  /** The lane of one duration, for callers that always use the same one (lanes live as long as the scheduler). */
  lane(durationMs: number): Lane {
    let lane = this.lanes.get(durationMs);
    if (lane === undefined) {
      lane = new Lane(durationMs);
      this.lanes.set(durationMs, lane);
    }
    return lane;
  }

  /** As {@link add}, on a lane from {@link lane}, with the scheduler clock's time `now` already read by the caller. */
  addToLane(lane: Lane, now: number, entry: DeadlineEntry): DeadlineSlot {
    const deadline = Math.ceil((now + lane.durationMs) / lane.quantum) * lane.quantum;
    const slots = lane.slots;
    let slot = slots[slots.length - 1];
    // A slot that exists was armed for when it was made: only a new one can be the earliest.
    if (slot === undefined || slot.deadline !== deadline || lane.head === slots.length)
      slot = this.addSlot(lane, deadline);
    entry.slot = slot;
    entry.slotIndex = slot.entries.length;
    slot.entries.push(entry);
    return slot;
  }

  /** A new last slot of `lane`; the timer is armed for it if it is the earliest. */
  private addSlot(lane: Lane, deadline: number): DeadlineSlot {
    const slot = new DeadlineSlot(deadline);
    lane.slots.push(slot);
    if (deadline < this.armedFor) this.arm(deadline);
    return slot;
  }

  /** Unregisters a settled entry. O(1): swap with the last entry of its slot. */
  remove(entry: DeadlineEntry): void {
    const slot = entry.slot;
    if (slot === undefined) return;
    entry.slot = undefined;
    const entries = slot.entries;
    const last = entries.pop() as DeadlineEntry;
    if (last !== entry) {
      entries[entry.slotIndex] = last;
      last.slotIndex = entry.slotIndex;
    }
  }

  /** Entries currently waiting for a deadline (for tests and diagnostics). */
  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) {
      for (let i = lane.head; i < lane.slots.length; i++) count += lane.slots[i]?.entries.length ?? 0;
    }
    return count;
  }

  private arm(deadline: number): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.armedFor = deadline;
    this.timer = this.timers.set(this.onTimer, Math.max(0, Math.ceil(deadline - this.clock.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes.values()) {
      lane.dropSettled();
      let slot = lane.first();
      while (slot !== undefined && slot.deadline <= now) {
        lane.shift();
        const expired = slot.entries;
        slot.entries = [];
        for (const entry of expired) {
          entry.slot = undefined;
          try {
            entry.expire(slot);
          } catch {
            // An entry's expiry must not prevent the others'.
          }
        }
        lane.dropSettled();
        slot = lane.first();
      }
      if (slot !== undefined && slot.deadline < next) next = slot.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}

const schedulers = new WeakMap<Clock, DeadlineScheduler>();

/** The scheduler shared by every policy using `clock` (one timer per clock). @internal */
export function schedulerFor(clock: Clock): DeadlineScheduler {
  let scheduler = schedulers.get(clock);
  if (scheduler === undefined) {
    scheduler = new DeadlineScheduler(clock);
    schedulers.set(clock, scheduler);
  }
  return scheduler;
}
