import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from './support/dashboard';
import { OTLP_EXAMPLES_DIR } from './support/otlpExamples';

const EXAMPLES = OTLP_EXAMPLES_DIR;

describe('the running dashboard under bad OTLP input', () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ ui: false, env: { FAULTLINE_MAX_BODY_BYTES: String(64 * 1024) } });
  });
  afterAll(async () => {
    await dashboard?.stop();
  });

  const post = (p: string, body: Uint8Array | string, headers: Record<string, string>) =>
    fetch(`${dashboard.url}${p}`, { method: 'POST', body: body as BodyInit, headers });

  const stillServing = async () => {
    const res = await fetch(`${dashboard.url}/api/health`);
    expect(res.status).toBe(200);
  };

  it('accepts the OTLP specification examples with 200', async () => {
    for (const [file, p] of [
      ['trace.json', '/v1/traces'],
      ['metrics.json', '/v1/metrics'],
    ] as const) {
      const res = await post(p, readFileSync(path.join(EXAMPLES, file)), { 'content-type': 'application/json' });
      expect(res.status, file).toBe(200);
    }
  });

  const cases: [string, string, Uint8Array | string, Record<string, string>, number][] = [
    ['invalid JSON', '/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' }, 400],
    ['wrong types', '/v1/traces', '{"resourceSpans": "nope"}', { 'content-type': 'application/json' }, 400],
    [
      'truncated protobuf',
      '/v1/traces',
      new Uint8Array([0x0a, 0x20, 0x0a, 0x05]),
      { 'content-type': 'application/x-protobuf' },
      400,
    ],
    ['wrong content type', '/v1/metrics', 'hello', { 'content-type': 'text/plain' }, 415],
    [
      'garbage gzip',
      '/v1/traces',
      new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4]),
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      400,
    ],
    ['body over the limit', '/v1/traces', 'x'.repeat(200 * 1024), { 'content-type': 'application/json' }, 413],
    [
      'gzip that inflates over the limit',
      '/v1/traces',
      gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)),
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      413,
    ],
  ];
  for (const [name, p, body, headers, status] of cases) {
    it(`${name} → ${status} with a message, and the server keeps serving`, async () => {
      const res = await post(p, body, headers);
      expect(res.status).toBe(status);
      expect((await res.text()).length).toBeGreaterThan(0);
      await stillServing();
    });
  }
});
