import { ENV, type Mode } from '../../apps/demo/src/config.js';
import { afternoon } from '../../apps/demo/src/load/afternoon.js';
import { type LoadCounts, runLoad } from '../../apps/demo/src/load/loadGenerator.js';
import { demoDashboardEnv, type RunningServices, startServices } from '../../apps/demo/src/processes.js';
import { type RunningDashboard, startDashboard } from './dashboard.js';

/**
 * The reference incident, shortened to seconds, shared by the end-to-end test
 * (API only) and the browser test (UI on): the real dashboard, the six demo
 * services as separate processes and the demo's own load generator.
 *
 * Scale: 5 → 75 checkouts/s (half the demo's defaults: the tests must hold on a busy machine), the story's 30 s
 * timeouts compressed 10× to 3 s, 4 s of normal traffic then 14 s of spike, and — when asked for — a few seconds of
 * normal traffic again: enough for payment's pool to drain (≤ 3 s) and for the breaker's next half-open probe
 * (its open duration is 5 s of real time) to find it healthy and close. The dashboard loads the demo's own alert
 * rules (apps/demo/faultline.alerts.yaml) exactly as `npm run demo` does.
 */
export const BASE_RPS = 5;
export const SPIKE_FACTOR = 15;
export const TIME_SCALE = 10;
export const NORMAL_SECONDS = 4;
export const SPIKE_SECONDS = 14;
export const RECOVERY_SECONDS = 8;

export interface RunningDemo {
  dashboard: RunningDashboard;
  services: RunningServices;
  /** Stops the services, then the dashboard; safe to call more than once. */
  stop(): Promise<void>;
}

/** Dashboard plus the six services in `mode`, warmed up; everything already started is stopped on failure. */
export async function startDemo(mode: Mode, opts: { ui?: boolean } = {}): Promise<RunningDemo> {
  const dashboard = await startDashboard({ ui: opts.ui ?? false, env: demoDashboardEnv({}) });
  let services: RunningServices | undefined;
  try {
    services = await startServices({
      endpoint: dashboard.url,
      mode,
      timeScale: TIME_SCALE,
      port: () => 0,
      warmUp: 10,
      env: {
        [ENV.BASE_RPS]: String(BASE_RPS),
        [ENV.SPIKE_FACTOR]: String(SPIKE_FACTOR),
        [ENV.METRIC_INTERVAL_MS]: '500',
      },
    });
  } catch (error) {
    await dashboard.stop();
    throw error;
  }
  const running = services;
  let stopped: Promise<void> | undefined;
  return {
    dashboard,
    services: running,
    stop() {
      stopped ??= (async () => {
        await running.stop();
        await dashboard.stop();
      })();
      return stopped;
    },
  };
}

export interface ShortAfternoon {
  /** Resolves with the totals once the last checkout has answered. */
  done: Promise<LoadCounts>;
  /** Wall-clock bounds of the spike (epoch ms, scheduled). */
  spike: { fromMs: number; toMs: number };
  /** When the load stops being sent (epoch ms, scheduled). */
  endMs: number;
}

/**
 * Plays the shortened afternoon against user-service: normal traffic, the spike, then `recoverySeconds` of
 * normal traffic again (none by default).
 */
export function playShortAfternoon(
  services: RunningServices,
  opts: { signal?: AbortSignal; recoverySeconds?: number } = {},
): ShortAfternoon {
  const [normal, , spike, recovery] = afternoon(SPIKE_FACTOR);
  const recoverySeconds = opts.recoverySeconds ?? 0;
  const startMs = Date.now();
  const done = runLoad({
    target: services.urls['user-service'],
    baseRps: BASE_RPS,
    timeScale: 1,
    phases: [
      { ...normal!, seconds: NORMAL_SECONDS },
      { ...spike!, seconds: SPIKE_SECONDS },
      ...(recoverySeconds > 0 ? [{ ...recovery!, seconds: recoverySeconds }] : []),
    ],
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const spikeFrom = startMs + NORMAL_SECONDS * 1000;
  const spikeTo = spikeFrom + SPIKE_SECONDS * 1000;
  return { done, spike: { fromMs: spikeFrom, toMs: spikeTo }, endMs: spikeTo + recoverySeconds * 1000 };
}
