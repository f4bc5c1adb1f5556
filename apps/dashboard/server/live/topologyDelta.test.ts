import { describe, expect, it } from 'vitest';
import type { Topology, TopologyEdge, TopologyService } from '../../lib/apiTypes';
import { applyTopologyDelta } from '../../lib/applyTopologyDelta';
import { edgeWidth } from '../../lib/breakerStyle';
import { edgeLabelParts } from '../../lib/edgeText';
import { formatDuration, formatPercent, formatRate } from '../../lib/format';
import { apiEdge, apiService } from '../../lib/testTopology';
import { diffTopology, edgeSignature, fullMessage, serviceSignature, shadowOf } from './topologyDelta';

const svc = (name: string, over: Partial<TopologyService> = {}): TopologyService =>
  apiService(name, { rps: 10, errorRate: 0, ...over });

const edge = (source: string, target: string, over: Partial<TopologyEdge> = {}): TopologyEdge =>
  apiEdge(source, target, {
    rps: 10,
    errorRate: 0.01,
    p50Ms: 5,
    p99Ms: 40,
    outcomes: { success: 99, failure: 1, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
    breaker: { name: `${target}-cb`, state: 'closed' },
    ...over,
  });

const topo = (services: TopologyService[], edges: TopologyEdge[], at = 1000): Topology => ({
  at,
  windowSeconds: 60,
  services,
  edges,
  cascade: { rootCauses: [], blastRadius: [], sentence: 'all healthy' },
});

const base = topo([svc('a'), svc('b'), svc('c')], [edge('a', 'b'), edge('b', 'c')]);

describe('diffTopology', () => {
  it('returns null when nothing the UI shows changed (float noise, new `at`)', () => {
    const next = topo(
      [svc('a', { rps: 10.001 }), svc('b'), svc('c')],
      [edge('a', 'b', { rps: 10.0004, p99Ms: 40.2 }), edge('b', 'c')],
      2000,
    );
    expect(diffTopology(shadowOf(base, 1), next)).toBeNull();
  });

  it('sends only the changed items, removals by key, the cascade and chained seq numbers', () => {
    const cascade = { rootCauses: ['c'], blastRadius: ['b'], path: ['b->c'], sentence: 'c is failing' };
    const next: Topology = {
      ...topo(
        [svc('b'), svc('c', { health: 'failing' }), svc('d')],
        [edge('b', 'c', { errorRate: 0.5 }), edge('c', 'd')],
        2000,
      ),
      cascade,
    };
    const r = diffTopology(shadowOf(base, 7), next);
    expect(r).not.toBeNull();
    const d = r!.delta;
    expect(d.base).toBe(7);
    expect(d.seq).toBe(8);
    expect(d.at).toBe(2000);
    // New items whole; changed ones as patches of just the changed fields.
    expect(d.services.map((s) => s.name)).toEqual(['d']);
    expect(d.servicePatches).toEqual([{ name: 'c', health: 'failing' }]);
    expect(d.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['c->d']);
    expect(d.edgePatches).toEqual([{ source: 'b', target: 'c', errorRate: 0.5 }]);
    expect(d.removedServices).toEqual(['a']);
    expect(d.removedEdges).toEqual(['a->b']);
    expect(d.cascade).toEqual(cascade);
    expect(r!.shadow.seq).toBe(8);
  });

  it('the shadow after a delta is what a client holds after applying it, and chains', () => {
    const s1 = shadowOf(base, 1);
    const t2 = topo([svc('a', { rps: 50 }), svc('b'), svc('c')], [edge('a', 'b'), edge('b', 'c', { rps: 99 })], 2000);
    const r2 = diffTopology(s1, t2)!;
    const client = applyTopologyDelta(fullMessage(s1), r2.delta);
    expect(client.services).toEqual(r2.shadow.topology.services);
    expect(client.edges).toEqual(r2.shadow.topology.edges);
    // Unchanged items in the shadow are still the objects first sent.
    expect(r2.shadow.topology.services[1]).toBe(base.services[1]);

    const t3 = topo(
      [svc('a', { rps: 50 }), svc('b'), svc('c')],
      [edge('a', 'b', { breaker: { name: 'b-cb', state: 'open' } }), edge('b', 'c', { rps: 99 })],
      3000,
    );
    const r3 = diffTopology(r2.shadow, t3)!;
    expect(r3.delta.base).toBe(2);
    expect(r3.delta.seq).toBe(3);
    expect(r3.delta.services).toEqual([]);
    expect(r3.delta.servicePatches).toEqual([]);
    expect(r3.delta.edges).toEqual([]);
    expect(r3.delta.edgePatches).toEqual([{ source: 'a', target: 'b', breaker: { name: 'b-cb', state: 'open' } }]);
    expect(fullMessage(r3.shadow)).toMatchObject({ seq: 3, at: 3000 });
  });
});

describe('diffTopology: whole items when a patch cannot say it', () => {
  it('sends the whole item when a field became absent or an unknown field changed', () => {
    const s1 = shadowOf(topo([svc('a', { activeRequests: 3 }), svc('b')], [edge('a', 'b')]), 1);
    const noActive = svc('a');
    const withExtra = { ...edge('a', 'b'), simulated: true } as TopologyEdge;
    const r = diffTopology(s1, topo([noActive, svc('b')], [withExtra]))!;
    expect(r.delta.services).toEqual([noActive]);
    expect(r.delta.servicePatches).toEqual([]);
    expect(r.delta.edges).toEqual([withExtra]);
    expect(r.delta.edgePatches).toEqual([]);
    const client = applyTopologyDelta(fullMessage(s1), r.delta);
    expect(client.services[0]).toBe(noActive);
    expect('activeRequests' in client.services[0]!).toBe(false);
  });

  it('a patched client equals the new topology on every shown field', () => {
    const s1 = shadowOf(base, 1);
    const t2 = topo(
      [svc('a', { rps: 55, errorRate: 0.3, health: 'degraded' }), svc('b'), svc('c')],
      [
        edge('a', 'b', {
          rps: 120,
          p99Ms: 900,
          outcomes: { success: 50, failure: 50, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
        }),
        edge('b', 'c'),
      ],
      2000,
    );
    const r = diffTopology(s1, t2)!;
    const client = applyTopologyDelta(fullMessage(s1), r.delta);
    expect(client.services.map(serviceSignature)).toEqual(t2.services.map(serviceSignature));
    expect(client.edges.map(edgeSignature)).toEqual(t2.edges.map(edgeSignature));
    expect(JSON.stringify(r.delta).length).toBeLessThan(JSON.stringify(t2).length);
  });
});

describe("diffTopology: the server model's own fields", () => {
  it('ignores the per-window call count (never shown) and patches retryStorm / reasons', () => {
    const e1 = { ...edge('a', 'b'), calls: 600, retryStorm: false } as TopologyEdge;
    const s1 = { ...svc('a'), reasons: [], p99Ms: 40, eventLoopSaturated: false } as TopologyService;
    const shadow = shadowOf(topo([s1], [e1]), 1);
    const e2 = { ...e1, calls: 660 } as TopologyEdge;
    expect(diffTopology(shadow, topo([s1], [e2]))).toBeNull();
    const e3 = { ...e1, calls: 700, retryStorm: true } as TopologyEdge;
    const s3 = { ...s1, reasons: ['errors 40 %'] } as TopologyService;
    const r = diffTopology(shadow, topo([s3], [e3]))!;
    expect(r.delta.edgePatches).toEqual([{ source: 'a', target: 'b', retryStorm: true }]);
    expect(r.delta.servicePatches).toEqual([{ name: 'a', reasons: ['errors 40 %'] }]);
  });
});

describe('signatures: rounding never hides a change the UI shows', () => {
  // Values on both sides of the UI's own rounding boundaries: every pair that
  // prints differently must have different signatures.
  const rates = [0, 0.04, 0.05, 0.949, 0.95, 9.94, 9.96, 21.5, 21.6, 99.4, 99.6, 999.4, 999.6, 1049, 1051, 12_345];
  const ratios = [0, 0.0009, 0.001, 0.0449, 0.0451, 0.04999, 0.05, 0.0995, 0.1, 0.4549, 0.4551, 0.999, 1];
  const durations = [null, 0.5, 0.999, 1, 1.4, 1.6, 999.4, 999.6, 1049, 1051, 59_949, 59_951];

  it('edges: rps, width, error rate, failing filter, p99 label', () => {
    for (const [field, values] of [
      ['rps', rates],
      ['errorRate', ratios],
      ['p99Ms', durations],
      ['p50Ms', durations],
    ] as const) {
      // Two values with one signature must print the same everywhere on the map and in the side panel.
      const sigs = new Map<string, string>();
      for (const v of values) {
        const e = edge('a', 'b', { [field]: v });
        const printed = `${formatRate(e.rps)}|${edgeLabelParts(e).main}|${e.errorRate >= 0.05}|${formatDuration(e.p50Ms)}|${edgeWidth(e.rps)}`;
        const sig = edgeSignature(e);
        const other = sigs.get(sig);
        if (other !== undefined) expect(printed, `${field}=${v}`).toBe(other);
        sigs.set(sig, printed);
      }
    }
  });

  it('edges: breaker state, bulkhead figures and outcome shares', () => {
    const e = edge('a', 'b', {
      bulkhead: {
        name: 'bh',
        active: 3,
        limit: 10,
        queued: 0,
        queueLimit: 5,
        rejectionsPerSec: 0,
        saturation: 0.3,
        saturatedShare: 0,
      },
    });
    const variants: Partial<TopologyEdge>[] = [
      { breaker: { name: 'b-cb', state: 'half_open' } },
      { breaker: null },
      { bulkhead: { ...e.bulkhead!, active: 4 } },
      { bulkhead: { ...e.bulkhead!, queued: 1 } },
      { bulkhead: { ...e.bulkhead!, limit: 11 } },
      { bulkhead: { ...e.bulkhead!, saturation: 1 } },
      { bulkhead: { ...e.bulkhead!, rejectionsPerSec: 0.5 } },
      { outcomes: { success: 90, failure: 5, timeout: 5, short_circuited: 0, bulkhead_rejected: 0 } },
      { inflight: 3 },
      { blockedShare: 0.5 },
      { retryAmplification: 1.5 },
    ];
    const s0 = edgeSignature(e);
    for (const v of variants) expect(edgeSignature({ ...e, ...v }), JSON.stringify(v)).not.toBe(s0);
    // Same shares at a different volume print the same.
    expect(
      edgeSignature({
        ...e,
        outcomes: { success: 198, failure: 2, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
      }),
    ).toBe(s0);
  });

  it('services: health, kind, saturation, rates, and fields it does not know', () => {
    const s = svc('a', { errorRate: 0.02, eventLoopUtilization: 0.3, activeRequests: 4 });
    const s0 = serviceSignature(s);
    const variants: Partial<TopologyService>[] = [
      { health: 'degraded' },
      { kind: 'database' },
      { saturated: true },
      { rps: 12 },
      { errorRate: 0.2 },
      { errorRate: 0 },
      { eventLoopUtilization: 0.5 },
      { activeRequests: 5 },
    ];
    for (const v of variants) expect(serviceSignature({ ...s, ...v }), JSON.stringify(v)).not.toBe(s0);
    expect(serviceSignature({ ...s, ...({ simulated: true } as object) })).not.toBe(s0);
    expect(formatPercent(0.02)).toBe('2 %');
  });
});
