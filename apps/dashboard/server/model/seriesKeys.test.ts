import { describe, expect, it } from 'vitest';
import type { Attributes } from '../ingest/telemetry';
import { attributesKey } from './metricMapping';
import { SEP } from './pairKeys';
import { SeriesKeys } from './seriesKeys';

const P = 'order-service';

describe('SeriesKeys', () => {
  it('keys a series as prefix SEP attributesKey, whatever the attribute order', () => {
    const index = new SeriesKeys<number>(100);
    const a: Attributes = { 'peer.service': 'payment', 'resilience.outcome': 'success' };
    const series = index.series(P, a);
    expect(series.key).toBe(`${P}${SEP}${attributesKey(a)}`);
    expect(series.attributesKey).toBe(attributesKey(a));
    const reordered = index.series(P, { 'resilience.outcome': 'success', 'peer.service': 'payment' });
    expect(reordered).toBe(series);
  });

  it('finds the same series (and its memo) for an equal attribute set in a new object', () => {
    const index = new SeriesKeys<string>(100);
    const series = index.series(P, { n: 1, b: true, s: 'x', z: null });
    series.memo = 'mapped';
    const again = index.series(P, { z: null, s: ['x'].join(''), b: true, n: 1 });
    expect(again).toBe(series);
    expect(again.memo).toBe('mapped');
  });

  it('tells apart sets that differ in a value, a key, the number of keys or the prefix', () => {
    const index = new SeriesKeys<number>(100);
    const base = index.series(P, { a: 'x', b: 'y' });
    const others = [
      index.series(P, { a: 'x', b: 'z' }),
      index.series(P, { a: 'x', c: 'y' }),
      index.series(P, { a: 'x' }),
      index.series(P, { a: 'x', b: 'y', c: 'y' }),
      index.series(P, { a: 'x', b: 1 }),
      index.series('other', { a: 'x', b: 'y' }),
    ];
    for (const other of others) {
      expect(other).not.toBe(base);
      expect(other.key).not.toBe(base.key);
    }
  });

  it('matches on content when fingerprints collide (sets that swap values between keys)', () => {
    const index = new SeriesKeys<number>(100);
    const ab = index.series(P, { ab: 'q', ba: 'r' });
    const ba = index.series(P, { ab: 'r', ba: 'q' });
    expect(ba).not.toBe(ab);
    expect(index.series(P, { ab: 'q', ba: 'r' })).toBe(ab);
    expect(index.series(P, { ab: 'r', ba: 'q' })).toBe(ba);
  });

  it('builds the key every time for array and kvlist values (not indexed)', () => {
    const index = new SeriesKeys<number>(100);
    const a: Attributes = { list: ['a', 1], map: { k: 'v' } };
    const series = index.series(P, a);
    expect(series.key).toBe(`${P}${SEP}${attributesKey(a)}`);
    series.memo = 1;
    expect(index.series(P, { list: ['a', 1], map: { k: 'v' } }).memo).toBeUndefined();
  });

  it('gives the keys attributesKey gives for values it serialises alike (NaN and null, -0 and 0)', () => {
    const index = new SeriesKeys<number>(100);
    expect(index.series(P, { v: Number.NaN }).key).toBe(index.series(P, { v: null }).key);
    expect(index.series(P, { v: -0 }).key).toBe(index.series(P, { v: 0 }).key);
  });

  it('a key named __proto__ is an ordinary attribute', () => {
    const index = new SeriesKeys<number>(100);
    const withProto: Attributes = {};
    Object.defineProperty(withProto, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    const series = index.series(P, withProto);
    expect(series.key).toBe(`${P}${SEP}${attributesKey(withProto)}`);
    expect(index.series(P, {})).not.toBe(series);
  });

  it('forgets everything at its cap and still answers the same keys', () => {
    const index = new SeriesKeys<number>(3);
    const first = index.series(P, { i: 0 });
    first.memo = 7;
    for (let i = 1; i < 10; i++) expect(index.series(P, { i }).key).toBe(`${P}${SEP}${attributesKey({ i })}`);
    const again = index.series(P, { i: 0 });
    expect(again.key).toBe(first.key);
    expect(again.memo).toBeUndefined();
  });
});
