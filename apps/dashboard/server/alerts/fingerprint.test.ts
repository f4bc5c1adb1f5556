import { describe, expect, it } from 'vitest';
import { fingerprintLabels } from './fingerprint';

/** Reference FNV-1a 64 with BigInt, the same algorithm written the obvious way. */
function reference(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const push = (b: number) => {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of new TextEncoder().encode(name)) push(b);
    push(0xff);
    for (const b of new TextEncoder().encode(labels[name] ?? '')) push(b);
    push(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

describe('fingerprintLabels', () => {
  it('is the FNV-1a offset basis for no labels (Prometheus emptyLabelSignature)', () => {
    expect(fingerprintLabels({})).toBe('cbf29ce484222325');
  });

  it('agrees with a BigInt FNV-1a 64 reference', () => {
    const cases: Record<string, string>[] = [
      { alertname: 'Test' },
      { alertname: 'payment breaker open', service: 'order-service', dependency: 'payment-service' },
      { z: 'ü€😀', a: '' },
    ];
    for (const c of cases) expect(fingerprintLabels(c)).toBe(reference(c));
  });

  it('ignores key order and changes with any value', () => {
    expect(fingerprintLabels({ a: '1', b: '2' })).toBe(fingerprintLabels({ b: '2', a: '1' }));
    expect(fingerprintLabels({ a: '1', b: '2' })).not.toBe(fingerprintLabels({ a: '1', b: '3' }));
  });
});
