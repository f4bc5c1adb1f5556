import { describe, expect, it } from 'vitest';
import { PairKeys, SEP } from './pairKeys';

describe('PairKeys', () => {
  it('joins a pair with SEP and hands out the same string for the same pair', () => {
    const keys = new PairKeys(10);
    const first = keys.key('order', 'payment');
    expect(first).toBe(`order${SEP}payment`);
    expect(keys.key(['or', 'der'].join(''), 'payment')).toBe(first);
    expect(keys.key('order', 'email')).toBe(`order${SEP}email`);
  });

  it('keeps answering the same strings after it forgot everything at its cap', () => {
    const keys = new PairKeys(2);
    for (let i = 0; i < 5; i++) expect(keys.key('a', String(i))).toBe(`a${SEP}${i}`);
    expect(keys.key('a', '0')).toBe(`a${SEP}0`);
  });
});
