import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OTLP_EXAMPLES_DIR } from '../../../../test/support/otlpExamples';
import { type AcceptResult, createOtlpHandler, type OtlpHandlerOptions } from './otlpHandler';
import type { MetricBatch, TraceBatch } from './telemetry';
import { exportSampleMetrics, exportSampleTraces } from './testSupport/otelExport';

const EXAMPLES = OTLP_EXAMPLES_DIR;
const MAX_BODY = 2 * 1024 * 1024;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let server: Server;
let baseUrl: string;
let received: { signal: string; batch: TraceBatch | MetricBatch }[] = [];
let nextResult: AcceptResult = { ok: true };
let handlerOptions: Partial<OtlpHandlerOptions> = {};
let remoteAddress: string | null = null;
let handler = makeHandler();

function makeHandler() {
  return createOtlpHandler({
    maxBodyBytes: MAX_BODY,
    accept: (signal, batch) => {
      if (nextResult.ok) received.push({ signal, batch });
      return nextResult;
    },
    onError: () => {},
    ...handlerOptions,
  });
}

function configure(options: Partial<OtlpHandlerOptions>) {
  handlerOptions = options;
  handler = makeHandler();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (remoteAddress !== null) {
      Object.defineProperty(req.socket, 'remoteAddress', { value: remoteAddress, configurable: true });
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  nextResult = { ok: true };
  remoteAddress = null;
  configure({});
});

function send(
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  method = 'POST',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (r: Reply) => JSON.parse(r.body.toString('utf8'));
const traceExample = readFileSync(`${EXAMPLES}/trace.json`);
const metricsExample = readFileSync(`${EXAMPLES}/metrics.json`);

describe('OTLP/HTTP handler: success', () => {
  it('accepts the spec examples with 200 and an empty response', async () => {
    const t = await send('/v1/traces', traceExample);
    expect([t.status, t.headers['content-type'], t.body.toString()]).toEqual([200, 'application/json', '{}']);
    const m = await send('/v1/metrics', metricsExample);
    expect(m.status).toBe(200);
    expect(received.map((r) => r.signal)).toEqual(['traces', 'metrics']);
    expect((received[0]!.batch as TraceBatch).spans[0]!.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect((received[1]!.batch as MetricBatch).points).toHaveLength(4);
  });

  it('accepts gzip bodies', async () => {
    const r = await send('/v1/traces', gzipSync(traceExample), {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Encoding': 'gzip',
    });
    expect(r.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('receives the same data from the real OTel SDK exporters in JSON and protobuf, plain and gzip', async () => {
    for (const gzip of [false, true]) {
      received = [];
      await exportSampleTraces({ baseUrl, protocols: ['json', 'protobuf'], gzip });
      await exportSampleMetrics({ baseUrl, protocols: ['json', 'protobuf'], gzip });
      // The four requests race each other: pair them by span, not by arrival order.
      const traces = received
        .filter((r) => r.signal === 'traces')
        .map((r) => r.batch as TraceBatch)
        .sort((a, b) => (a.spans[0]?.spanId ?? '').localeCompare(b.spans[0]?.spanId ?? ''));
      const metrics = received.filter((r) => r.signal === 'metrics').map((r) => r.batch as MetricBatch);
      // SimpleSpanProcessor: one request per span and protocol; metrics: flush + shutdown, per protocol.
      expect(traces).toHaveLength(4);
      expect(metrics.length).toBeGreaterThanOrEqual(2);
      expect(traces[0]).toEqual(traces[1]);
      expect(traces[2]).toEqual(traces[3]);
      expect(metrics[0]).toEqual(metrics[1]);
      const client = traces.flatMap((b) => b.spans).find((s) => s.kind === 3)!;
      const server = traces.flatMap((b) => b.spans).find((s) => s.kind === 2)!;
      expect(client.parentSpanId).toBe(server.spanId);
      expect(client.attributes['peer.service']).toBe('payment');
      expect(metrics[0]!.points.some((p) => p.name === 'resilience.call.duration' && p.type === 'histogram')).toBe(
        true,
      );
    }
  });

  it('answers partial success in JSON, naming what was rejected', async () => {
    const body = JSON.parse(traceExample.toString());
    body.resourceSpans[0].scopeSpans[0].spans.push({ traceId: 'nope', spanId: 'EEE19B7EC3C1B174' });
    const r = await send('/v1/traces', JSON.stringify(body));
    expect(r.status).toBe(200);
    expect(json(r)).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex characters',
      },
    });
    expect((received[0]!.batch as TraceBatch).spans).toHaveLength(1);
  });

  it('answers partial success in protobuf for protobuf requests', async () => {
    // ExportTraceServiceRequest{ResourceSpans{ScopeSpans{Span{trace_id: 3 bytes}}}}
    const span = [0x0a, 0x03, 1, 2, 3];
    const scope = [0x12, span.length, ...span];
    const rs = [0x12, scope.length, ...scope];
    const r = await send('/v1/traces', Buffer.from([0x0a, rs.length, ...rs]), {
      'Content-Type': 'application/x-protobuf',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    const message = 'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 16 bytes, got 3';
    // ExportTraceServiceResponse{partial_success{rejected_spans: 1, error_message}}
    expect([...r.body]).toEqual([0x0a, message.length + 4, 0x08, 0x01, 0x12, message.length, ...Buffer.from(message)]);
  });

  it('reports applied limits as a warning with 200: 10 000 attributes, huge values', async () => {
    const body = JSON.parse(traceExample.toString());
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    span.attributes = Array.from({ length: 10_000 }, (_, i) => ({
      key: `k${i}`,
      value: { stringValue: 'v'.repeat(100) },
    }));
    span.attributes[0].value.stringValue = 'x'.repeat(100_000);
    const r = await send('/v1/traces', JSON.stringify(body));
    expect(r.status).toBe(200);
    expect(json(r).partialSuccess).toEqual({
      rejectedSpans: '0',
      errorMessage:
        'accepted with limits applied: 9872 attributes dropped (limit 128 per item), 1 strings truncated to 4096 characters',
    });
  });
});

describe('OTLP/HTTP handler: errors', () => {
  it('415 for other content types, with a message', async () => {
    const r = await send('/v1/traces', traceExample, { 'Content-Type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(json(r)).toEqual({
      code: 3,
      message: 'unsupported Content-Type "text/plain"; use application/json or application/x-protobuf',
    });
    const none = await send('/v1/traces', traceExample, {});
    expect(none.status).toBe(415);
    const br = await send('/v1/traces', traceExample, { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    expect([br.status, json(br).message]).toEqual([415, 'unsupported Content-Encoding "br"; use gzip or none']);
  });

  it('400 for invalid JSON and for bodies that are not OTLP', async () => {
    const r = await send('/v1/traces', '{"resourceSpans": [');
    expect(r.status).toBe(400);
    expect(json(r).message).toMatch(/^invalid JSON: /);
    const wrong = await send('/v1/traces', '{"resourceSpans": {"spans": 1}}');
    expect([wrong.status, json(wrong).message]).toEqual([400, 'resourceSpans: expected array']);
    expect(received).toHaveLength(0);
  });

  it('400 with a google.rpc.Status protobuf for truncated protobuf', async () => {
    const full = readFileSync(new URL('../../../../test/fixtures/otlp/sdk-traces.pb', import.meta.url));
    const r = await send('/v1/traces', full.subarray(0, full.length - 10), {
      'Content-Type': 'application/x-protobuf',
    });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    // Status{code = 3 (INVALID_ARGUMENT), message}
    expect([r.body[0], r.body[1], r.body[2]]).toEqual([0x08, 3, 0x12]);
    expect(r.body.toString('utf8')).toContain('invalid protobuf at byte');
  });

  it('400 for garbage gzip', async () => {
    const r = await send('/v1/traces', Buffer.from('definitely not gzip'), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(r.status).toBe(400);
    expect(json(r).message).toMatch(/^invalid gzip body: /);
  });

  it('413 for a gzip bomb (limit on the decompressed size)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const r = await send('/v1/traces', bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(json(r).message).toBe(`decompressed request body exceeds the limit of ${MAX_BODY} bytes`);
  });

  it('413 for a declared Content-Length over the limit, without reading the body', async () => {
    const r = await send('/v1/traces', Buffer.alloc(MAX_BODY + 1, 0x20));
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    expect(json(r).message).toBe(`request body of ${MAX_BODY + 1} bytes exceeds the limit of ${MAX_BODY} bytes`);
  });

  it('413 as soon as a chunked body passes the limit, while the client is still sending', async () => {
    const reply = await new Promise<{ status: number; sentWhenAnswered: number }>((resolve, reject) => {
      let sent = 0;
      const req = request(`${baseUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode!, sentWhenAnswered: sent });
        req.destroy();
      });
      req.on('error', (err) => (sent > MAX_BODY ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (sent < 16 * MAX_BODY && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    expect(reply.status).toBe(413);
    expect(reply.sentWhenAnswered).toBeLessThan(16 * MAX_BODY);
    // The server is still serving.
    expect((await send('/v1/traces', traceExample)).status).toBe(200);
  });

  it('405 for other methods, 404 for other paths', async () => {
    const r = await send('/v1/traces', '', {}, 'GET');
    expect([r.status, r.headers.allow, json(r).message]).toEqual([
      405,
      'POST',
      'method GET not allowed; OTLP/HTTP uses POST',
    ]);
    const p = await send('/v1/logs', traceExample);
    expect(p.status).toBe(404);
  });

  it('429 / 503 with Retry-After when the ingest queue is full', async () => {
    nextResult = { ok: false, status: 429, retryAfterSeconds: 2 };
    const r = await send('/v1/traces', traceExample);
    expect([r.status, r.headers['retry-after'], json(r).message]).toEqual([429, '2', 'ingest queue full, retry later']);
    nextResult = { ok: false, status: 503, retryAfterSeconds: 0.5 };
    const u = await send('/v1/metrics', Buffer.alloc(0), { 'Content-Type': 'application/x-protobuf' });
    expect([u.status, u.headers['retry-after'], u.headers['content-type']]).toEqual([
      503,
      '1',
      'application/x-protobuf',
    ]);
  });

  it('500 (and the server keeps serving) when accept throws', async () => {
    configure({
      accept: () => {
        throw new Error('bug');
      },
    });
    const r = await send('/v1/traces', traceExample);
    expect([r.status, json(r).message]).toEqual([500, 'internal error while accepting the batch']);
  });

  it('408 for a body that arrives too slowly', async () => {
    configure({ bodyTimeoutMs: 200 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${baseUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"resourceSpans":');
    });
    expect(status).toBe(408);
  });

  it('survives a client that aborts mid-body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': '100000' },
      });
      req.on('error', () => resolve());
      req.write('{"resourceSpans":[', () => setTimeout(() => req.destroy(), 20));
      req.on('close', () => resolve());
    });
    expect((await send('/v1/traces', traceExample)).status).toBe(200);
  });
});

describe('OTLP/HTTP handler: access', () => {
  it('401 with WWW-Authenticate without the right bearer token; 200 with it', async () => {
    configure({ ingestToken: 's3cret' });
    const missing = await send('/v1/traces', traceExample);
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="faultline-ingest"']);
    const wrong = await send('/v1/traces', traceExample, {
      'Content-Type': 'application/json',
      Authorization: 'Bearer nope',
    });
    expect([wrong.status, json(wrong).message]).toEqual([401, 'invalid ingest token']);
    expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
    const ok = await send('/v1/traces', traceExample, {
      'Content-Type': 'application/json',
      Authorization: 'Bearer s3cret',
    });
    expect(ok.status).toBe(200);
  });

  it('a token also admits non-loopback clients', async () => {
    configure({ ingestToken: 's3cret' });
    remoteAddress = '192.0.2.7';
    const ok = await send('/v1/traces', traceExample, {
      'Content-Type': 'application/json',
      Authorization: 'bearer s3cret',
    });
    expect(ok.status).toBe(200);
  });

  it('403 for non-loopback clients when no token is configured, unless allowed', async () => {
    remoteAddress = '192.0.2.7';
    const r = await send('/v1/traces', traceExample);
    expect(r.status).toBe(403);
    expect(json(r).message).toMatch(/loopback clients only/);
    configure({ allowNonLoopbackWithoutToken: true });
    expect((await send('/v1/traces', traceExample)).status).toBe(200);
    remoteAddress = '::ffff:127.0.0.1';
    configure({});
    expect((await send('/v1/traces', traceExample)).status).toBe(200);
  });

  it('works with the real exporters sending a token header', async () => {
    configure({ ingestToken: 's3cret' });
    await exportSampleTraces({ baseUrl, protocols: ['protobuf'], headers: { Authorization: 'Bearer s3cret' } });
    expect(received.length).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => createOtlpHandler({ maxBodyBytes: 0, accept: () => ({ ok: true }) })).toThrow(
      'createOtlpHandler: maxBodyBytes must be a positive integer, got 0',
    );
  });
});
