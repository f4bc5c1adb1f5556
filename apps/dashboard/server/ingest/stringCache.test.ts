import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CACHEABLE_LENGTH, cachedString, hashStep, latin1, utf8 } from './stringCache';

function hashOf(bytes: Buffer): number {
  let hash = 0;
  for (const byte of bytes) hash = hashStep(hash, byte);
  return hash;
}

describe('cachedString', () => {
  it('always answers what decoding the bytes gives, however the slots collide', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: CACHEABLE_LENGTH + 8 }), { minLength: 1, maxLength: 3000 }),
        (arrays) => {
          for (const array of arrays) {
            // Offset into a larger buffer, as the decoders read slices of a body.
            const body = Buffer.concat([Buffer.from('xx'), array, Buffer.from('yy')]);
            const start = 2;
            const end = 2 + array.length;
            const hash = hashOf(body.subarray(start, end));
            expect(cachedString(body, start, end, hash, utf8)).toBe(body.utf8Slice(start, end));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('hands out the same string for the same bytes', () => {
    const a = Buffer.from('"peer.service"');
    const b = Buffer.from('{"key":"peer.service"}');
    const first = cachedString(a, 1, 13, hashOf(a.subarray(1, 13)), latin1);
    const second = cachedString(b, 8, 20, hashOf(b.subarray(8, 20)), latin1);
    expect(first).toBe('peer.service');
    expect(second).toBe(first);
  });
});
