/**
 * Timed loops. Each contestant gets its own freshly compiled copy of the loop
 * (a `new Function` whose source carries the contestant's label, so V8's
 * compilation cache cannot hand back a shared one). A single shared loop
 * would see every contestant's `call` at one call site, turn megamorphic
 * after the fourth, and charge that to whoever runs last.
 */

export type Call = () => Promise<unknown>;

/** What the calls are expected to do; a success loop rethrows, so a misconfigured contestant fails loudly. */
export type Expect = 'fulfil' | 'reject' | 'mixed';

export type Loop = (calls: number) => Promise<void>;

function compile(label: string, body: string, call: Call): Loop {
  const tag = label.replace(/[^\w .,+()-]/g, '_');
  const factory = new Function('call', 'swallow', `/* ${tag} */\n${body}`) as (call: Call, swallow: () => void) => Loop;
  return factory(call, swallow);
}

function swallow(): void {}

/** One call at a time: `await` each before starting the next. */
export function serialLoop(label: string, call: Call, expect: Expect): Loop {
  const body =
    expect === 'fulfil'
      ? 'return async function serial(n) { for (let i = 0; i < n; i++) await call(); };'
      : 'return async function serial(n) { for (let i = 0; i < n; i++) { try { await call(); } catch {} } };';
  return compile(label, body, call);
}

/**
 * `inFlight` calls started back to back, then awaited together with
 * `Promise.all`; repeated until at least `n` calls ran (callers round `n` up
 * to a multiple of `inFlight`).
 */
export function concurrentLoop(label: string, call: Call, expect: Expect, inFlight: number): Loop {
  const start = expect === 'fulfil' ? 'call()' : 'call().then(undefined, swallow)';
  const body = `return async function concurrent(n) {
    const batch = new Array(${inFlight});
    for (let done = 0; done < n; done += ${inFlight}) {
      for (let j = 0; j < ${inFlight}; j++) batch[j] = ${start};
      await Promise.all(batch);
    }
  };`;
  return compile(label, body, call);
}

/** A synchronous operation repeated `n` times (e.g. one telemetry SDK call), in its own compiled loop. */
export function syncLoop(label: string, operation: () => unknown): Loop {
  const tag = label.replace(/[^\w .,+()-]/g, '_');
  const factory = new Function(
    'operation',
    `/* ${tag} */\nreturn async function sync(n) { for (let i = 0; i < n; i++) operation(); };`,
  ) as (operation: () => unknown) => Loop;
  return factory(operation);
}
