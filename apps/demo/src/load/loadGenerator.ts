import { setTimeout as sleep } from 'node:timers/promises';
import { incidentTimeoutMs } from '../dependencyClient.js';
import { loadAt, type Phase, storyClock, totalSeconds } from './afternoon.js';

/**
 * An open-loop load generator: checkouts arrive at the scheduled rate
 * whether or not earlier ones have finished — customers do not wait for each
 * other — which is what lets a slow dependency pile requests up. Loopback
 * only; in-flight requests are capped so the generator itself stays bounded.
 */
export interface LoadOptions {
  /** user-service base URL. */
  target: string;
  phases: readonly Phase[];
  /** Checkouts per second at load factor 1. */
  baseRps: number;
  /** Story seconds per real second. */
  timeScale: number;
  /** Requests beyond this many in flight are not sent (counted as `skipped`). */
  maxInFlight?: number;
  /** Called about once per `reportEveryMs` with the counts since the previous report. */
  onReport?: (report: LoadReport) => void;
  reportEveryMs?: number;
  signal?: AbortSignal;
}

export interface LoadCounts {
  sent: number;
  /** 201: order placed. */
  placed: number;
  /** 409: order cancelled (compensated) — a clean, fast "try again later". */
  cancelled: number;
  /** 5xx, timeouts, connection errors. */
  errors: number;
  skipped: number;
}

export interface LoadReport extends LoadCounts {
  clock: string;
  phase: Phase['name'];
  targetRps: number;
  inFlight: number;
  /** Real seconds the interval covered. */
  seconds: number;
}

const TICK_MS = 10;

export function emptyCounts(): LoadCounts {
  return { sent: 0, placed: 0, cancelled: 0, errors: 0, skipped: 0 };
}

/** Plays the phases once; resolves with the totals once the last requests have answered or timed out. */
export async function runLoad(options: LoadOptions): Promise<LoadCounts> {
  const maxInFlight = options.maxInFlight ?? 5000;
  const reportEveryMs = options.reportEveryMs ?? 5000;
  const requestTimeoutMs = 2 * incidentTimeoutMs(options.timeScale);
  const endStory = totalSeconds(options.phases);
  const totals = emptyCounts();
  let interval = emptyCounts();
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  let due = 0;
  let userId = 0;
  const startedAt = performance.now();
  let last = startedAt;
  let lastReport = startedAt;

  const count = (key: keyof LoadCounts) => {
    totals[key]++;
    interval[key]++;
  };
  const fire = () => {
    if (inFlight >= maxInFlight) {
      count('skipped');
      return;
    }
    inFlight++;
    count('sent');
    userId = (userId + 1) % 10_000;
    // A timer of our own: a pending fetch does not keep AbortSignal.timeout() alive.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    const request = fetch(`${options.target}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: `u${userId}`, items: 1 + (userId % 3), amount: 20 + (userId % 50) }),
      signal: controller.signal,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 201) count('placed');
        else if (res.status === 409) count('cancelled');
        else count('errors');
      })
      .catch(() => count('errors'))
      .finally(() => {
        clearTimeout(timer);
        inFlight--;
        pending.delete(request);
      });
    pending.add(request);
  };

  while (!options.signal?.aborted) {
    const now = performance.now();
    const story = ((now - startedAt) / 1000) * options.timeScale;
    const at = loadAt(options.phases, story);
    if (at === null || story >= endStory) break;
    const rps = options.baseRps * at.factor;
    due += (rps * (now - last)) / 1000;
    last = now;
    while (due >= 1) {
      due -= 1;
      fire();
    }
    if (options.onReport && now - lastReport >= reportEveryMs) {
      options.onReport({
        ...interval,
        clock: storyClock(story),
        phase: at.phase.name,
        targetRps: Math.round(rps),
        inFlight,
        seconds: (now - lastReport) / 1000,
      });
      interval = emptyCounts();
      lastReport = now;
    }
    await sleep(TICK_MS);
  }
  await Promise.allSettled(pending);
  return totals;
}
