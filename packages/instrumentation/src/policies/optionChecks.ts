/**
 * Construction-time validation of policy options. Messages name the policy
 * and the option: `circuitBreaker: failureRateThreshold must be in (0, 1], got 2`.
 */

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** @internal */
export function fail(policy: string, option: string, requirement: string, value: unknown): never {
  throw new RangeError(`${policy}: ${option} must be ${requirement}, got ${describe(value)}`);
}

/** A finite number in (min, max] (or [min, max] with `minInclusive`). @internal */
export function checkNumber(
  policy: string,
  option: string,
  value: unknown,
  range: { min?: number; max?: number; minInclusive?: boolean; integer?: boolean },
): number {
  const { min, max, minInclusive = false, integer = false } = range;
  const lower = min === undefined ? '' : minInclusive ? `[${min}` : `(${min}`;
  const upper = max === undefined ? '' : `${max}]`;
  const requirement =
    min !== undefined && max !== undefined
      ? `${integer ? 'an integer ' : ''}in ${lower}, ${upper}`
      : min !== undefined
        ? `${integer ? 'an integer' : 'a number'} ${minInclusive ? '>=' : '>'} ${min}`
        : `${integer ? 'an integer' : 'a number'}${max !== undefined ? ` <= ${max}` : ''}`;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(policy, option, requirement, value);
  if (integer && !Number.isInteger(value)) fail(policy, option, requirement, value);
  if (min !== undefined && (minInclusive ? value < min : value <= min)) fail(policy, option, requirement, value);
  if (max !== undefined && value > max) fail(policy, option, requirement, value);
  if (!Number.isFinite(value) && max !== undefined) fail(policy, option, requirement, value);
  return value;
}

/** A non-empty string. @internal */
export function checkName(policy: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(policy, option, 'a non-empty string', value);
  return value;
}

/** Undefined, or a non-empty string. @internal */
export function checkOptionalName(policy: string, option: string, value: unknown): string | undefined {
  return value === undefined ? undefined : checkName(policy, option, value);
}

/** Undefined, or a function. @internal */
export function checkOptionalFunction<F>(policy: string, option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') fail(policy, option, 'a function', value);
  return value;
}
