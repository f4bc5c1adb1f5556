import { describe, expect, it } from 'vitest';
import { CountWindow } from './countWindow.js';
import { TimeWindow } from './timeWindow.js';

describe('CountWindow', () => {
  it('keeps the last `size` outcomes', () => {
    const window = new CountWindow(3);
    window.record(0, true, false);
    window.record(0, false, true);
    expect([window.calls, window.failures, window.slowCalls]).toEqual([2, 1, 1]);
    window.record(0, false, false);
    window.record(0, false, false); // evicts the failure
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 0, 1]);
    window.record(0, true, true); // evicts the slow call
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 1, 1]);
    window.clear();
    expect([window.calls, window.failures, window.slowCalls]).toEqual([0, 0, 0]);
  });
});

describe('TimeWindow', () => {
  it('counts the calls of the last window and drops older buckets', () => {
    const window = new TimeWindow(10_000, 10);
    window.record(0, true, false);
    window.record(500, false, true);
    window.record(5_000, true, false);
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 2, 1]);
    window.advance(9_999);
    expect(window.calls).toBe(3);
    window.advance(10_000); // the bucket [0, 1000) falls out
    expect([window.calls, window.failures, window.slowCalls]).toEqual([1, 1, 0]);
  });

  it('clears every stale bucket after an idle gap longer than the window', () => {
    const window = new TimeWindow(10_000, 10);
    for (let t = 0; t < 10_000; t += 100) window.record(t, true, true);
    expect(window.calls).toBe(100);
    window.record(1_000_000, false, false);
    expect([window.calls, window.failures, window.slowCalls]).toEqual([1, 0, 0]);
  });

  it('clears exactly the buckets that fell out after a partial gap', () => {
    const window = new TimeWindow(4_000, 4);
    window.record(0, true, false);
    window.record(1_000, true, false);
    window.record(2_000, true, false);
    window.record(3_000, true, false);
    window.advance(5_500); // epochs 0 and 1 fell out
    expect(window.calls).toBe(2);
  });
});
