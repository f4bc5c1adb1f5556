/**
 * Alert fingerprints, computed exactly as Prometheus / Alertmanager do
 * (`model.LabelSet.Fingerprint`): FNV-1a 64 over the label names in sorted
 * order, each name and value followed by the separator byte 0xff, printed as
 * 16 hex digits. The same labels therefore give the same fingerprint here and
 * in any Alertmanager a payload is forwarded to.
 *
 * The 64-bit multiply is done in four 16-bit limbs so no BigInt is allocated
 * per byte (fingerprints are computed on every evaluation tick).
 */
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

export function fingerprintLabels(labels: Readonly<Record<string, string>>): string {
  // Offset basis 0xcbf29ce484222325, as limbs from least significant.
  const h = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  const names = Object.keys(labels).sort();
  for (const name of names) {
    addBytes(h, encoder.encode(name));
    addByte(h, SEPARATOR);
    addBytes(h, encoder.encode(labels[name] ?? ''));
    addByte(h, SEPARATOR);
  }
  return hex16(h[3]!) + hex16(h[2]!) + hex16(h[1]!) + hex16(h[0]!);
}

function addBytes(h: number[], bytes: Uint8Array): void {
  for (const b of bytes) addByte(h, b);
}

/** h = (h XOR byte) * 0x100000001b3 mod 2^64. The prime is 2^40 + 0x1b3. */
function addByte(h: number[], byte: number): void {
  h[0] = h[0]! ^ byte;
  const [a0, a1, a2, a3] = h as [number, number, number, number];
  // h * 0x1b3
  let t0 = a0 * 0x1b3;
  let t1 = a1 * 0x1b3;
  let t2 = a2 * 0x1b3;
  let t3 = a3 * 0x1b3;
  // + h << 40: limb i moves to limb i + 2.5, i.e. (a_i << 8) into limb i + 2.
  t2 += a0 << 8;
  t3 += a1 << 8;
  // carries
  t1 += t0 >>> 16;
  t0 &= 0xffff;
  t2 += t1 >>> 16;
  t1 &= 0xffff;
  t3 += t2 >>> 16;
  t2 &= 0xffff;
  t3 &= 0xffff;
  h[0] = t0;
  h[1] = t1;
  h[2] = t2;
  h[3] = t3;
}

function hex16(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
