import { describe, expect, it } from 'vitest';
import { type CallGroup, CallGroups } from './callGroups';

describe('CallGroups', () => {
  it('sums calls per edge and bucket and hands each group over once', () => {
    const applied: CallGroup[] = [];
    const groups = new CallGroups((g) => applied.push(g));
    groups.add('order', 'payment', 'service', 0, 'success', 4);
    groups.add('order', 'user', 'service', 0, 'success', 1);
    groups.add('order', 'payment', 'service', 0, 'timeout', 2000);
    expect(applied).toEqual([]);
    groups.flush();
    expect(applied.map((g) => `${g.source}->${g.target}`)).toEqual(['order->payment', 'order->user']);
    const payment = applied[0]!;
    expect(payment.agg.calls).toBe(2);
    expect(payment.agg.sumMs).toBe(2004);
    expect(payment.agg.outcomes).toMatchObject({ success: 1, timeout: 1, failure: 0 });
    expect(payment.agg.counts.reduce((a, b) => a + b, 0)).toBe(2);
    groups.flush();
    expect(applied).toHaveLength(2);
  });

  it('hands a group over when the same edge moves to another bucket or target kind', () => {
    const applied: CallGroup[] = [];
    const groups = new CallGroups((g) => applied.push(g));
    groups.add('order', 'payment', 'service', 0, 'success', 1);
    groups.add('order', 'payment', 'service', 10_000, 'failure', 1);
    expect(applied.map((g) => [g.start, g.agg.calls])).toEqual([[0, 1]]);
    groups.add('order', 'payment', 'database', 10_000, 'success', 1);
    groups.flush();
    expect(applied.map((g) => [g.start, g.targetKind, g.agg.calls])).toEqual([
      [0, 'service', 1],
      [10_000, 'service', 1],
      [10_000, 'database', 1],
    ]);
  });
});
