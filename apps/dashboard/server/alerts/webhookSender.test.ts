import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertmanagerWebhookPayload } from './alertmanagerPayload';
import { type SenderClock, WebhookSender } from './webhookSender';
import { nodeHttpTransport, type WebhookTransport } from './webhookTransport';

const payload = (n: number) => ({ version: '4', groupKey: `g${n}` }) as unknown as AlertmanagerWebhookPayload;

/** Sleeps return at once; the delays asked for are recorded. */
function fakeClock(): SenderClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => 0, sleep: async (ms) => void sleeps.push(ms) };
}

interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

const servers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real HTTP receiver on loopback answering with the given statuses in turn (then 200). */
async function receiver(statuses: number[] = [], hang = false): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      if (hang) return;
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const rcv = {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  servers.push(rcv);
  return rcv;
}

const quiet = () => {};

describe('WebhookSender over loopback HTTP', () => {
  it('retries 5xx with exponential backoff until delivered', async () => {
    const rcv = await receiver([503, 500]);
    const clock = fakeClock();
    const sender = new WebhookSender({ clock, random: () => 0.999_999, log: quiet });
    sender.enqueue(rcv.url, payload(1));
    await sender.drain();
    expect(rcv.bodies).toHaveLength(3);
    expect(rcv.bodies[2]).toEqual({ version: '4', groupKey: 'g1' });
    expect(clock.sleeps.map(Math.round)).toEqual([500, 1000]);
    expect(sender.stats()).toMatchObject({ sent: 1, retries: 2, failed: 0 });
  });

  it('gives up after maxAttempts and does not retry other 4xx', async () => {
    const down = await receiver([500, 500, 500, 500]);
    const bad = await receiver([400]);
    const logs: string[] = [];
    const sender = new WebhookSender({ clock: fakeClock(), maxAttempts: 3, log: (m) => logs.push(m) });
    sender.enqueue(down.url, payload(1));
    sender.enqueue(bad.url, payload(2));
    await sender.drain();
    expect(down.bodies).toHaveLength(3);
    expect(bad.bodies).toHaveLength(1);
    expect(sender.stats()).toMatchObject({ sent: 0, failed: 2 });
    expect(logs.join('\n')).toMatch(/HTTP 400 \(not retried\)/);
  });

  it('times out a receiver that never answers, and retries', async () => {
    const rcv = await receiver([], true);
    // The deadline is real time: at 100 ms a loaded machine cut the second attempt before its body
    // had reached the receiver.
    const sender = new WebhookSender({ clock: fakeClock(), timeoutMs: 1000, maxAttempts: 2, log: quiet });
    sender.enqueue(rcv.url, payload(1));
    await sender.drain();
    expect(rcv.bodies).toHaveLength(2);
    expect(sender.stats()).toMatchObject({ sent: 0, retries: 1, failed: 1 });
  });

  it('refuses names resolving to link-local addresses at connect time, without retrying', async () => {
    const lookup = ((_host: string, _opts: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [{ address: '169.254.169.254', family: 4 }])) as never;
    const logs: string[] = [];
    const sender = new WebhookSender({
      transport: nodeHttpTransport({ allowedHosts: null }, lookup),
      clock: fakeClock(),
      log: (m) => logs.push(m),
    });
    sender.enqueue('http://user:pw@metadata.test/latest?token=abc', payload(1));
    await sender.drain();
    expect(sender.stats()).toMatchObject({ failed: 1, retries: 0 });
    expect(logs[0]).toMatch(/refused: .*link-local/);
    expect(logs[0]).not.toMatch(/pw|abc/);
  });
});

describe('WebhookSender settled callbacks (the outbox clears on them)', () => {
  it('reports each payload once it is delivered, given up on or dropped — never twice', async () => {
    const ok = await receiver([503]);
    const down = await receiver([500, 500]);
    const settled: string[] = [];
    const hold: (() => void)[] = [];
    const transport = nodeHttpTransport({ allowedHosts: null });
    const sender = new WebhookSender({
      transport: async (req) => {
        if (req.url === 'http://held/') {
          await new Promise<void>((r) => hold.push(r));
          return { status: 200, retryAfterMs: null };
        }
        return transport(req);
      },
      clock: fakeClock(),
      maxAttempts: 2,
      maxQueue: 1,
      log: quiet,
    });
    sender.enqueue(ok.url, payload(1), () => settled.push('delivered after a retry'));
    sender.enqueue(down.url, payload(2), () => settled.push('given up'));
    sender.enqueue('http://held/', payload(3), () => settled.push('held, then delivered'));
    sender.enqueue('http://held/', payload(4), () => settled.push('dropped'));
    sender.enqueue('http://held/', payload(5), () => settled.push('queued last'));
    await new Promise((r) => setTimeout(r, 50));
    for (const release of hold.splice(0)) release();
    await new Promise((r) => setTimeout(r, 10));
    for (const release of hold.splice(0)) release();
    await sender.drain();
    expect(settled.sort()).toEqual(
      ['delivered after a retry', 'given up', 'held, then delivered', 'dropped', 'queued last'].sort(),
    );
  });
});

describe('WebhookSender queueing', () => {
  it('enqueue never blocks; a full queue drops its oldest payload; other receivers are unaffected', async () => {
    const release: (() => void)[] = [];
    const seen: string[] = [];
    const transport: WebhookTransport = async (req) => {
      seen.push(`${req.url} ${JSON.parse(req.body).groupKey}`);
      if (req.url === 'http://slow/') await new Promise<void>((r) => release.push(r));
      return { status: 200, retryAfterMs: null };
    };
    const sender = new WebhookSender({ transport, maxQueue: 2, clock: fakeClock(), log: quiet });
    for (let i = 1; i <= 5; i++) sender.enqueue('http://slow/', payload(i));
    sender.enqueue('http://fast/', payload(9));
    // g1 is in flight; the queue of 2 keeps the newest: g4, g5.
    expect(sender.stats()).toMatchObject({ dropped: 2, queued: 2 });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toContain('http://fast/ g9');
    while (release.length > 0 || sender.stats().queued > 0) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await sender.drain();
    expect(seen.filter((s) => s.startsWith('http://slow/'))).toEqual([
      'http://slow/ g1',
      'http://slow/ g4',
      'http://slow/ g5',
    ]);
  });

  it('honours Retry-After, capped at maxBackoffMs', async () => {
    let calls = 0;
    const transport: WebhookTransport = async () =>
      ++calls === 1 ? { status: 429, retryAfterMs: 120_000 } : { status: 200, retryAfterMs: null };
    const clock = fakeClock();
    const sender = new WebhookSender({ transport, clock, maxBackoffMs: 30_000, log: quiet });
    sender.enqueue('http://x/', payload(1));
    await sender.drain();
    expect(clock.sleeps).toEqual([30_000]);
  });
});
