/**
 * POSTing request bodies to the dashboard over a few keep-alive connections,
 * the way several exporters (or one Collector) would: each connection sends
 * its next body as soon as the previous one was answered. One load may spread
 * over several dashboards (targets), each with its own bodies and connections,
 * as a Collector's loadbalancing exporter sends each service to one backend.
 */
import { Agent, request } from 'node:http';
import type { Loop } from '../../lib/loops.js';
import type { PayloadSet } from './payloads.js';

export interface LoadSample {
  readonly requests: number;
  /** Spans or points in the bodies sent during the sample. */
  readonly items: number;
  /** Dashboard CPU seconds (user + system) spent during the sample, all targets together. */
  readonly serverCpuSeconds: number;
  /** The same per target, in the order the targets were given. */
  readonly targets: readonly { readonly requests: number; readonly items: number; readonly serverCpuSeconds: number }[];
}

export interface HttpLoad {
  readonly loop: Loop;
  /** One entry per call of `loop`, in order: calibration, warm-up, then the measured repetitions. */
  readonly samples: LoadSample[];
  /** Answers other than 200 (e.g. 503 when the store queue is full), by status. */
  readonly refused: Map<number, number>;
  close(): void;
}

/** One dashboard of a load: where to post, what, over how many connections, and how to read its CPU time. */
export interface LoadTarget {
  readonly endpoint: string;
  readonly set: PayloadSet;
  readonly connections: number;
  readonly serverCpuSeconds: () => number;
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
  return splitHttpLoad([{ endpoint, set, connections, serverCpuSeconds }]);
}

/**
 * A load over several targets. A call of `loop(n)` sends n requests in all,
 * each target its share in proportion to its connections (so the mix of
 * bodies stays the same whatever the targets' speeds: the sample ends when
 * the slowest target has answered its share, as a fixed mix of services
 * would load a cluster).
 */
export function splitHttpLoad(targets: readonly LoadTarget[]): HttpLoad {
  const totalConnections = targets.reduce((sum, t) => sum + t.connections, 0);
  const runs = targets.map((target) => ({
    target,
    agent: new Agent({ keepAlive: true, maxSockets: target.connections }),
    url: new URL(`${target.endpoint}/v1/${target.set.signal}`),
    next: 0,
  }));
  const samples: LoadSample[] = [];
  const refused = new Map<number, number>();
  const loop: Loop = async (n) => {
    const quotas = runs.map((run) => Math.round((n * run.target.connections) / Math.max(totalConnections, 1)));
    quotas[quotas.length - 1] = n - quotas.slice(0, -1).reduce((sum, q) => sum + q, 0);
    const cpuBefore = runs.map((run) => run.target.serverCpuSeconds());
    const sent = await Promise.all(
      runs.map(async (run, i) => {
        const { set, connections } = run.target;
        const quota = quotas[i]!;
        let started = 0;
        let items = 0;
        const connection = async () => {
          while (started < quota) {
            started++;
            const payload = set.payloads[run.next++ % set.payloads.length]!;
            items += payload.items;
            const status = await post(run.agent, run.url, set.contentType, payload.body);
            if (status === 200) continue;
            if (status >= 400 && status < 500)
              throw new Error(`dashboard answered ${status} to a ${set.encoding} ${set.signal} body`);
            refused.set(status, (refused.get(status) ?? 0) + 1);
          }
        };
        await Promise.all(Array.from({ length: connections }, connection));
        return items;
      }),
    );
    const perTarget = runs.map((run, i) => ({
      requests: quotas[i]!,
      items: sent[i]!,
      serverCpuSeconds: run.target.serverCpuSeconds() - cpuBefore[i]!,
    }));
    samples.push({
      requests: n,
      items: perTarget.reduce((sum, t) => sum + t.items, 0),
      serverCpuSeconds: perTarget.reduce((sum, t) => sum + t.serverCpuSeconds, 0),
      targets: perTarget,
    });
  };
  return {
    loop,
    samples,
    refused,
    close: () => {
      for (const run of runs) run.agent.destroy();
    },
  };
}
