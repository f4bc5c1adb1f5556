/**
 * One keep-alive HTTP/1.1 connection that sends prebuilt requests and reads
 * just the status of each answer, one request in flight at a time (as an
 * exporter does). What wrk or autocannon do: Node's `http` client costs
 * ≈ 100–200 µs of the bench process's CPU per request on these 2-core
 * machines, which the dashboard, sharing the machine, would otherwise pay
 * for (and sit idle while the client catches up).
 */
import { connect, type Socket } from 'node:net';

/** A request's bytes: head and body, built once per body. */
export function rawPost(url: URL, contentType: string, body: Buffer): Buffer {
  const head =
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

export class RawHttpConnection {
  private socket: Socket | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { resolve: (status: number) => void; reject: (err: Error) => void } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Send one request; resolves with the answer's status once its whole body has arrived. */
  send(request: Buffer): Promise<number> {
    if (this.pending !== null) return Promise.reject(new Error('one request at a time per connection'));
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      // A connection closed on purpose (see onData) no longer has a request of ours.
      if (this.socket !== socket) return;
      this.socket = null;
      this.buffered = Buffer.alloc(0);
      const pending = this.pending;
      this.pending = null;
      pending?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before the answer')));
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEAD_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    if (/^transfer-encoding:\s*chunked/im.test(head)) {
      this.socket?.destroy(new Error('chunked answers are not expected from the dashboard'));
      return;
    }
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
    const total = end + HEAD_END.length + length;
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    // The server closes after some error answers: the next request opens a new connection.
    if (/^connection:\s*close/im.test(head)) this.close();
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(status);
  }
}
