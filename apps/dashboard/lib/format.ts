/**
 * Number formatting shared by the map, the side panel and the bulkheads table,
 * so one figure reads the same everywhere ("48 %", "2.0 s", "×3.1").
 */

/** 0.48 → "48 %"; small non-zero shares keep one decimal so they never read as 0. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  if (pct === 0) return '0 %';
  if (pct < 0.1) return '<0.1 %';
  if (pct < 10 && Math.abs(pct - Math.round(pct)) > 0.05) return `${pct.toFixed(1)} %`;
  return `${Math.round(pct)} %`;
}

/** Milliseconds: below a second in ms, otherwise seconds with one decimal below a minute. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Requests per second: "0.4/s", "12/s", "1.5k/s". */
export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || !Number.isFinite(perSec)) return '–';
  if (perSec === 0) return '0/s';
  if (perSec < 10) return `${perSec.toFixed(1)}/s`;
  if (perSec < 1000) return `${Math.round(perSec)}/s`;
  return `${(perSec / 1000).toFixed(1)}k/s`;
}

/** Attempts per logical call: "×3.1". */
export function formatAmplification(factor: number | null | undefined): string {
  if (factor === null || factor === undefined || !Number.isFinite(factor)) return '–';
  return `×${factor.toFixed(1)}`;
}

/** Retry amplification is worth a label only when retries add at least 20 % load. */
export const AMPLIFICATION_LABEL_THRESHOLD = 1.2;

/** "41 s", "3 min", "2 h 5 min": how long ago / for how long, coarse on purpose. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

/** "14:15:03" in the viewer's time zone. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour12: false });
}

/** "2024-05-01 14:15:03" in the viewer's time zone, for the scrubber. */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
