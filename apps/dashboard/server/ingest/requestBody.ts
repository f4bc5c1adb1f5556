/**
 * Reading an HTTP request body with hard limits: at most `maxBodyBytes` on the
 * wire (reading stops as soon as the limit is passed), at most
 * `maxDecompressedBytes` after gunzip (zip bombs), and an overall deadline
 * for slow senders.
 */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { DecodeError, PayloadTooLargeError } from './decodeError';

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  /** The whole body must have arrived within this time. */
  timeoutMs: number;
}

/** The client went away or sent an invalid stream; there is no one to answer. */
export class BodyAbortedError extends Error {
  override name = 'BodyAbortedError';
}

/** The body did not arrive in time → HTTP 408. */
export class BodyTimeoutError extends Error {
  override name = 'BodyTimeoutError';
}

/** Read the raw body; rejects with PayloadTooLargeError the moment it passes the limit. */
export function readRawBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      // Keep an error listener: a late socket error must not become an uncaught exception.
      if (err) {
        req.pause();
        reject(err);
      } else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        finish(new PayloadTooLargeError(`request body exceeds the limit of ${limits.maxBodyBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onAborted = () => finish(new BodyAbortedError('request aborted by the client'));
    const onClose = () => {
      if (!req.complete) finish(new BodyAbortedError('connection closed before the body was complete'));
    };
    const onError = (err: Error) => finish(new BodyAbortedError(`request stream error: ${err.message}`));
    const timer = setTimeout(
      () => finish(new BodyTimeoutError(`request body not received within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('close', onClose);
    req.on('error', onError);
  });
}

/** Gunzip with a cap on the output size: PayloadTooLargeError above it, DecodeError for invalid gzip. */
export function gunzipLimited(body: Buffer, maxDecompressedBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxDecompressedBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(
          new PayloadTooLargeError(`decompressed request body exceeds the limit of ${maxDecompressedBytes} bytes`),
        );
      } else reject(new DecodeError(`invalid gzip body: ${err.message}`));
    });
  });
}
