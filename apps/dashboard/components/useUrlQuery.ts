'use client';
/**
 * Updates the query string without a navigation. Next's useSearchParams
 * follows history.replaceState, so every view re-renders from the URL.
 */
export function replaceQuery(changes: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
}

/** Same, but adds a history entry (used when the viewed moment changes, so Back returns to it). */
export function pushQuery(changes: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.pushState(null, '', `${url.pathname}${url.search}${url.hash}`);
}
