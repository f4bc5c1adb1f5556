/**
 * Test support: the property both byte-level OTLP/JSON readers must have —
 * on any body they either give up (`undefined`) or answer exactly what the
 * walk in `otlpJson.ts` (the reference) makes of `JSON.parse` of it.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decodeContext';
import { corrupt, corruption } from './otlpJsonArbitraries';

type Decoder<B> = (body: Buffer, limits: Readonly<DecodeLimits>) => B | undefined;
type Walk<B> = (root: unknown, limits: Partial<DecodeLimits>) => B;

/** `expectAgreement(body, limits?)` for one reader and its walk; it answers the reader's batch. */
export function agreementWith<B>(fast: Decoder<B>, walk: Walk<B>) {
  /** What the walk makes of a body: a batch, or the error it throws. */
  const reference = (body: Buffer, limits: DecodeLimits): B | Error => {
    try {
      return walk(JSON.parse(body.toString('utf8')), limits);
    } catch (error) {
      return error as Error;
    }
  };
  return (body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): B | undefined => {
    const answer = fast(body, limits);
    if (answer === undefined) return undefined;
    const expected = reference(body, limits);
    if (expected instanceof Error) {
      throw new Error(`fast path accepted a body the walk rejects (${expected.message}): ${body}`);
    }
    expect(answer).toEqual(expected);
    return answer;
  };
}

/** A request body as an exporter would send it (`indent`: pretty-printed). */
export const json = (value: unknown, indent?: number) => Buffer.from(JSON.stringify(value, null, indent));

/**
 * The three properties each reader is held to, as tests of the enclosing
 * `describe`: agreement on generated requests, the plain ones all taken, and
 * no corrupted body accepted that the walk rejects. The arbitraries are
 * asked for when the tests run (test files define them below the tests).
 */
export function agreementProperties<B>(
  expectAgreement: (body: Buffer) => B | undefined,
  arbitraries: () => { requests: fc.Arbitrary<unknown>; plainRequests: fc.Arbitrary<unknown> },
): void {
  it('agrees with the walk on generated requests', () => {
    fc.assert(
      fc.property(arbitraries().requests, fc.boolean(), (value, pretty) => {
        expectAgreement(json(value, pretty ? 2 : undefined));
      }),
      { numRuns: 400 },
    );
  });

  it('takes the plain generated requests (it does not just give up)', () => {
    let taken = 0;
    fc.assert(
      fc.property(arbitraries().plainRequests, (value) => {
        if (expectAgreement(json(value)) !== undefined) taken++;
      }),
      { numRuns: 200 },
    );
    expect(taken).toBe(200);
  });

  it('never accepts a corrupted body the walk would not', () => {
    fc.assert(
      fc.property(arbitraries().plainRequests, corruption, (value, edits) => {
        expectAgreement(corrupt(json(value), edits));
      }),
      { numRuns: 400 },
    );
  });
}
