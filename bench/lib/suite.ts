/**
 * The contract between `bench/run.ts` and a suite. A suite measures, then
 * hands back tables to print, checks against its targets, and raw data for
 * `bench/results/latest.json`. It never prints tables itself, so every suite
 * reads the same way.
 */

export interface SuiteOptions {
  /** Fewer repetitions and shorter samples: a smoke run, not figures to quote. */
  readonly quick: boolean;
  /** Only the sections whose title matches (from `--grep`); suites may ignore it. */
  readonly grep: RegExp | undefined;
  /** Suite-specific switches from `--flag <name>` (repeatable), e.g. `--flag als`. */
  readonly flags: ReadonlySet<string>;
  /** Duration of the `soak` suite from `--soak-seconds`; the suite's default when absent. */
  readonly soakSeconds?: number | undefined;
  /** Progress messages, to stderr so that stdout stays the report. */
  readonly log: (message: string) => void;
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Sentences printed under the table: configuration, caveats. */
  readonly notes?: readonly string[];
}

/** One performance target from the spec, with what was measured against it. */
export interface Check {
  readonly target: string;
  readonly measured: string;
  /** `null` when it could not be measured (a contestant missing, say); 'reported' for a figure with no threshold. */
  readonly met: boolean | null | 'reported';
}

export interface SuiteReport {
  readonly tables: readonly Table[];
  readonly checks: readonly Check[];
  /** Anything JSON-serialisable; written as-is to the results file. */
  readonly data: unknown;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  /** Not part of a plain `npm run bench`: runs only when named in `--only` or switched on by `--flag <name>`. */
  readonly optIn?: boolean;
  run(options: SuiteOptions): Promise<SuiteReport>;
}
