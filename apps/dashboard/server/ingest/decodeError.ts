/**
 * A request body that cannot be taken as OTLP at all: the whole request is
 * refused (HTTP 400, or 413 for `PayloadTooLargeError`). Items that are merely
 * invalid are not errors: decoders reject them one by one as partial success.
 */
export class DecodeError extends Error {
  readonly status: 400 | 413 = 400;
  override name = 'DecodeError';
}

/** The (decompressed) body exceeds the configured size limit → HTTP 413. */
export class PayloadTooLargeError extends DecodeError {
  override readonly status = 413;
  override name = 'PayloadTooLargeError';
}
