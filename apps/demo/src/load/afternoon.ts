/**
 * The afternoon of the incident on a story clock (seconds since 14:00):
 * normal traffic, a ramp to the spike, the spike held while payment's pool
 * exhausts, then normal traffic again while the system recovers (or not).
 * Pure data and arithmetic; the load generator plays it on a compressed clock.
 */
export interface Phase {
  name: 'normal' | 'ramp' | 'spike' | 'recovery';
  /** Length in story seconds. */
  seconds: number;
  /** Load multiplier at the start and at the end of the phase (linear in between). */
  from: number;
  to: number;
}

export const STORY_START = '14:00';

export function afternoon(spikeFactor: number): Phase[] {
  return [
    { name: 'normal', seconds: 300, from: 1, to: 1 },
    { name: 'ramp', seconds: 60, from: 1, to: spikeFactor },
    { name: 'spike', seconds: 360, from: spikeFactor, to: spikeFactor },
    { name: 'recovery', seconds: 480, from: 1, to: 1 },
  ];
}

export function totalSeconds(phases: readonly Phase[]): number {
  return phases.reduce((sum, p) => sum + p.seconds, 0);
}

/** The phase and load multiplier at story second `t`; null after the last phase. */
export function loadAt(phases: readonly Phase[], t: number): { phase: Phase; factor: number } | null {
  let start = 0;
  for (const phase of phases) {
    if (t < start + phase.seconds) {
      const progress = phase.seconds > 0 ? (t - start) / phase.seconds : 1;
      return { phase, factor: phase.from + (phase.to - phase.from) * progress };
    }
    start += phase.seconds;
  }
  return null;
}

/** Story second → wall-clock label: 330 → "14:05:30". */
export function storyClock(t: number): string {
  const [h = 14, m = 0] = STORY_START.split(':').map(Number);
  const total = h * 3600 + m * 60 + Math.floor(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600) % 24)}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}
