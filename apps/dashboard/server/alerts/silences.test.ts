import { describe, expect, it } from 'vitest';
import type { Silence } from './alertTypes';
import { silencedBy, validateSilence } from './silences';

const NOW = 1_767_225_600_000;
const labels = { alertname: 'payment errors', service: 'order', dependency: 'payment', team: 'payments' };

function silence(matchers: Silence['matchers'], endsAtMs = NOW + 60_000): Silence {
  return { id: 's1', matchers, startsAtMs: NOW - 1000, endsAtMs, createdBy: '', comment: '' };
}

describe('silencedBy', () => {
  it('supports =, !=, =~ and !~ (anchored)', () => {
    expect(silencedBy(labels, [silence([{ name: 'team', op: '=', value: 'payments' }])], NOW)).toBe('s1');
    expect(silencedBy(labels, [silence([{ name: 'team', op: '!=', value: 'payments' }])], NOW)).toBeNull();
    expect(silencedBy(labels, [silence([{ name: 'dependency', op: '=~', value: 'pay.*' }])], NOW)).toBe('s1');
    expect(silencedBy(labels, [silence([{ name: 'dependency', op: '=~', value: 'pay' }])], NOW)).toBeNull();
    expect(silencedBy(labels, [silence([{ name: 'service', op: '!~', value: 'user|profile' }])], NOW)).toBe('s1');
  });

  it('requires every matcher to match; a missing label is the empty string', () => {
    const both = silence([
      { name: 'team', op: '=', value: 'payments' },
      { name: 'region', op: '=', value: 'eu' },
    ]);
    expect(silencedBy(labels, [both], NOW)).toBeNull();
    expect(
      silencedBy(
        labels,
        [
          silence([
            { name: 'region', op: '=', value: '' },
            { name: 'team', op: '=', value: 'payments' },
          ]),
        ],
        NOW,
      ),
    ).toBe('s1');
  });

  it('only between start and end', () => {
    const s = silence([{ name: 'team', op: '=', value: 'payments' }], NOW + 1000);
    expect(silencedBy(labels, [s], NOW)).toBe('s1');
    expect(silencedBy(labels, [s], NOW + 1000)).toBeNull();
    expect(silencedBy(labels, [s], NOW - 2000)).toBeNull();
  });
});

describe('validateSilence', () => {
  it('accepts endsAt as RFC 3339 or a duration', () => {
    const a = validateSilence(
      { matchers: [{ name: 'team', value: 'payments' }], endsAt: new Date(NOW + 3_600_000).toISOString() },
      NOW,
      'x',
    );
    expect(a.ok && a.silence).toMatchObject({ startsAtMs: NOW, endsAtMs: NOW + 3_600_000 });
    const b = validateSilence(
      { matchers: [{ name: 'team', op: '=~', value: 'pay.*' }], durationSeconds: 60 },
      NOW,
      'y',
    );
    expect(b.ok && b.silence.endsAtMs).toBe(NOW + 60_000);
  });

  it('names the invalid field', () => {
    const fields = (input: unknown) => {
      const r = validateSilence(input, NOW, 'x');
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(fields({ matchers: [], durationSeconds: 60 })).toEqual(['matchers']);
    expect(fields({ matchers: [{ name: 'team', value: 'x' }] })).toEqual(['endsAt']);
    expect(fields({ matchers: [{ name: 'team', value: 'x' }], endsAt: NOW - 1 })).toEqual(['endsAt']);
    expect(fields({ matchers: [{ name: 'a', op: '=~', value: '(' }], durationSeconds: 60 })).toEqual([
      'matchers.0.value',
    ]);
    expect(fields({ matchers: [{ name: 'a', op: '=~', value: '.*' }], durationSeconds: 60 })).toEqual(['matchers']);
    expect(fields({ matchers: [{ name: 'bad-name', value: 'x' }], durationSeconds: 60 })).toEqual(['matchers.0.name']);
  });
});
