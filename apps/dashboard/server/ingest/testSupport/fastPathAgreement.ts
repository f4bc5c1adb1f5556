/**
 * Test support: the property both byte-level OTLP/JSON readers must have —
 * on any body they either give up (`undefined`) or answer exactly what the
 * walk in `otlpJson.ts` (the reference) makes of `JSON.parse` of it.
 */
import { expect } from 'vitest';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decodeContext';

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
