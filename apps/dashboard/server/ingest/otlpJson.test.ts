import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OTLP_EXAMPLES_DIR } from '../../../../test/support/otlpExamples';
import { DEFAULT_DECODE_LIMITS } from './decodeContext';
import { DecodeError } from './decodeError';
import { decodeMetricsJson, decodeTracesJson } from './otlpJson';

const EXAMPLES = OTLP_EXAMPLES_DIR;
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** A one-span request; `span` fields override the defaults. */
function traceRequest(span: Record<string, unknown>, extraSpans: unknown[] = []) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'order' } }] },
        scopeSpans: [
          {
            scope: { name: 'lib' },
            spans: [
              { traceId: TRACE_ID.toUpperCase(), spanId: 'EEE19B7EC3C1B174', name: 's', kind: 3, ...span },
              ...extraSpans,
            ],
          },
        ],
      },
    ],
  });
}

function attrs(n: number) {
  return Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i) } }));
}

describe('decodeTracesJson', () => {
  it('decodes the OTLP spec example trace.json', () => {
    const batch = decodeTracesJson(readFileSync(`${EXAMPLES}/trace.json`));
    expect(batch.rejected).toBe(0);
    expect(batch.rejectionMessage).toBe('');
    expect(batch.spans).toHaveLength(1);
    const span = batch.spans[0]!;
    expect(span).toMatchObject({
      traceId: TRACE_ID,
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: "I'm a server span",
      kind: 2,
      scope: 'my.library',
      startTimeMs: 1544712660000,
      endTimeMs: 1544712661000,
      statusCode: 0,
      attributes: { 'my.span.attr': 'some value' },
      events: [],
    });
    expect(span.resource).toEqual({
      service: 'my.service',
      instance: null,
      attributes: { 'service.name': 'my.service' },
    });
  });

  it('decodes every AnyValue kind, numbers given as strings or numbers', () => {
    const batch = decodeTracesJson(
      traceRequest({
        startTimeUnixNano: 1544712660000000000,
        endTimeUnixNano: '1544712660500000000',
        status: { code: 2, message: 'boom' },
        attributes: [
          { key: 's', value: { stringValue: 'x' } },
          { key: 'i', value: { intValue: '-42' } },
          { key: 'n', value: { intValue: 7 } },
          { key: 'd', value: { doubleValue: 0.25 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'b', value: { boolValue: false } },
          { key: 'a', value: { arrayValue: { values: [{ stringValue: 'p' }, { intValue: '1' }] } } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: true } }] } } },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          { key: 'empty', value: {} },
        ],
        events: [
          { name: 'resilience.circuit_breaker.state_change', timeUnixNano: '1544712660100000000', attributes: [] },
        ],
      }),
    );
    expect(batch.rejected).toBe(0);
    const span = batch.spans[0]!;
    expect(span.startTimeMs).toBe(1544712660000);
    expect(span.endTimeMs).toBe(1544712660500);
    expect(span.statusCode).toBe(2);
    expect(span.statusMessage).toBe('boom');
    expect(span.parentSpanId).toBeNull();
    expect(span.attributes).toEqual({
      s: 'x',
      i: -42,
      n: 7,
      d: 0.25,
      nan: Number.NaN,
      b: false,
      a: ['p', 1],
      kv: { inner: true },
      bytes: 'AQID',
      empty: null,
    });
    expect(span.events).toEqual([
      { name: 'resilience.circuit_breaker.state_change', timeMs: 1544712660100, attributes: {} },
    ]);
  });

  it('tolerates snake_case field names and enum names', () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE_ID,
                  span_id: 'eee19b7ec3c1b174',
                  parent_span_id: 'eee19b7ec3c1b173',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: '1000000',
                  attributes: [{ key: 'x', value: { string_value: 'y' } }],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeTracesJson(body);
    expect(batch.rejected).toBe(0);
    expect(batch.spans[0]).toMatchObject({ kind: 3, statusCode: 2, startTimeMs: 1, attributes: { x: 'y' } });
    expect(batch.spans[0]!.resource.service).toBe('unknown_service');
  });

  it('rejects invalid spans one by one with a message naming the field', () => {
    const good = { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b175', name: 'ok' };
    const batch = decodeTracesJson(traceRequest({ traceId: 'xyz' }, [good, { ...good, kind: 9 }, 'nope']));
    expect(batch.spans.map((s) => s.name)).toEqual(['ok']);
    expect(batch.rejected).toBe(3);
    expect(batch.rejectionMessage).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters (and 2 more problems)',
    );
  });

  it.each([
    [{ spanId: 'abc' }, 'spanId: expected 16 hex characters'],
    [{ traceId: '0'.repeat(32) }, 'traceId: must not be all zeros'],
    [{ parentSpanId: 12 }, 'parentSpanId: expected 16 hex characters'],
    [{ name: 5 }, 'name: expected string'],
    [{ startTimeUnixNano: 'soon' }, 'startTimeUnixNano: expected unsigned integer, got "soon"'],
    [{ startTimeUnixNano: -5 }, 'startTimeUnixNano: expected unsigned integer, got -5'],
    [{ attributes: {} }, 'attributes: expected array'],
    [{ attributes: [{ key: 1 }] }, 'attributes[0]: expected {"key": string, "value": AnyValue}'],
    [{ attributes: [{ key: 'a', value: { stringValue: 5 } }] }, 'attributes[0].value.stringValue: expected string'],
    [
      { attributes: [{ key: 'a', value: { intValue: '1.5' } }] },
      'attributes[0].value.intValue: expected integer, got "1.5"',
    ],
    [
      { attributes: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }] },
      'attributes[0].value.arrayValue.values[0].boolValue: expected boolean',
    ],
    [
      { events: [{ name: 'e', timeUnixNano: {} }] },
      'events[0].timeUnixNano: expected unsigned integer (number or decimal string)',
    ],
    [{ status: { code: 7 } }, 'status.code: expected an integer from 0 to 2, got 7'],
  ])('rejects %j with "%s"', (override, message) => {
    const batch = decodeTracesJson(traceRequest(override));
    expect(batch.spans).toHaveLength(0);
    expect(batch.rejected).toBe(1);
    expect(batch.rejectionMessage).toBe(`resourceSpans[0].scopeSpans[0].spans[0].${message}`);
  });

  it('rejects every span of a resource whose attributes are invalid', () => {
    const body = JSON.parse(traceRequest({}, [{ traceId: TRACE_ID, spanId: 'eee19b7ec3c1b175' }]));
    body.resourceSpans[0].resource.attributes = 'service.name=x';
    const batch = decodeTracesJson(JSON.stringify(body));
    expect(batch.rejected).toBe(2);
    expect(batch.rejectionMessage).toBe('resourceSpans[0].resource.attributes: expected array');
  });

  it.each([
    ['not json', /^invalid JSON: /],
    ['[1,2]', /^expected a JSON object with resourceSpans, got an array$/],
    ['null', /got null/],
    ['"x"', /got string/],
    ['{"resourceSpans":5}', /^resourceSpans: expected array$/],
    ['{"resourceMetrics":[]}', /^expected resourceSpans in the request, got keys: resourceMetrics$/],
  ])('throws DecodeError for a body that is not OTLP: %s', (body, message) => {
    expect(() => decodeTracesJson(body)).toThrow(DecodeError);
    expect(() => decodeTracesJson(body)).toThrow(message);
  });

  it('accepts an empty request', () => {
    expect(decodeTracesJson('{}')).toMatchObject({ spans: [], rejected: 0, rejectionMessage: '' });
    expect(decodeTracesJson('\uFEFF{"resourceSpans":[]}').spans).toEqual([]);
  });

  it('keeps the first 128 of 10 000 attributes and reports the rest', () => {
    const batch = decodeTracesJson(traceRequest({ attributes: attrs(10_000) }));
    expect(batch.rejected).toBe(0);
    expect(Object.keys(batch.spans[0]!.attributes)).toHaveLength(DEFAULT_DECODE_LIMITS.maxAttributes);
    expect(batch.limited).toMatchObject({ droppedAttributes: 10_000 - 128 });
    expect(batch.rejectionMessage).toBe('accepted with limits applied: 9872 attributes dropped (limit 128 per item)');
  });

  it('truncates huge string values and keys', () => {
    const huge = 'x'.repeat(1_000_000);
    const batch = decodeTracesJson(
      traceRequest({ name: huge, attributes: [{ key: huge, value: { stringValue: huge } }] }),
    );
    const span = batch.spans[0]!;
    expect(span.name).toHaveLength(4096);
    const [key, value] = Object.entries(span.attributes)[0]!;
    expect(key).toHaveLength(4096);
    expect(value).toHaveLength(4096);
    expect(batch.limited?.truncatedStrings).toBe(3);
  });

  it('never splits a surrogate pair when truncating', () => {
    const batch = decodeTracesJson(traceRequest({ name: `${'a'.repeat(4095)}😀` }));
    expect(batch.spans[0]!.name).toBe('a'.repeat(4095));
  });

  it('replaces values nested deeper than the limit with null', () => {
    // 10 000 levels: built as text, since JSON.stringify itself would overflow the stack.
    const deep = `${'{"arrayValue":{"values":['.repeat(10_000)}{"stringValue":"bottom"}${']}}'.repeat(10_000)}`;
    const body = traceRequest({ attributes: [{ key: 'deep', value: 'DEEP' }] }).replace('"DEEP"', deep);
    const batch = decodeTracesJson(body);
    expect(batch.rejected).toBe(0);
    let v = batch.spans[0]!.attributes.deep;
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    expect(depth).toBe(DEFAULT_DECODE_LIMITS.maxValueDepth - 1);
    expect(v).toBeNull();
    expect(batch.limited?.truncatedValues).toBe(1);
  });

  it('cuts long array values', () => {
    const values = Array.from({ length: 5000 }, (_, i) => ({ intValue: i }));
    const batch = decodeTracesJson(traceRequest({ attributes: [{ key: 'a', value: { arrayValue: { values } } }] }));
    expect(batch.spans[0]!.attributes.a).toHaveLength(DEFAULT_DECODE_LIMITS.maxValueElements);
  });

  it('does not let a __proto__ key reach the prototype', () => {
    const batch = decodeTracesJson(
      traceRequest({
        attributes: [
          { key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } },
        ],
      }),
    );
    const a = batch.spans[0]!.attributes;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects spans over the per-request limit', () => {
    const spans = Array.from({ length: 5 }, (_, i) => ({ traceId: TRACE_ID, spanId: `eee19b7ec3c1b17${i}` }));
    const batch = decodeTracesJson(traceRequest(spans[0]!, spans.slice(1)), { maxItems: 3 });
    expect(batch.spans).toHaveLength(3);
    expect(batch.rejected).toBe(2);
    expect(batch.rejectionMessage).toBe('2 spans over the limit of 3 per request rejected');
  });

  it('validates its options', () => {
    expect(() => decodeTracesJson('{}', { maxAttributes: 0 })).toThrow(
      'decode limit maxAttributes must be a positive integer',
    );
  });
});

describe('decodeMetricsJson', () => {
  it('decodes the OTLP spec example metrics.json (sum, gauge, histogram, exponential histogram)', () => {
    const batch = decodeMetricsJson(readFileSync(`${EXAMPLES}/metrics.json`));
    expect(batch.rejected).toBe(0);
    expect(batch.points.map((p) => [p.name, p.type])).toEqual([
      ['my.counter', 'sum'],
      ['my.gauge', 'gauge'],
      ['my.histogram', 'histogram'],
      ['my.exponential.histogram', 'exponential_histogram'],
    ]);
    const [sum, gauge, histogram, exp] = batch.points;
    expect(sum).toMatchObject({ temporality: 'delta', monotonic: true, value: 5, timeMs: 1544712660300, unit: '1' });
    expect(sum!.attributes).toEqual({ 'my.counter.attr': 'some value' });
    expect(gauge).toMatchObject({ value: 10, startTimeMs: 0, scope: 'my.library' });
    expect(histogram).toMatchObject({ count: 2, sum: 2, min: 0, max: 2, bounds: [1], bucketCounts: [1, 1] });
    expect(exp).toMatchObject({
      count: 3,
      sum: 10,
      scale: 0,
      zeroCount: 1,
      positive: { offset: 1, bucketCounts: [0, 2] },
      negative: { offset: 0, bucketCounts: [] },
    });
    expect(exp!.resource.service).toBe('my.service');
  });

  it('decodes summaries and asInt values', () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'q',
                  summary: { dataPoints: [{ count: '3', sum: 6, quantileValues: [{ quantile: 0.5, value: 2 }] }] },
                },
                { name: 'g', gauge: { dataPoints: [{ asInt: '-9007199254740991' }] } },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeMetricsJson(body);
    expect(batch.points[0]).toMatchObject({
      type: 'summary',
      count: 3,
      sum: 6,
      quantiles: [{ quantile: 0.5, value: 2 }],
    });
    expect(batch.points[1]).toMatchObject({ type: 'gauge', value: -9007199254740991 });
  });

  it('rejects invalid data points with their path', () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      { count: 1, bucketCounts: [1], explicitBounds: [1] },
                      { count: 1, bucketCounts: [0, 1], explicitBounds: [1] },
                    ],
                  },
                },
                { name: 'g', gauge: { dataPoints: [{}] } },
                { name: '', sum: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] } },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeMetricsJson(body);
    expect(batch.points).toHaveLength(1);
    expect(batch.points[0]).toMatchObject({ temporality: 'cumulative', bucketCounts: [0, 1] });
    expect(batch.rejected).toBe(4);
    expect(batch.rejectionMessage).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts: expected 2 entries (explicitBounds has 1), got 1 (and 2 more problems)',
    );
  });

  it('reads repeated timestamps and bucket lists alike, and still rejects bad ones after good ones', () => {
    const point = (time: unknown, bucketCounts: unknown[], explicitBounds: unknown[]) => ({
      startTimeUnixNano: '1000000000',
      timeUnixNano: time,
      count: 1,
      bucketCounts,
      explicitBounds,
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      point('2000000000', [0, 1], [1]),
                      point('2000000000', ['0', 2], ['2.5']),
                      point('3000000000', [0, 3], [1]),
                      point('', [0, 1], [1]),
                      point('2000000000', [0, -1], [1]),
                      point('2000000000', [0, 1], ['x']),
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeMetricsJson(body);
    expect(batch.points.map((p) => [p.startTimeMs, p.timeMs])).toEqual([
      [1000, 2000],
      [1000, 2000],
      [1000, 3000],
    ]);
    expect(batch.points.map((p) => (p.type === 'histogram' ? [p.bucketCounts, p.bounds] : null))).toEqual([
      [[0, 1], [1]],
      [[0, 2], [2.5]],
      [[0, 3], [1]],
    ]);
    expect(batch.rejected).toBe(3);
    expect(batch.rejectionMessage).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[3].timeUnixNano: expected unsigned integer (number or decimal string) (and 2 more problems)',
    );
  });

  it('throws DecodeError for traces sent to the metrics decoder', () => {
    expect(() => decodeMetricsJson(readFileSync(`${EXAMPLES}/trace.json`))).toThrow(
      'expected resourceMetrics in the request, got keys: resourceSpans',
    );
  });
});
