'use client';

import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs`, for "3 min ago" texts. */
export function useNow(intervalMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
