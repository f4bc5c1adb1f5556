import { z } from 'zod';
import type { LabelMatcher, Silence } from './alertTypes';
import type { FieldError } from './ruleSchema';

/**
 * Silences: label matchers (`=`, `!=`, `=~`, `!~`, regexes fully anchored as
 * in Alertmanager) active between a start and an end time. A silenced alert
 * still exists and shows in the UI; only its notifications are suppressed.
 */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const time = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]);

const silenceInputSchema = z.strictObject({
  matchers: z
    .array(
      z.strictObject({
        name: z.string().regex(LABEL_NAME, 'must be a label name'),
        op: z.enum(['=', '!=', '=~', '!~']).default('='),
        value: z.string().max(1000),
      }),
    )
    .min(1, 'at least one matcher is required')
    .max(20),
  /** Epoch ms or RFC 3339; default now. */
  startsAt: time.optional(),
  /** Epoch ms or RFC 3339. Either endsAt or durationSeconds. */
  endsAt: time.optional(),
  durationSeconds: z
    .number()
    .positive()
    .max(365 * 86_400)
    .optional(),
  createdBy: z.string().max(200).default(''),
  comment: z.string().max(2000).default(''),
});

export type SilenceValidation = { ok: true; silence: Silence } | { ok: false; errors: FieldError[] };

export function validateSilence(input: unknown, nowMs: number, id: string): SilenceValidation {
  const parsed = silenceInputSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
  }
  const s = parsed.data;
  const errors: FieldError[] = [];
  s.matchers.forEach((m, i) => {
    if (m.op === '=~' || m.op === '!~') {
      try {
        new RegExp(m.value);
      } catch {
        errors.push({ field: `matchers.${i}.value`, message: 'is not a valid regular expression' });
      }
    }
  });
  if (s.matchers.every((m) => matchesEmpty(m))) {
    errors.push({ field: 'matchers', message: 'at least one matcher must not match the empty string' });
  }
  const startsAtMs = s.startsAt === undefined ? nowMs : toMs(s.startsAt);
  let endsAtMs: number | null = null;
  if (s.endsAt !== undefined) endsAtMs = toMs(s.endsAt);
  else if (s.durationSeconds !== undefined) endsAtMs = startsAtMs + s.durationSeconds * 1000;
  if (endsAtMs === null) errors.push({ field: 'endsAt', message: 'endsAt or durationSeconds is required' });
  else if (endsAtMs <= startsAtMs) errors.push({ field: 'endsAt', message: 'must be after startsAt' });
  else if (endsAtMs <= nowMs) errors.push({ field: 'endsAt', message: 'must be in the future' });
  if (errors.length > 0 || endsAtMs === null) return { ok: false, errors };
  return {
    ok: true,
    silence: { id, matchers: s.matchers, startsAtMs, endsAtMs, createdBy: s.createdBy, comment: s.comment },
  };
}

export function isActive(silence: Silence, nowMs: number): boolean {
  return silence.startsAtMs <= nowMs && nowMs < silence.endsAtMs;
}

/** The id of the first active silence muting these labels, or null. */
export function silencedBy(labels: Record<string, string>, silences: readonly Silence[], nowMs: number): string | null {
  for (const s of silences) {
    if (isActive(s, nowMs) && s.matchers.every((m) => matches(m, labels[m.name] ?? ''))) return s.id;
  }
  return null;
}

const regexCache = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    if (regexCache.size > 1000) regexCache.clear();
    re = new RegExp(`^(?:${pattern})$`);
    regexCache.set(pattern, re);
  }
  return re;
}

/** A missing label matches as the empty string, as in Alertmanager. */
export function matches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value).test(value);
    case '!~':
      return !anchored(m.value).test(value);
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  try {
    return matches(m, '');
  } catch {
    return false;
  }
}

function toMs(t: number | string): number {
  return typeof t === 'number' ? t : Date.parse(t);
}
