/**
 * Child process of `nursery.ts`: measures the requested per-call sections
 * with the same contestants and harness as the parent suite, and prints a
 * {@link NurseryReport} as JSON on stdout (progress on stderr).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { Measurement } from '../../lib/interleave.js';
import { faultlineContestants } from './faultline.js';
import type { NurseryReport, NurseryRequest } from './nursery.js';
import { measureSection, SECTIONS } from './paths.js';
import { contestantSpecs } from './roster.js';
import { measureOptions } from './sampling.js';
import { startBenchTelemetry } from './telemetry.js';

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

const request = JSON.parse(process.argv[2] ?? '{}') as NurseryRequest;
const log = (message: string) => process.stderr.write(`${message}\n`);
const telemetry = startBenchTelemetry({ asyncLocalStorage: request.asyncLocalStorage });
const specs = contestantSpecs(faultlineContestants(telemetry));
const sections: Record<string, Measurement[]> = {};
let largest = newSpaceBytes();
for (const target of SECTIONS.filter((section) => request.sections.includes(section.key))) {
  log(`  · ${target.title}`);
  sections[target.key] = await measureSection(target, specs, measureOptions({ quick: request.quick, log }));
  largest = Math.max(largest, newSpaceBytes());
}
await telemetry.shutdown();
const report: NurseryReport = { newSpaceBytes: largest, sections };
process.stdout.write(JSON.stringify(report));
process.exit(0);
