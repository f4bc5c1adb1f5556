'use client';
import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../lib/format';

/** Rollups are 10 s buckets: finer steps would show the same data. */
const STEP_MS = 10_000;
const DEBOUNCE_MS = 250;

interface Props {
  /** Viewed moment, null = live. */
  at: number | null;
  now: number;
  retentionHours: number;
  onChange(at: number | null): void;
}

/**
 * A range input over the retention window. Dragging updates the label at once
 * and asks for the moment after DEBOUNCE_MS of stillness, so a drag fetches once.
 */
export function TimeScrubber({ at, now, retentionHours, onChange }: Props) {
  const min = now - retentionHours * 3_600_000;
  const [draft, setDraft] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const shown = draft ?? at ?? now;

  const request = (value: number, immediate = false) => {
    setDraft(value);
    if (timer.current) clearTimeout(timer.current);
    const commit = () => {
      setDraft(null);
      onChange(value >= now - STEP_MS / 2 ? null : Math.max(min, value));
    };
    if (immediate) commit();
    else timer.current = setTimeout(commit, DEBOUNCE_MS);
  };

  return (
    <section className="scrubber" aria-label="Time travel">
      <button
        type="button"
        aria-label="One minute earlier"
        onClick={() => request(Math.max(min, shown - 60_000), true)}
      >
        ◀
      </button>
      <span className="muted">{formatDateTime(min).slice(11, 16)}</span>
      <input
        type="range"
        min={min}
        max={now}
        step={STEP_MS}
        value={Math.min(now, Math.max(min, shown))}
        aria-label="Moment shown on the map"
        aria-valuetext={at === null && draft === null ? 'live' : formatDateTime(shown)}
        onChange={(e) => request(Number(e.target.value))}
      />
      <span className="muted">now</span>
      <button type="button" aria-label="One minute later" onClick={() => request(Math.min(now, shown + 60_000), true)}>
        ▶
      </button>
      <output className="time" data-testid="scrubber-time">
        {at === null && draft === null ? 'live' : formatDateTime(shown)}
      </output>
      <button type="button" aria-pressed={at === null} onClick={() => request(now, true)}>
        ● live
      </button>
    </section>
  );
}
