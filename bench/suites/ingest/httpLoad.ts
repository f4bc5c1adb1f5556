/**
 * POSTing request bodies to the dashboard over a few keep-alive connections,
 * the way several exporters (or one Collector) would: each connection sends
 * its next body as soon as the previous one was answered.
 */
import { Agent, request } from 'node:http';
import type { Loop } from '../../lib/loops.js';
import type { PayloadSet } from './payloads.js';

export interface LoadSample {
  readonly requests: number;
  /** Dashboard CPU seconds (user + system) spent during the sample. */
  readonly serverCpuSeconds: number;
}

export interface HttpLoad {
  readonly loop: Loop;
  /** One entry per call of `loop`, in order: calibration, warm-up, then the measured repetitions. */
  readonly samples: LoadSample[];
  /** Answers other than 200 (e.g. 503 when the store queue is full), by status. */
  readonly refused: Map<number, number>;
  close(): void;
}

function post(agent: Agent, url: URL, contentType: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        method: 'POST',
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { 'content-type': contentType, 'content-length': body.length },
      },
      (res) => {
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function httpLoad(
  endpoint: string,
  set: PayloadSet,
  connections: number,
  serverCpuSeconds: () => number,
): HttpLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(`${endpoint}/v1/${set.signal}`);
  const samples: LoadSample[] = [];
  const refused = new Map<number, number>();
  let next = 0;
  const loop: Loop = async (n) => {
    const cpuBefore = serverCpuSeconds();
    let started = 0;
    const connection = async () => {
      while (started < n) {
        started++;
        const payload = set.payloads[next++ % set.payloads.length]!;
        const status = await post(agent, url, set.contentType, payload.body);
        if (status === 200) continue;
        if (status >= 400 && status < 500)
          throw new Error(`dashboard answered ${status} to a ${set.encoding} ${set.signal} body`);
        refused.set(status, (refused.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: connections }, connection));
    samples.push({ requests: n, serverCpuSeconds: serverCpuSeconds() - cpuBefore });
  };
  return { loop, samples, refused, close: () => agent.destroy() };
}
