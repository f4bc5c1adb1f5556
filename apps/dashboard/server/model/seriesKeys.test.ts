import { describe, expect, it } from 'vitest';
import type { Attributes } from '../ingest/telemetry';
import { attributesKey } from './metricMapping';
import { SEP } from './pairKeys';
import { SeriesKeys } from './seriesKeys';

const P = 'order-service';

describe('SeriesKeys', () => {
  it('keys a series as prefix SEP attributesKey, whatever the attribute order', () => {
    const index = new SeriesKeys(100);
    const a: Attributes = { 'peer.service': 'payment', 'resilience.outcome': 'success' };
    const key = index.key(P, a);
    expect(key).toBe(`${P}${SEP}${attributesKey(a)}`);
    expect(index.key(P, { 'resilience.outcome': 'success', 'peer.service': 'payment' })).toBe(key);
  });

  it('answers an equal attribute set in a new object with the same key, every time', () => {
    const index = new SeriesKeys(100);
    const a: Attributes = { n: 1, b: true, s: 'x', z: null };
    const key = index.key(P, a);
    for (let i = 0; i < 3; i++) expect(index.key(P, { n: 1, b: true, s: ['x'].join(''), z: null })).toBe(key);
  });

  it('tells apart sets that differ in a value, a key, the number of keys or the prefix', () => {
    const index = new SeriesKeys(100);
    const sets: [string, Attributes][] = [
      [P, { a: 'x', b: 'y' }],
      [P, { a: 'x', b: 'z' }],
      [P, { a: 'x', c: 'y' }],
      [P, { a: 'x' }],
      [P, {}],
      [P, { a: 'x', b: 'y', c: 'y' }],
      [P, { a: 'x', b: 1 }],
      [P, { a: 'x', b: true }],
      [P, { a: 'x', b: null }],
      ['other', { a: 'x', b: 'y' }],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [prefix, a] of sets) expect(index.key(prefix, a)).toBe(`${prefix}${SEP}${attributesKey(a)}`);
    }
  });

  it('matches on content when fingerprints collide (values swapped between keys)', () => {
    const index = new SeriesKeys(100);
    for (let round = 0; round < 2; round++) {
      expect(index.key(P, { ab: 'q', ba: 'r' })).toBe(`${P}${SEP}${attributesKey({ ab: 'q', ba: 'r' })}`);
      expect(index.key(P, { ab: 'r', ba: 'q' })).toBe(`${P}${SEP}${attributesKey({ ab: 'r', ba: 'q' })}`);
    }
  });

  it('builds the key of sets with array and kvlist values', () => {
    const index = new SeriesKeys(100);
    const a: Attributes = { list: ['a', 1], map: { k: 'v' } };
    expect(index.key(P, a)).toBe(`${P}${SEP}${attributesKey(a)}`);
    expect(index.key(P, { list: ['a', 2], map: { k: 'v' } })).toBe(
      `${P}${SEP}${attributesKey({ list: ['a', 2], map: { k: 'v' } })}`,
    );
  });

  it('gives the keys attributesKey gives for values it serialises alike (NaN and null, -0 and 0)', () => {
    const index = new SeriesKeys(100);
    expect(index.key(P, { v: Number.NaN })).toBe(index.key(P, { v: null }));
    expect(index.key(P, { v: -0 })).toBe(index.key(P, { v: 0 }));
  });

  it('treats a key named __proto__ as an ordinary attribute', () => {
    const index = new SeriesKeys(100);
    const withProto: Attributes = {};
    Object.defineProperty(withProto, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    expect(index.key(P, withProto)).toBe(`${P}${SEP}${attributesKey(withProto)}`);
    expect(index.key(P, {})).toBe(`${P}${SEP}`);
  });

  it('forgets everything at its cap and still answers the same keys', () => {
    const index = new SeriesKeys(3);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) expect(index.key(P, { i })).toBe(`${P}${SEP}${attributesKey({ i })}`);
    }
  });
});

describe('SeriesKeys under fingerprint collisions', () => {
  it('answers exact keys when many sets share a fingerprint (names alike in length and ends)', () => {
    const index = new SeriesKeys(1000);
    // n100, n110, … n990: same length, first and last character, same value: one fingerprint for all 90.
    const sets: Attributes[] = Array.from({ length: 90 }, (_, i) => ({ [`n${i + 10}0`]: 1 }));
    for (let round = 0; round < 2; round++) {
      for (const a of sets) expect(index.key(P, a)).toBe(`${P}${SEP}${attributesKey(a)}`);
    }
  });
});
