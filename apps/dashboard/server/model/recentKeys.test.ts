import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recentKeys';

describe('RecentKeys', () => {
  it('remembers a key for at least the ttl and forgets it within twice the ttl', () => {
    const keys = new RecentKeys(1000, 100);
    keys.add('a', 0);
    keys.add('b', 999);
    expect(keys.has('a')).toBe(true);
    keys.add('c', 1000); // rotates: a and b are now the previous generation
    expect(keys.has('a')).toBe(true);
    expect(keys.has('b')).toBe(true);
    keys.add('d', 2000); // rotates again: a and b are gone
    expect(keys.has('a')).toBe(false);
    expect(keys.has('b')).toBe(false);
    expect(keys.has('c')).toBe(true);
    expect(keys.has('d')).toBe(true);
  });

  it('forgets both generations after a quiet spell longer than the ttl', () => {
    const keys = new RecentKeys(1000, 100);
    keys.add('a', 0);
    keys.add('b', 5000);
    expect(keys.has('a')).toBe(false);
    expect(keys.has('b')).toBe(true);
    expect(keys.size).toBe(1);
  });

  it('stays within twice its cap and counts what it dropped early', () => {
    const keys = new RecentKeys(60_000, 10);
    for (let i = 0; i < 35; i++) keys.add(`k${i}`, i);
    expect(keys.size).toBeLessThanOrEqual(20);
    expect(keys.has('k34')).toBe(true);
    expect(keys.has('k0')).toBe(false);
    expect(keys.dropped + keys.size).toBe(35);
  });
});
