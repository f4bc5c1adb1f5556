import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from './decodeContext';
import { fastMetricsJson } from './metricsJsonFastPath';
import { decodeMetricsJson, metricsFromJsonValue } from './otlpJson';
import { agreementProperties, agreementWith, json } from './testSupport/fastPathAgreement';
import { type CaptureServer, exportSampleMetrics, startCaptureServer } from './testSupport/otelExport';
import { attributes, double, plainAttributes, plainText, text, uint64 } from './testSupport/otlpJsonArbitraries';

/** The fast path either gives up or agrees with the walk exactly. */
const expectAgreement = agreementWith(fastMetricsJson, metricsFromJsonValue);

/** An AnyValue of arrays nested `depth` deep. */
function deeplyNested(depth: number): unknown {
  return depth === 0 ? { intValue: 1 } : { arrayValue: { values: [deeplyNested(depth - 1)] } };
}

function request(metrics: unknown[], resourceAttributes: unknown[] = []): unknown {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }, ...resourceAttributes] },
        scopeMetrics: [{ scope: { name: '@faultline/instrumentation', version: '0.1.0' }, metrics }],
      },
    ],
  };
}

const gauge = (attributes: unknown[] = [], point: Record<string, unknown> = { asDouble: 1 }) => ({
  name: 'resilience.bulkhead.active',
  unit: '{call}',
  gauge: { dataPoints: [{ attributes, timeUnixNano: '1700000000000000000', ...point }] },
});

describe('fastMetricsJson', () => {
  let capture: CaptureServer;
  beforeAll(async () => {
    capture = await startCaptureServer();
  });
  afterAll(async () => {
    await capture.close();
  });

  it("decodes the SDK's own OTLP/JSON metric exports, exactly as the walk does", async () => {
    await exportSampleMetrics({ baseUrl: capture.url, protocols: ['json'] });
    const bodies = capture.requests.filter((r) => r.path === '/v1/metrics').map((r) => r.body);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const fast = expectAgreement(body);
      expect(fast, 'the fast path gave up on an SDK export').toBeDefined();
      expect(fast?.points.length).toBeGreaterThan(0);
    }
  });

  it('reads fields in any order, with whitespace, escapes and non-ASCII text', () => {
    const body = json(
      {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    sum: {
                      dataPoints: [
                        {
                          asInt: '12',
                          timeUnixNano: 1700000000000000000,
                          attributes: [
                            { value: { stringValue: 'caf\u00e9 \u2603 "quoted" \\ \n' }, key: 'k\u00e9y' },
                            { key: 'n', value: { intValue: -3 } },
                            { key: 'd', value: { doubleValue: 0.1 } },
                            { key: 'b', value: { boolValue: false } },
                            { key: 'empty', value: {} },
                            { key: 'none' },
                          ],
                        },
                      ],
                      isMonotonic: true,
                      aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    },
                    unit: 's',
                    name: 'late.name',
                  },
                ],
                scope: null,
              },
            ],
            resource: null,
          },
        ],
      },
      2,
    );
    // Resource after its scopes, scope after its metrics: too unusual, the walk decodes those.
    expect(fastMetricsJson(body, DEFAULT_DECODE_LIMITS)).toBeUndefined();
    const reordered = json(
      {
        resourceMetrics: [
          {
            resource: null,
            scopeMetrics: [
              { scope: null, metrics: JSON.parse(body.toString()).resourceMetrics[0].scopeMetrics[0].metrics },
            ],
          },
        ],
      },
      2,
    );
    const fast = expectAgreement(reordered);
    expect(fast?.points[0]).toMatchObject({
      name: 'late.name',
      unit: 's',
      type: 'sum',
      temporality: 'delta',
      monotonic: true,
      value: 12,
      attributes: { 'k\u00e9y': 'caf\u00e9 \u2603 "quoted" \\ \n', n: -3, d: 0.1, b: false, empty: null, none: null },
    });
  });

  it('gives up on what only the walk handles, and on anything the walk would reject', () => {
    const cases: [string, unknown][] = [
      ['snake_case names', { resource_metrics: [] }],
      ['a summary', request([{ name: 's', summary: { dataPoints: [{ count: 1, sum: 1 }] } }])],
      ['a kvlist nested deeper than the limit', request([gauge([{ key: 'a', value: deeplyNested(9) }])])],
      ['a value of the wrong type', request([gauge([], { asDouble: 'high' })])],
      ['a point without a value', request([gauge([], {})])],
      ['a metric without a name', request([{ ...gauge(), name: '' }])],
      [
        'bucket counts that do not match the bounds',
        request([{ name: 'h', histogram: { dataPoints: [{ bucketCounts: [1], explicitBounds: [1] }] } }]),
      ],
      ['a negative bucket count', request([{ name: 'h', histogram: { dataPoints: [{ bucketCounts: [-1] }] } }])],
    ];
    for (const [what, value] of cases) {
      expect(fastMetricsJson(json(value), DEFAULT_DECODE_LIMITS), what).toBeUndefined();
    }
    const invalidJson = [
      '{"resourceMetrics":[],}',
      '{"resourceMetrics":[01]}',
      '{"resourceMetrics":[]} x',
      '{"resourceMetrics":["\u0001"]}',
      '{"resourceMetrics":[',
      '{"resourceMetrics":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"\\x"}}]}}]}',
      '{"resourceMetrics":[{"schemaUrl":1.}]}',
      '\ufeff{"resourceMetrics":[]}',
      '{"resourceMetrics":[],"resourceMetrics":[]}',
    ];
    for (const text of invalidJson)
      expect(fastMetricsJson(Buffer.from(text), DEFAULT_DECODE_LIMITS), text).toBeUndefined();
  });

  it('gives up when a limit would apply, so the walk trims and reports it', () => {
    const body = json(
      request([
        gauge([
          { key: 'peer.service', value: { stringValue: 'payments' } },
          { key: 'x', value: { stringValue: 'y' } },
        ]),
      ]),
    );
    expect(expectAgreement(body)).toBeDefined();
    expect(fastMetricsJson(body, { ...DEFAULT_DECODE_LIMITS, maxAttributes: 1 })).toBeUndefined();
    expect(fastMetricsJson(body, { ...DEFAULT_DECODE_LIMITS, maxStringLength: 4 })).toBeUndefined();
    expect(fastMetricsJson(body, { ...DEFAULT_DECODE_LIMITS, maxItems: 0 })).toBeUndefined();
    // decodeMetricsJson then answers with the walk's trims.
    expect(decodeMetricsJson(body, { maxAttributes: 1 }).limited?.droppedAttributes).toBe(1);
  });

  agreementProperties(expectAgreement, () => ({ requests: requestArbitrary, plainRequests: plainRequestArbitrary }));
});

// ── generated requests ───────────────────────────────────────────────────────

const times = { startTimeUnixNano: uint64, timeUnixNano: uint64 };
const flags = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2, 3, '1') },
);

const numberPoint = fc.record(
  { attributes, ...times, flags, asDouble: double, asInt: fc.oneof(fc.integer(), fc.integer().map(String)) },
  { requiredKeys: ['attributes'] },
);
const histogramPoint = fc.array(double, { maxLength: 4 }).chain((bounds) =>
  fc.record(
    {
      attributes,
      ...times,
      flags,
      count: fc.oneof(fc.nat(), fc.nat().map(String)),
      sum: double,
      min: double,
      max: double,
      explicitBounds: fc.constant(bounds),
      bucketCounts: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.array(fc.oneof(fc.nat(), fc.nat().map(String)), {
            minLength: bounds.length + 1,
            maxLength: bounds.length + 1,
          }),
        },
        { weight: 1, arbitrary: fc.array(fc.nat(), { maxLength: 3 }) },
      ),
    },
    { requiredKeys: ['attributes'] },
  ),
);
const buckets = fc.oneof(
  fc.record(
    {
      offset: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant('2')),
      bucketCounts: fc.array(fc.oneof(fc.nat(), fc.nat().map(String)), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, { bucket_counts: [1] }),
);
const exponentialPoint = fc.record(
  {
    attributes,
    ...times,
    flags,
    count: fc.nat(),
    sum: double,
    min: double,
    max: double,
    scale: fc.integer({ min: -10, max: 20 }),
    zeroCount: fc.oneof(fc.nat(), fc.nat().map(String)),
    zeroThreshold: double,
    positive: buckets,
    negative: buckets,
  },
  { requiredKeys: [] },
);
const temporality = fc.constantFrom(0, 1, 2, 3, 'AGGREGATION_TEMPORALITY_CUMULATIVE', 'x');
const metric = fc.oneof(
  fc.record({ name: text, unit: text, gauge: fc.record({ dataPoints: fc.array(numberPoint, { maxLength: 3 }) }) }),
  fc.record({
    name: text,
    description: text,
    sum: fc.record(
      {
        dataPoints: fc.array(numberPoint, { maxLength: 3 }),
        aggregationTemporality: temporality,
        isMonotonic: fc.oneof(fc.boolean(), fc.constant('yes')),
      },
      { requiredKeys: ['dataPoints'] },
    ),
  }),
  fc.record({
    name: text,
    unit: text,
    histogram: fc.record(
      { aggregationTemporality: temporality, dataPoints: fc.array(histogramPoint, { maxLength: 3 }) },
      { requiredKeys: ['dataPoints'] },
    ),
  }),
  fc.record({
    name: text,
    exponentialHistogram: fc.record({
      aggregationTemporality: temporality,
      dataPoints: fc.array(exponentialPoint, { maxLength: 2 }),
    }),
  }),
  fc.record({ name: text, summary: fc.constant({ dataPoints: [] }) }),
);
const requestArbitrary = fc.record({
  resourceMetrics: fc.array(
    fc.record(
      {
        resource: fc.oneof(fc.record({ attributes }), fc.constant(null)),
        scopeMetrics: fc.array(
          fc.record({
            scope: fc.record({ name: text, version: text }, { requiredKeys: [] }),
            metrics: fc.array(metric, { maxLength: 4 }),
          }),
          { maxLength: 2 },
        ),
        schemaUrl: text,
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
});

/** Requests as exporters write them: nothing the fast path leaves to the walk. */
const plainRequestArbitrary = fc
  .array(
    fc.oneof(
      fc.record({
        name: plainText,
        unit: plainText,
        gauge: fc.record({
          dataPoints: fc.array(
            fc.record({
              attributes: plainAttributes,
              timeUnixNano: uint64.map(String),
              asDouble: fc.double({ noNaN: true, noDefaultInfinity: true }),
            }),
            {
              maxLength: 3,
            },
          ),
        }),
      }),
      fc.record({
        name: plainText,
        unit: plainText,
        histogram: fc.record({
          aggregationTemporality: fc.constantFrom(1, 2),
          dataPoints: fc.array(
            fc.record({
              attributes: plainAttributes,
              count: fc.nat(),
              sum: fc.double({ noNaN: true, noDefaultInfinity: true }),
              bucketCounts: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
              explicitBounds: fc.constant([0.005, 0.25, 10]),
              startTimeUnixNano: uint64.map(String),
              timeUnixNano: uint64.map(String),
            }),
            { maxLength: 3 },
          ),
        }),
      }),
    ),
    { maxLength: 5 },
  )
  .map((metrics) => request(metrics));
