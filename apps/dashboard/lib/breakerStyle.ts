/**
 * How a breaker state looks: colour token, dash pattern and glyph. Colour is
 * never the only signal — every state that is not "closed" also has its own
 * dash pattern and a glyph in the label.
 */
import type { BreakerState, Health } from './apiTypes';

/** "none" = the edge has no breaker. */
export type EdgeBreakerKey = BreakerState | 'none';

export interface BreakerLook {
  /** CSS custom property holding the colour (light and dark values live in globals.css). */
  colorVar: string;
  /** SVG stroke-dasharray, undefined = solid. */
  dash: string | undefined;
  glyph: string;
  /** Words used in labels and accessible names. */
  label: string;
}

const LOOKS: Record<EdgeBreakerKey, BreakerLook> = {
  closed: { colorVar: '--fl-closed', dash: undefined, glyph: '●', label: 'breaker closed' },
  half_open: { colorVar: '--fl-half-open', dash: '10 5', glyph: '◐', label: 'breaker half-open' },
  open: { colorVar: '--fl-open', dash: '3 5', glyph: '⊘', label: 'breaker open' },
  forced_open: { colorVar: '--fl-forced-open', dash: '1 4', glyph: '⊗', label: 'breaker forced open' },
  disabled: { colorVar: '--fl-neutral', dash: '12 3 2 3', glyph: '○', label: 'breaker disabled' },
  metrics_only: { colorVar: '--fl-neutral', dash: undefined, glyph: '○', label: 'breaker metrics only' },
  none: { colorVar: '--fl-neutral', dash: undefined, glyph: '', label: 'no breaker' },
};

export function breakerLook(state: BreakerState | null | undefined): BreakerLook {
  return LOOKS[state ?? 'none'];
}

/** States in which the breaker is rejecting (some or all) calls. */
export function isBreakerTripped(state: BreakerState | null | undefined): boolean {
  return state === 'open' || state === 'half_open' || state === 'forced_open';
}

export interface HealthLook {
  colorVar: string;
  glyph: string;
  label: string;
}

const HEALTH: Record<Health, HealthLook> = {
  healthy: { colorVar: '--fl-healthy', glyph: '✓', label: 'healthy' },
  degraded: { colorVar: '--fl-degraded', glyph: '▲', label: 'degraded' },
  failing: { colorVar: '--fl-failing', glyph: '✕', label: 'failing' },
};

export function healthLook(health: Health): HealthLook {
  return HEALTH[health];
}

/**
 * Stroke width by throughput on a log scale: 1 rps → 1.5 px, 10 → ~3, 100 → ~4.5,
 * 1 000 → ~6, 15 000 → ~7.5, clamped to [1, 9] and rounded to half pixels. A log
 * scale keeps a 15 000 rps edge from drowning a 5 rps one while still ordering them
 * visibly; the rounding keeps the width steady while throughput jitters.
 */
export function edgeWidth(rps: number): number {
  if (!Number.isFinite(rps) || rps <= 0) return 1;
  const w = 1.5 + 1.5 * Math.log10(Math.max(1, rps));
  return Math.min(9, Math.max(1, Math.round(w * 2) / 2));
}
