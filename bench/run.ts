/**
 * `npm run bench [-- --only <suite>[,<suite>…]] [--grep <regex>] [--quick] [--flag <name>…] [--soak-seconds <s>] [--list]`
 *
 * Runs the registered suites in one process, prints each suite's tables and
 * target checks to stdout (progress goes to stderr), and writes everything to
 * `bench/results/latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SuiteOptions } from './lib/suite.js';
import { renderChecks, renderTable } from './lib/table.js';
import { suites } from './registry.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    grep: { type: 'string' },
    quick: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    flag: { type: 'string', multiple: true, default: [] },
    'soak-seconds': { type: 'string' },
  },
});

if (values.list) {
  for (const suite of suites)
    console.log(`${suite.name.padEnd(20)} ${suite.description}${suite.optIn ? ' (opt-in)' : ''}`);
  process.exit(0);
}

const wanted = values.only?.split(',').map((name) => name.trim());
const unknown = wanted?.filter((name) => !suites.some((suite) => suite.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const soakSeconds = values['soak-seconds'] === undefined ? undefined : Number(values['soak-seconds']);
if (soakSeconds !== undefined && !(soakSeconds > 0)) {
  console.error(`--soak-seconds expects a positive number of seconds, got ${values['soak-seconds']}`);
  process.exit(2);
}
// Opt-in suites (long soaks) run when named in --only or switched on with `--flag <name>`.
const selected = wanted
  ? suites.filter((suite) => wanted.includes(suite.name))
  : suites.filter(
      (suite) =>
        !suite.optIn || values.flag.includes(suite.name) || (suite.name === 'soak' && soakSeconds !== undefined),
    );

const options: SuiteOptions = {
  quick: values.quick,
  grep: values.grep ? new RegExp(values.grep, 'i') : undefined,
  flags: new Set(values.flag),
  soakSeconds,
  log: (message) => process.stderr.write(`${message}\n`),
};

const machine = {
  node: process.version,
  v8: process.versions.v8,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  loadAverageAtStart: loadavg(),
};
console.log(
  `Faultline bench — node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load ${machine.loadAverageAtStart
    .map((l) => l.toFixed(2))
    .join(
      ' ',
    )}${options.quick ? ', QUICK run (smoke only, do not quote)' : ''}${options.flags.size ? `, flags: ${[...options.flags].join(' ')}` : ''}\n`,
);

const results = [];
const started = Date.now();
for (const suite of selected) {
  options.log(`▶ ${suite.name}: ${suite.description}`);
  const suiteStarted = Date.now();
  const report = await suite.run(options);
  const seconds = (Date.now() - suiteStarted) / 1000;
  console.log(`# ${suite.name} (${seconds.toFixed(0)} s)\n`);
  for (const table of report.tables) console.log(`${renderTable(table)}\n`);
  if (report.checks.length > 0) console.log(`${renderChecks(report.checks)}\n`);
  results.push({ suite: suite.name, seconds, tables: report.tables, checks: report.checks, data: report.data });
}

const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ startedAt: new Date(started).toISOString(), quick: options.quick, flags: [...options.flags], machine, results }, null, 2)}\n`,
);
console.log(`results written to ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
// Telemetry providers and peers' timers may hold the loop open; the run is over.
process.exit(0);
