import type { BulkheadGauges } from './apiTypes';

/** Share of the window spent full above which a bulkhead counts as saturated. */
export const SATURATED_SHARE_THRESHOLD = 0.25;

/**
 * One rule for "saturated", used by the map, the cascade analysis and the
 * bulkheads table alike: every permit taken now, or the queue full now, or
 * full for a quarter of the window.
 */
export function isSaturated(
  b: Pick<BulkheadGauges, 'saturation' | 'saturatedShare' | 'queued' | 'queueLimit'>,
): boolean {
  if (b.saturation !== null && b.saturation >= 1) return true;
  if (b.queueLimit !== null && b.queueLimit > 0 && b.queued >= b.queueLimit) return true;
  return b.saturatedShare >= SATURATED_SHARE_THRESHOLD;
}
