import { z } from 'zod';
import { unknownPlaceholders } from './annotationTemplate';
import { checkWebhookUrl, type WebhookUrlPolicy } from './webhookUrlPolicy';

/**
 * The alert rule model of issue 6, validated at every boundary (HTTP API,
 * rule file, database rows). `validateRule` returns errors that name the
 * field path (`threshold`, `channels.0.url`, `selector.bulkhead`) so the UI
 * can show each message next to its field.
 */
export const ALERT_KINDS = [
  'breaker_open',
  'edge_error_rate',
  'edge_latency_p99',
  'bulkhead_saturation',
  'bulkhead_rejections',
  'saga_compensation_rate',
  'saga_stuck',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Selector fields each kind understands; any other field is an error (it would silently match nothing). */
export const SELECTOR_FIELDS: Record<AlertKind, readonly SelectorField[]> = {
  breaker_open: ['service', 'dependency', 'breaker'],
  edge_error_rate: ['service', 'dependency'],
  edge_latency_p99: ['service', 'dependency'],
  bulkhead_saturation: ['service', 'dependency', 'bulkhead'],
  bulkhead_rejections: ['service', 'dependency', 'bulkhead'],
  saga_compensation_rate: ['saga'],
  saga_stuck: ['saga'],
};
export type SelectorField = 'service' | 'dependency' | 'breaker' | 'bulkhead' | 'saga';

/** Kinds whose threshold is a ratio 0–1. */
const RATIO_KINDS: ReadonlySet<AlertKind> = new Set([
  'edge_error_rate',
  'bulkhead_saturation',
  'saga_compensation_rate',
]);

/** Labels every instance carries; rule labels may not override them. */
export const RESERVED_LABELS = [
  'alertname',
  'severity',
  'kind',
  'service',
  'dependency',
  'breaker',
  'bulkhead',
  'saga',
] as const;

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const selectorValue = z.string().trim().min(1, 'must not be empty').max(200);

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().max(2000),
    /** Receiver name in the Alertmanager payload; defaults to "webhook". */
    name: z.string().min(1).max(100).optional(),
  }),
  z.strictObject({ type: z.literal('ui') }),
]);
export type AlertChannel = z.infer<typeof channelSchema>;

const labelMap = z.record(z.string(), z.string().max(1000));

export const ruleInputSchema = z.strictObject({
  /** Ignored on create (the server assigns one); accepted so a GET body can be PUT back. */
  id: z.string().optional(),
  source: z.enum(['api', 'file']).optional(),
  name: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(ALERT_KINDS),
  selector: z
    .strictObject({
      service: selectorValue.optional(),
      dependency: selectorValue.optional(),
      breaker: selectorValue.optional(),
      bulkhead: selectorValue.optional(),
      saga: selectorValue.optional(),
    })
    .default({}),
  threshold: z.number().finite().nullable().optional(),
  forSeconds: z.number().finite().min(0).max(86_400).default(0),
  keepFiringForSeconds: z.number().finite().min(0).max(86_400).default(0),
  severity: z.enum(SEVERITIES).default('warning'),
  labels: labelMap.default({}),
  annotations: labelMap.default({}),
  channels: z
    .array(channelSchema)
    .max(10)
    .default([{ type: 'ui' }]),
  enabled: z.boolean().default(true),
  paused: z.boolean().default(false),
});

export interface AlertRule {
  id: string;
  /** `file` rules come from faultline.alerts.yaml and are read-only through the API/UI. */
  source: 'api' | 'file';
  name: string;
  kind: AlertKind;
  selector: Partial<Record<SelectorField, string>>;
  /** null only for breaker_open. */
  threshold: number | null;
  forSeconds: number;
  keepFiringForSeconds: number;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  channels: AlertChannel[];
  enabled: boolean;
  paused: boolean;
}

export interface FieldError {
  /** Dotted path inside the rule: `threshold`, `channels.0.url`. Empty for the rule as a whole. */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; rule: AlertRule } | { ok: false; errors: FieldError[] };

export interface ValidateOptions {
  webhookPolicy?: WebhookUrlPolicy;
  /** Assigned when the input has none. */
  id?: string;
  source?: 'api' | 'file';
}

export function validateRule(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const parsed = ruleInputSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
  }
  const r = parsed.data;
  const errors: FieldError[] = [];
  const threshold = r.threshold ?? null;

  if (r.kind !== 'breaker_open' && threshold === null) {
    errors.push({ field: 'threshold', message: `is required for kind ${r.kind}` });
  }
  if (threshold !== null) {
    if (RATIO_KINDS.has(r.kind) && (threshold < 0 || threshold > 1)) {
      errors.push({ field: 'threshold', message: `must be a ratio between 0 and 1 for kind ${r.kind}` });
    } else if (threshold < 0) {
      errors.push({ field: 'threshold', message: 'must not be negative' });
    }
  }
  const allowed = SELECTOR_FIELDS[r.kind];
  for (const key of Object.keys(r.selector) as SelectorField[]) {
    if (!allowed.includes(key)) {
      errors.push({
        field: `selector.${key}`,
        message: `does not apply to kind ${r.kind} (use ${allowed.join(', ')})`,
      });
    }
  }
  for (const name of Object.keys(r.labels)) {
    if (!LABEL_NAME.test(name)) {
      errors.push({ field: `labels.${name}`, message: 'label names must match [A-Za-z_][A-Za-z0-9_]*' });
    } else if ((RESERVED_LABELS as readonly string[]).includes(name)) {
      errors.push({ field: `labels.${name}`, message: 'is set by Faultline and cannot be overridden' });
    }
  }
  for (const [name, template] of Object.entries(r.annotations)) {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) {
      errors.push({
        field: `annotations.${name}`,
        message: `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}`,
      });
    }
  }
  r.channels.forEach((channel, i) => {
    if (channel.type !== 'webhook') return;
    const problem = checkWebhookUrl(channel.url, options.webhookPolicy ?? { allowedHosts: null });
    if (problem) errors.push({ field: `channels.${i}.url`, message: problem });
  });
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    rule: {
      id: options.id ?? r.id ?? '',
      source: options.source ?? r.source ?? 'api',
      name: r.name,
      kind: r.kind,
      selector: r.selector,
      threshold,
      forSeconds: r.forSeconds,
      keepFiringForSeconds: r.keepFiringForSeconds,
      severity: r.severity,
      labels: r.labels,
      annotations: r.annotations,
      channels: r.channels,
      enabled: r.enabled,
      paused: r.paused,
    },
  };
}
