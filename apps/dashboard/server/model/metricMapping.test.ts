import { describe, expect, it } from 'vitest';
import { RESILIENCE4J } from './contract';
import { mapMetric } from './metricMapping';
import { breakerStateGauges, gaugePoint, T0 } from './testTelemetry';

describe('mapMetric — breaker state series', () => {
  it("maps the current state's series to breakerState and the others to idle", () => {
    const [closed, open, halfOpen] = breakerStateGauges('open', T0).map(mapMetric);
    expect(open).toMatchObject({ kind: 'breakerState', state: 'open' });
    expect(closed).toEqual({ kind: 'idle', measure: 'gauge' });
    expect(halfOpen).toEqual({ kind: 'idle', measure: 'gauge' });
  });

  it('treats resilience4j state series, Prometheus-style names included, alike', () => {
    const point = (name: string, value: number) =>
      gaugePoint(name, { service: 'java', attributes: { name: 'backend', state: 'closed' }, value, timeMs: T0 });
    expect(mapMetric(point('resilience4j_circuitbreaker_state', 0))?.kind).toBe('idle');
    expect(mapMetric(point(RESILIENCE4J.BREAKER_STATE, 1))).toMatchObject({ kind: 'breakerState', state: 'closed' });
  });
});
