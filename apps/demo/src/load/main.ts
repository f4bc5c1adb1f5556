/**
 * The load generator as a process: replays the afternoon `cycles` times
 * against user-service, then exits.
 *   node --conditions=source --import tsx apps/demo/src/load/main.ts
 */
import { DemoConfigError, readLoadConfig } from '../config.js';
import { afternoon } from './afternoon.js';
import { type LoadReport, runLoad } from './loadGenerator.js';

function line(r: LoadReport): string {
  const per = (n: number) => Math.round(n / r.seconds);
  return (
    `[load] ${r.clock} ${r.phase.padEnd(8)} target ${r.targetRps}/s · sent ${per(r.sent)}/s · ` +
    `placed ${per(r.placed)}/s · cancelled ${per(r.cancelled)}/s · errors ${per(r.errors)}/s · in flight ${r.inFlight}` +
    (r.skipped > 0 ? ` · skipped ${per(r.skipped)}/s` : '')
  );
}

async function main(): Promise<void> {
  const config = readLoadConfig(process.env);
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  process.on('SIGINT', () => controller.abort());
  const phases = afternoon(config.spikeFactor);
  console.log(
    `[load] ${config.cycles} afternoon(s) at ${config.timeScale}× speed: ${config.baseRps} → ${config.baseRps * config.spikeFactor} checkouts/s against ${config.target}`,
  );
  for (let cycle = 1; cycle <= config.cycles && !controller.signal.aborted; cycle++) {
    console.log(`[load] afternoon ${cycle}/${config.cycles}`);
    const totals = await runLoad({
      target: config.target,
      phases,
      baseRps: config.baseRps,
      timeScale: config.timeScale,
      onReport: (r) => console.log(line(r)),
      signal: controller.signal,
    });
    console.log(`[load] afternoon ${cycle} done: ${JSON.stringify(totals)}`);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof DemoConfigError ? error.message : error);
  process.exit(1);
});
