/**
 * POSTing request bodies to the dashboard over a few keep-alive connections,
 * the way several exporters (or one Collector) would: each connection sends
 * its next body as soon as the previous one was answered. One load may spread
 * over several dashboards (targets), each with its own bodies and connections,
 * as a Collector's loadbalancing exporter sends each service to one backend.
 * Requests are prebuilt and sent over raw sockets (`rawHttpConnection.ts`), so
 * the client takes as little as it can of the machine the server shares.
 */
import type { Loop } from '../../lib/loops.js';
import type { PayloadSet } from './payloads.js';
import { RawHttpConnection, rawPost } from './rawHttpConnection.js';

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
  const runs = targets.map((target) => {
    const url = new URL(`${target.endpoint}/v1/${target.set.signal}`);
    return {
      target,
      connections: Array.from(
        { length: target.connections },
        () => new RawHttpConnection(url.hostname, Number(url.port)),
      ),
      requests: target.set.payloads.map((p) => rawPost(url, target.set.contentType, p.body)),
      next: 0,
    };
  });
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
        const connection = async (socket: RawHttpConnection) => {
          while (started < quota) {
            started++;
            const i = run.next++ % set.payloads.length;
            items += set.payloads[i]!.items;
            const status = await socket.send(run.requests[i]!);
            if (status === 200) continue;
            if (status >= 400 && status < 500)
              throw new Error(`dashboard answered ${status} to a ${set.encoding} ${set.signal} body`);
            refused.set(status, (refused.get(status) ?? 0) + 1);
          }
        };
        await Promise.all(run.connections.slice(0, connections).map(connection));
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
      for (const run of runs) for (const socket of run.connections) socket.close();
    },
  };
}
