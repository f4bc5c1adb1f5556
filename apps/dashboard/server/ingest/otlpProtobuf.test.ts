import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from './decodeError';
import { decodeMetricsJson, decodeTracesJson } from './otlpJson';
import { decodeMetricsProtobuf, decodeTracesProtobuf } from './otlpProtobuf';

const FIXTURES = new URL('../../../../test/fixtures/otlp/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

// ---- a tiny protobuf writer for hand-made messages ----
type Field = [field: number, value: Enc];
type Enc =
  | { v: number | bigint } // varint
  | { f64: number | bigint } // fixed64
  | { d: number } // double
  | { s: string } // string
  | { b: number[] } // bytes
  | { m: Field[] } // message
  | { raw: number[] }; // raw bytes for a LEN field

function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
function push(out: number[], data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) out.push(data[i]!);
}
function encode(fields: Field[]): number[] {
  const out: number[] = [];
  for (const [field, e] of fields) {
    if ('v' in e) {
      push(out, varint(BigInt(field << 3)));
      push(out, varint(BigInt(e.v)));
    } else if ('f64' in e || 'd' in e) {
      const buf = Buffer.alloc(8);
      if ('d' in e) buf.writeDoubleLE(e.d);
      else buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(e.f64)));
      push(out, varint(BigInt((field << 3) | 1)));
      push(out, buf);
    } else {
      const body = 's' in e ? [...Buffer.from(e.s)] : 'b' in e ? e.b : 'raw' in e ? e.raw : encode(e.m);
      push(out, varint(BigInt((field << 3) | 2)));
      push(out, varint(BigInt(body.length)));
      push(out, body);
    }
  }
  return out;
}
const bytes = (fields: Field[]) => new Uint8Array(encode(fields));
const id = (n: number, fill: number) => ({ b: Array.from({ length: n }, () => fill) });
const kv = (key: string, value: Field[]): Enc => ({
  m: [
    [1, { s: key }],
    [2, { m: value }],
  ],
});

function traceRequest(spans: Field[][], resourceFirst = true): Uint8Array {
  const resource: Field = [1, { m: [[1, kv('service.name', [[1, { s: 'order' }]])]] }];
  const scopeSpans: Field = [2, { m: [[1, { m: [[1, { s: 'lib' }]] }], ...spans.map((s): Field => [2, { m: s }])] }];
  return bytes([[1, { m: resourceFirst ? [resource, scopeSpans] : [scopeSpans, resource] }]]);
}
const minimalSpan = (extra: Field[] = []): Field[] => [[1, id(16, 0xab)], [2, id(8, 0xcd)], [5, { s: 'op' }], ...extra];

describe('decodeTracesProtobuf', () => {
  it('decodes what the real protobuf exporter sent exactly like the JSON exporter’s copy of the same spans', () => {
    const fromProto = decodeTracesProtobuf(fixture('sdk-traces.pb'));
    const fromJson = decodeTracesJson(fixture('sdk-traces.json'));
    expect(fromProto.rejected).toBe(0);
    expect(fromProto.spans).toHaveLength(1);
    expect(fromProto).toEqual(fromJson);
    const span = fromProto.spans[0]!;
    expect(span).toMatchObject({
      name: 'payment charge',
      kind: 3,
      statusCode: 2,
      statusMessage: 'timeout',
      scope: 'faultline-test',
      attributes: {
        'peer.service': 'payment',
        'resilience.bulkhead.queue_wait': 0.25,
        'negative.int': -42,
        'big.int': 2 ** 40,
        flag: true,
        tags: ['a', 'b'],
        counts: [1, 2, 3],
      },
    });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.resource).toMatchObject({ service: 'order-service', instance: 'order-1' });
    expect(span.events.map((e) => e.name)).toEqual(['resilience.circuit_breaker.state_change', 'exception']);
    expect(span.endTimeMs).toBeGreaterThan(span.startTimeMs);
  });

  it('decodes hand-made spans: every AnyValue kind, fields in any order, unknown fields skipped', () => {
    const span = minimalSpan([
      [6, { v: 2 }],
      [7, { f64: 1544712660000000000n }],
      [8, { f64: 1544712660500000000n }],
      [99, { s: 'unknown field' }],
      [9, kv('i', [[3, { v: -5n }]])],
      [9, kv('d', [[4, { d: 1.5 }]])],
      [9, kv('b', [[2, { v: 1 }]])],
      [9, kv('bytes', [[7, { b: [1, 2, 3] }]])],
      [9, kv('kv', [[6, { m: [[1, kv('inner', [[1, { s: 'x' }]])]] }]])],
      [
        9,
        kv('arr', [
          [
            5,
            {
              m: [
                [1, { m: [[1, { s: 'p' }]] }],
                [1, { m: [[3, { v: 1 }]] }],
              ],
            },
          ],
        ]),
      ],
      [9, kv('none', [])],
      [
        15,
        {
          m: [
            [2, { s: 'bad' }],
            [3, { v: 2 }],
          ],
        },
      ],
      [
        11,
        {
          m: [
            [1, { f64: 1544712660100000000n }],
            [2, { s: 'evt' }],
            [3, kv('from', [[1, { s: 'closed' }]])],
          ],
        },
      ],
    ]);
    const batch = decodeTracesProtobuf(traceRequest([span], false));
    expect(batch.rejected).toBe(0);
    expect(batch.spans[0]).toEqual({
      resource: { service: 'order', instance: null, attributes: { 'service.name': 'order' } },
      scope: 'lib',
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      parentSpanId: null,
      name: 'op',
      kind: 2,
      startTimeMs: 1544712660000,
      endTimeMs: 1544712660500,
      statusCode: 2,
      statusMessage: 'bad',
      attributes: { i: -5, d: 1.5, b: true, bytes: 'AQID', kv: { inner: 'x' }, arr: ['p', 1], none: null },
      events: [{ name: 'evt', timeMs: 1544712660100, attributes: { from: 'closed' } }],
    });
  });

  it('rejects spans with invalid ids individually', () => {
    const batch = decodeTracesProtobuf(
      traceRequest([
        minimalSpan(),
        [
          [1, id(5, 1)],
          [2, id(8, 1)],
        ],
        [
          [1, id(16, 0)],
          [2, id(8, 1)],
        ],
        [[2, id(8, 1)]],
      ]),
    );
    expect(batch.spans).toHaveLength(1);
    expect(batch.rejected).toBe(3);
    expect(batch.rejectionMessage).toBe(
      'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 16 bytes, got 5 (and 2 more problems)',
    );
  });

  it('applies the attribute, string and depth limits', () => {
    const many: Field[] = Array.from({ length: 10_000 }, (_, i) => [9, kv(`k${i}`, [[3, { v: i }]])]);
    let deep: Field[] = [[1, { s: 'bottom' }]];
    for (let i = 0; i < 50; i++) deep = [[5, { m: [[1, { m: deep }]] }]];
    const batch = decodeTracesProtobuf(
      traceRequest([minimalSpan([[5, { s: 'n'.repeat(10_000) }], [9, kv('deep', deep)], ...many])]),
    );
    const span = batch.spans[0]!;
    expect(Object.keys(span.attributes)).toHaveLength(128);
    expect(span.name).toHaveLength(4096);
    let v = span.attributes.deep;
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    expect([depth, v]).toEqual([7, null]);
    expect(batch.limited).toEqual({
      droppedAttributes: 10_001 - 128,
      truncatedStrings: 1,
      truncatedValues: 1,
      droppedEvents: 0,
    });
  });

  it('throws DecodeError with the position for truncated input, at every cut of a real payload', () => {
    const full = fixture('sdk-traces.pb');
    for (let cut = 1; cut < full.length; cut++) {
      let result: unknown;
      try {
        result = decodeTracesProtobuf(full.subarray(0, cut));
      } catch (err) {
        expect(err).toBeInstanceOf(DecodeError);
        expect((err as DecodeError).message).toMatch(/^invalid protobuf at byte \d+: /);
        continue;
      }
      throw new Error(`cut at ${cut} decoded without error: ${JSON.stringify(result).slice(0, 200)}`);
    }
  });

  it('names the truncated message and where it was', () => {
    const full = fixture('sdk-traces.pb');
    expect(() => decodeTracesProtobuf(full.subarray(0, full.length - 30))).toThrow(
      /^invalid protobuf at byte \d+: .* \(in resourceSpans\[0\]/,
    );
  });

  it('only ever returns a batch or throws DecodeError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (data) => {
        for (const decode of [decodeTracesProtobuf, decodeMetricsProtobuf]) {
          try {
            const batch = decode(data);
            expect(batch.rejected).toBeGreaterThanOrEqual(0);
          } catch (err) {
            expect(err).toBeInstanceOf(DecodeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('only ever returns a batch or throws DecodeError on corrupted real payloads', () => {
    const traces = fixture('sdk-traces.pb');
    const metrics = fixture('sdk-metrics.pb');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (useTraces, flips) => {
          const data = new Uint8Array(useTraces ? traces : metrics);
          for (const [at, value] of flips) data[at % data.length] = value;
          try {
            (useTraces ? decodeTracesProtobuf : decodeMetricsProtobuf)(data);
          } catch (err) {
            expect(err).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    [[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /ResourceSpans of 4294967295 bytes extends past the end/],
    [[0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /varint longer than 10 bytes/],
    [[0x0b], /unsupported wire type 3/],
    [[0x00, 0x01], /invalid tag 0/],
  ])('rejects malformed wire data %j', (data, message) => {
    expect(() => decodeTracesProtobuf(new Uint8Array(data))).toThrow(message);
  });

  it('accepts an empty request', () => {
    expect(decodeTracesProtobuf(new Uint8Array(0))).toMatchObject({ spans: [], rejected: 0 });
  });
});

describe('decodeMetricsProtobuf', () => {
  it('decodes what the real protobuf exporter sent exactly like the JSON exporter’s copy of the same metrics', () => {
    const fromProto = decodeMetricsProtobuf(fixture('sdk-metrics.pb'));
    const fromJson = decodeMetricsJson(fixture('sdk-metrics.json'));
    expect(fromProto.rejected).toBe(0);
    expect(fromProto).toEqual(fromJson);
    const byName = Object.fromEntries(fromProto.points.map((p) => [`${p.name}/${p.type}`, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'resilience.bulkhead.rejections/sum',
      'resilience.call.duration/histogram',
      'resilience.circuit_breaker.state/gauge',
      'resilience.dependency.inflight/sum',
      'resilience.saga.duration/exponential_histogram',
    ]);
    expect(byName['resilience.bulkhead.rejections/sum']).toMatchObject({ value: 7, monotonic: true, unit: '{call}' });
    expect(byName['resilience.dependency.inflight/sum']).toMatchObject({ value: -3, monotonic: false });
    expect(byName['resilience.saga.duration/exponential_histogram']).toMatchObject({
      count: 5,
      sum: 15.5,
      min: 0.5,
      max: 8,
    });
    const timeouts = fromProto.points.find((p) => p.attributes['resilience.outcome'] === 'timeout');
    expect(timeouts).toMatchObject({ type: 'histogram', count: 1, sum: 30, temporality: 'cumulative' });
  });

  it('decodes summaries, unpacked repeated fields and metric names given after the data', () => {
    const hist: Field[] = [
      [4, { f64: 3 }],
      [6, { f64: 1 }], // unpacked bucket_counts
      [6, { f64: 2 }],
      [7, { d: 10 }], // unpacked explicit_bounds
      [9, kv('a', [[1, { s: 'b' }]])],
    ];
    const metrics: Field[] = [
      [
        2,
        {
          m: [
            [
              9,
              {
                m: [
                  [1, { m: hist }],
                  [2, { v: 1 }],
                ],
              },
            ],
            [1, { s: 'h' }],
          ],
        },
      ],
      [
        2,
        {
          m: [
            [1, { s: 'q' }],
            [
              11,
              {
                m: [
                  [
                    1,
                    {
                      m: [
                        [4, { f64: 2 }],
                        [5, { d: 3 }],
                        [
                          6,
                          {
                            m: [
                              [1, { d: 0.99 }],
                              [2, { d: 2.5 }],
                            ],
                          },
                        ],
                      ],
                    },
                  ],
                ],
              },
            ],
          ],
        },
      ],
      [
        2,
        {
          m: [
            [1, { s: 'stale' }],
            [5, { m: [[1, { m: [[8, { v: 1 }]] }]] }],
          ],
        },
      ],
    ];
    const batch = decodeMetricsProtobuf(bytes([[1, { m: [[2, { m: metrics }]] }]]));
    expect(batch.rejected).toBe(0);
    expect(batch.points).toHaveLength(2);
    expect(batch.points[0]).toMatchObject({
      name: 'h',
      type: 'histogram',
      temporality: 'delta',
      count: 3,
      bounds: [10],
      bucketCounts: [1, 2],
      attributes: { a: 'b' },
    });
    expect(batch.points[1]).toMatchObject({
      name: 'q',
      type: 'summary',
      count: 2,
      sum: 3,
      quantiles: [{ quantile: 0.99, value: 2.5 }],
    });
  });

  it('rejects points that are invalid', () => {
    const metrics: Field[] = [
      [
        2,
        {
          m: [
            [1, { s: 'g' }],
            [5, { m: [[1, { m: [[3, { f64: 1 }]] }]] }],
          ],
        },
      ],
      [2, { m: [[5, { m: [[1, { m: [[4, { d: 1 }]] }]] }]] }],
    ];
    const batch = decodeMetricsProtobuf(bytes([[1, { m: [[2, { m: metrics }]] }]]));
    expect(batch.points).toHaveLength(0);
    expect(batch.rejected).toBe(2);
    expect(batch.rejectionMessage).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]: expected asDouble or asInt (and 1 more problems)',
    );
  });
});
