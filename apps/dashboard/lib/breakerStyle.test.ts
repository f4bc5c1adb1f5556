import { describe, expect, it } from 'vitest';
import { breakerLook, edgeWidth, isBreakerTripped } from './breakerStyle';

describe('breakerLook', () => {
  it('gives every tripped state its own dash pattern and glyph (not colour only)', () => {
    const tripped = (['open', 'half_open', 'forced_open'] as const).map(breakerLook);
    expect(new Set(tripped.map((l) => l.dash)).size).toBe(3);
    expect(tripped.every((l) => l.glyph && l.dash)).toBe(true);
    expect(breakerLook(null).label).toBe('no breaker');
    expect(breakerLook('closed').dash).toBeUndefined();
  });
  it('knows which states reject calls', () => {
    expect(isBreakerTripped('open')).toBe(true);
    expect(isBreakerTripped('closed')).toBe(false);
    expect(isBreakerTripped(null)).toBe(false);
  });
});

describe('edgeWidth', () => {
  it('grows with log(rps) and stays bounded', () => {
    expect(edgeWidth(0)).toBe(1);
    expect(edgeWidth(10)).toBeLessThan(edgeWidth(1000));
    expect(edgeWidth(1000)).toBeLessThan(edgeWidth(15_000));
    expect(edgeWidth(1e9)).toBe(9);
  });
});
