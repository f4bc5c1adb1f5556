import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from './decodeContext';
import { decodeTracesJson, tracesFromJsonValue } from './otlpJson';
import { agreementProperties, agreementWith, json } from './testSupport/fastPathAgreement';
import { type CaptureServer, exportSampleTraces, startCaptureServer } from './testSupport/otelExport';
import { attributes, plainAttributes, plainText, text, uint64 } from './testSupport/otlpJsonArbitraries';
import { fastTracesJson } from './tracesJsonFastPath';

/** The fast path either gives up or agrees with the walk exactly. */
const expectAgreement = agreementWith(fastTracesJson, tracesFromJsonValue);

/** A kvlist AnyValue nested `depth` deep. */
function nestedKvlist(depth: number): unknown {
  return depth === 0
    ? { boolValue: true }
    : { kvlistValue: { values: [{ key: 'k', value: nestedKvlist(depth - 1) }] } };
}

const TRACE_ID = '5B8EFFF798038103D269B633813FC60C';
const SPAN_ID = 'EEE19B7EC3C1B174';

function request(spans: unknown[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [{ scope: { name: '@faultline/instrumentation' }, spans }],
      },
    ],
  };
}

describe('fastTracesJson', () => {
  let capture: CaptureServer;
  beforeAll(async () => {
    capture = await startCaptureServer();
  });
  afterAll(async () => {
    await capture.close();
  });

  it("decodes the SDK's own OTLP/JSON span exports, exactly as the walk does", async () => {
    await exportSampleTraces({ baseUrl: capture.url, protocols: ['json'] });
    const bodies = capture.requests.filter((r) => r.path === '/v1/traces').map((r) => r.body);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const fast = expectAgreement(body);
      expect(fast, 'the fast path gave up on an SDK export').toBeDefined();
      expect(fast?.spans.length).toBeGreaterThan(0);
    }
  });

  it('reads ids in any case, enum names, events and fields in any order', () => {
    const body = json(
      request([
        {
          status: { message: 'boom', code: 'STATUS_CODE_ERROR' },
          events: [{ attributes: [{ key: 'exception.type', value: { stringValue: 'Error' } }], name: 'exception' }, {}],
          kind: 'SPAN_KIND_CLIENT',
          endTimeUnixNano: '1700000000500000000',
          startTimeUnixNano: 1700000000000000000,
          name: 'payment-service charge',
          parentSpanId: '',
          spanId: SPAN_ID,
          traceId: TRACE_ID,
          links: [{ traceId: TRACE_ID }],
        },
      ]),
      2,
    );
    const fast = expectAgreement(body);
    expect(fast?.spans[0]).toMatchObject({
      traceId: TRACE_ID.toLowerCase(),
      spanId: SPAN_ID.toLowerCase(),
      parentSpanId: null,
      kind: 3,
      statusCode: 2,
      statusMessage: 'boom',
      events: [
        { name: 'exception', attributes: { 'exception.type': 'Error' } },
        { name: '', timeMs: 0 },
      ],
    });
  });

  it('gives up on what only the walk handles, and on anything the walk would reject', () => {
    const span = { traceId: TRACE_ID, spanId: SPAN_ID, name: 'x' };
    const cases: [string, unknown][] = [
      ['snake_case names', request([{ trace_id: TRACE_ID, span_id: SPAN_ID }])],
      ['a base64 id', request([{ ...span, spanId: '7uGbfsPBsXQ=' }])],
      ['an all-zero id', request([{ ...span, traceId: '0'.repeat(32) }])],
      ['a missing span id', request([{ traceId: TRACE_ID }])],
      ['a kind out of range', request([{ ...span, kind: 9 }])],
      ['an event that is not an object', request([{ ...span, events: [1] }])],
      [
        'a kvlist nested deeper than the limit',
        request([{ ...span, attributes: [{ key: 'a', value: nestedKvlist(9) }] }]),
      ],
    ];
    for (const [what, value] of cases) expect(fastTracesJson(json(value), DEFAULT_DECODE_LIMITS), what).toBeUndefined();
    // …and decodeTracesJson still answers with the walk's result.
    expect(decodeTracesJson(json(cases[1]![1])).spans[0]?.spanId).toBe(SPAN_ID.toLowerCase());
    const events = json(request([{ ...span, events: [{ name: 'a' }, { name: 'b' }] }]));
    expect(expectAgreement(events)).toBeDefined();
    expect(fastTracesJson(events, { ...DEFAULT_DECODE_LIMITS, maxEventsPerSpan: 1 })).toBeUndefined();
    expect(decodeTracesJson(events, { maxEventsPerSpan: 1 }).limited?.droppedEvents).toBe(1);
  });

  agreementProperties(expectAgreement, () => ({ requests: requestArbitrary, plainRequests: plainRequestArbitrary }));
});

// ── generated requests ───────────────────────────────────────────────────────

const hexId = (length: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)) },
    { weight: 1, arbitrary: fc.stringMatching(new RegExp(`^[0-9A-F]{${length}}$`)) },
    { weight: 1, arbitrary: fc.constantFrom('', '0'.repeat(length), 'xyz', null, 42) },
  );
const enumOf = (names: string[], max: number) =>
  fc.oneof(fc.integer({ min: 0, max: max + 1 }), fc.constantFrom(...names, 'NOPE'), fc.constant(null));
const event = fc.oneof(
  { weight: 9, arbitrary: fc.record({ name: text, timeUnixNano: uint64, attributes }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 1, { time_unix_nano: '1' }) },
);
const span = fc.record(
  {
    traceId: hexId(32),
    spanId: hexId(16),
    parentSpanId: fc.oneof(hexId(16), fc.constant('')),
    traceState: text,
    name: text,
    kind: enumOf(['SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'], 5),
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes,
    droppedAttributesCount: fc.nat(),
    events: fc.array(event, { maxLength: 3 }),
    status: fc.oneof(
      fc.record({ code: enumOf(['STATUS_CODE_OK', 'STATUS_CODE_ERROR'], 2), message: text }, { requiredKeys: [] }),
      fc.constant(null),
    ),
    links: fc.constant([]),
    flags: fc.nat(),
  },
  { requiredKeys: ['traceId', 'spanId'] },
);
const requestArbitrary = fc.record({
  resourceSpans: fc.array(
    fc.record(
      {
        resource: fc.oneof(fc.record({ attributes }), fc.constant(null)),
        scopeSpans: fc.array(
          fc.record({
            scope: fc.record({ name: text }, { requiredKeys: [] }),
            spans: fc.array(span, { maxLength: 4 }),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
});

/** Requests as exporters write them: nothing the fast path leaves to the walk. */
const plainSpan = fc.record({
  traceId: fc.stringMatching(/^[0-9a-f]{31}[1-9a-f]$/),
  spanId: fc.stringMatching(/^[0-9a-f]{15}[1-9a-f]$/),
  parentSpanId: fc.oneof(fc.stringMatching(/^[0-9a-f]{15}[1-9a-f]$/), fc.constant('')),
  name: plainText,
  kind: fc.integer({ min: 0, max: 5 }),
  startTimeUnixNano: uint64.map(String),
  endTimeUnixNano: uint64.map(String),
  attributes: plainAttributes,
  droppedAttributesCount: fc.constant(0),
  events: fc.array(fc.record({ attributes: plainAttributes, name: plainText, timeUnixNano: uint64.map(String) }), {
    maxLength: 2,
  }),
  status: fc.record({ code: fc.integer({ min: 0, max: 2 }) }),
  links: fc.constant([]),
});
const plainRequestArbitrary = fc.array(plainSpan, { maxLength: 5 }).map((spans) => request(spans));
