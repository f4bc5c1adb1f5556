/**
 * Test support: fast-check arbitraries for OTLP/JSON pieces both signals
 * share (strings, 64-bit integers, doubles, AnyValues, attribute lists), with
 * a share of the unusual forms the walk in `otlpJson.ts` accepts or rejects
 * and the byte-level readers leave to it.
 */
import fc from 'fast-check';

export const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('peer.service', 'payments', 'resilience.outcome', 'success', '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
export const uint64 = fc.oneof(
  fc.nat(),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.constant('1700000000123456789'),
);
export const double = fc.oneof(fc.constantFrom(0, 0.001, 0.0025, 1, 2.5, 60, -0), fc.double(), fc.integer());

const scalarValue = fc.oneof(
  { weight: 6, arbitrary: text.map((s) => ({ stringValue: s })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.integer().map(String)).map((n) => ({ intValue: n })) },
  { weight: 1, arbitrary: double.map((d) => ({ doubleValue: d })) },
  { weight: 1, arbitrary: fc.boolean().map((b) => ({ boolValue: b })) },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 8 }).map((b) => ({ bytesValue: b })) },
  { weight: 1, arbitrary: fc.constantFrom({}, null, { string_value: 'x' }, { stringValue: 1 }, { arrayValue: [] }) },
);
/** AnyValues, arrays and kvlists included (nested up to 3 deep: the limit tests go deeper). */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 8, arbitrary: scalarValue },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.record({ key: text, value: tie('value') }), { maxLength: 3 })
        .map((values) => ({ kvlistValue: { values } })),
    },
  ),
})).value;
export const keyValue = fc.oneof(
  { weight: 9, arbitrary: fc.record({ key: text, value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ key: text }, { requiredKeys: [] }) },
);
export const attributes = fc.array(keyValue, { maxLength: 4 });

/** Short strings as exporters write them. */
export const plainText = fc.string({ minLength: 1, maxLength: 12 });
/** String attributes as exporters write them. */
export const plainAttributes = fc.array(
  fc.record({ key: plainText, value: plainText.map((s) => ({ stringValue: s })) }),
  {
    maxLength: 4,
  },
);

/** Applies a few byte edits (JSON's structural characters) to a body. */
export const corruption = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom(...'{}[]",:0-.e\\ nu1'.split('')), fc.constantFrom('set', 'insert', 'delete')),
  { minLength: 1, maxLength: 3 },
);

export function corrupt(body: Buffer, edits: readonly (readonly [number, string, string])[]): Buffer {
  const bytes = [...body];
  for (const [at, char, edit] of edits) {
    const i = at % (bytes.length + 1);
    if (edit === 'insert') bytes.splice(i, 0, char.charCodeAt(0));
    else if (edit === 'delete') bytes.splice(i, 1);
    else bytes[Math.min(i, bytes.length - 1)] = char.charCodeAt(0);
  }
  return Buffer.from(bytes);
}
