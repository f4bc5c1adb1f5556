import { describe, expect, it } from 'vitest';
import { formatAmplification, formatDuration, formatElapsed, formatPercent, formatRate } from './format';

describe('formatPercent', () => {
  it('rounds to whole percent and keeps small shares visible', () => {
    expect(formatPercent(0.48)).toBe('48 %');
    expect(formatPercent(0.924)).toBe('92 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.0004)).toBe('<0.1 %');
    expect(formatPercent(0.015)).toBe('1.5 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(null)).toBe('–');
  });
});

describe('formatDuration', () => {
  it('switches from ms to s at one second', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2000)).toBe('2.0 s');
    expect(formatDuration(30_000)).toBe('30.0 s');
    expect(formatDuration(90_000)).toBe('1.5 min');
    expect(formatDuration(null)).toBe('–');
  });
});

describe('formatRate / formatAmplification / formatElapsed', () => {
  it('formats compactly', () => {
    expect(formatRate(0.42)).toBe('0.4/s');
    expect(formatRate(120.4)).toBe('120/s');
    expect(formatRate(15_000)).toBe('15.0k/s');
    expect(formatAmplification(3.14)).toBe('×3.1');
    expect(formatElapsed(41_200)).toBe('41 s');
    expect(formatElapsed(125 * 60_000)).toBe('2 h 5 min');
  });
});
