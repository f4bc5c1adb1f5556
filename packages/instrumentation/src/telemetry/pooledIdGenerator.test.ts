import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from './pooledIdGenerator.js';

describe('PooledIdGenerator', () => {
  it('hands out valid, distinct W3C ids across pool refills', () => {
    const ids = new PooledIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    // Several 4 KiB pools' worth, so refills and ids at a pool's end are covered.
    for (let i = 0; i < 2000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      traceIds.add(traceId);
      spanIds.add(spanId);
    }
    expect(traceIds.size).toBe(2000);
    expect(spanIds.size).toBe(2000);
  });

  it('spreads hex digits evenly (it is random, not a counter)', () => {
    const ids = new PooledIdGenerator();
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) for (const c of ids.generateTraceId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    // 128 000 digits: 8 000 expected per digit; a biased source would be far off.
    for (const count of counts.values()) expect(Math.abs(count - 8000)).toBeLessThan(600);
    expect(counts.size).toBe(16);
  });
});
