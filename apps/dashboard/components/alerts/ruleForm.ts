import {
  type AlertChannel,
  type AlertKind,
  type AlertRule,
  type FieldError,
  SELECTOR_FIELDS,
  type SelectorField,
  type Severity,
} from './alertModel';

/**
 * The rule editor's state (strings, as inputs hold them), its conversion to
 * the API's rule JSON and back, and the mapping of the API's `errors[].field`
 * paths (`threshold`, `channels.0.url`, `labels.team`) onto form controls.
 * Pure, so it is tested without a browser.
 */
export interface KeyValueRow {
  key: string;
  value: string;
}

export interface WebhookRow {
  url: string;
  name: string;
}

export interface RuleFormState {
  name: string;
  kind: AlertKind;
  selector: Record<SelectorField, string>;
  threshold: string;
  forSeconds: string;
  keepFiringForSeconds: string;
  severity: Severity;
  labels: KeyValueRow[];
  annotations: KeyValueRow[];
  webhooks: WebhookRow[];
  ui: boolean;
  enabled: boolean;
}

export function emptyRuleForm(): RuleFormState {
  return {
    name: '',
    kind: 'breaker_open',
    selector: { service: '', dependency: '', breaker: '', bulkhead: '', saga: '' },
    threshold: '',
    forSeconds: '30',
    keepFiringForSeconds: '0',
    severity: 'warning',
    labels: [],
    annotations: [{ key: 'summary', value: '' }],
    webhooks: [],
    ui: true,
    enabled: true,
  };
}

export function ruleFormFromRule(rule: AlertRule): RuleFormState {
  const base = emptyRuleForm();
  return {
    name: rule.name,
    kind: rule.kind,
    selector: { ...base.selector, ...rule.selector },
    threshold: rule.threshold === null ? '' : String(rule.threshold),
    forSeconds: String(rule.forSeconds),
    keepFiringForSeconds: String(rule.keepFiringForSeconds),
    severity: rule.severity,
    labels: Object.entries(rule.labels).map(([key, value]) => ({ key, value })),
    annotations: Object.entries(rule.annotations).map(([key, value]) => ({ key, value })),
    webhooks: rule.channels.flatMap((c) => (c.type === 'webhook' ? [{ url: c.url, name: c.name ?? '' }] : [])),
    ui: rule.channels.some((c) => c.type === 'ui'),
    enabled: rule.enabled && !rule.paused,
  };
}

/**
 * A number input's text as JSON: empty → undefined (server default), a
 * number → the number, anything else → the text itself so the server's
 * validation names the field instead of the value silently disappearing.
 */
function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/**
 * The request body for POST/PUT and preview. Webhook channels come first and
 * in row order, so `channels.{i}` in an error is webhook row i.
 */
export function ruleInputFromForm(form: RuleFormState): Record<string, unknown> {
  const selector: Partial<Record<SelectorField, string>> = {};
  for (const field of SELECTOR_FIELDS[form.kind]) {
    const v = form.selector[field].trim();
    if (v !== '') selector[field] = v;
  }
  const channels: AlertChannel[] = form.webhooks.map((w) =>
    w.name.trim() === ''
      ? { type: 'webhook', url: w.url.trim() }
      : { type: 'webhook', url: w.url.trim(), name: w.name.trim() },
  );
  if (form.ui) channels.push({ type: 'ui' });
  const threshold = form.kind === 'breaker_open' ? null : (numberOrText(form.threshold) ?? null);
  const body: Record<string, unknown> = {
    name: form.name,
    kind: form.kind,
    selector,
    threshold,
    severity: form.severity,
    labels: rowsToRecord(form.labels),
    annotations: rowsToRecord(form.annotations.filter((r) => r.value.trim() !== '' || r.key.trim() === '')),
    channels,
    enabled: form.enabled,
    paused: false,
  };
  const forSeconds = numberOrText(form.forSeconds);
  if (forSeconds !== undefined) body.forSeconds = forSeconds;
  const keep = numberOrText(form.keepFiringForSeconds);
  if (keep !== undefined) body.keepFiringForSeconds = keep;
  return body;
}

function rowsToRecord(rows: readonly KeyValueRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    if (r.key.trim() === '' && r.value.trim() === '') continue;
    out[r.key.trim()] = r.value;
  }
  return out;
}

/**
 * Form control keys (also the suffix of each control's DOM id):
 * `name`, `kind`, `selector.service`, `threshold`, `forSeconds`,
 * `keepFiringForSeconds`, `severity`, `labels.{row}`, `annotations.{row}`,
 * `webhooks.{row}.url`, `webhooks.{row}.name`, `ui`, `enabled`.
 */
export interface MappedErrors {
  byControl: Map<string, string[]>;
  /** Errors about the rule as a whole or a path with no control. */
  general: FieldError[];
}

export function mapRuleErrors(errors: readonly FieldError[], form: RuleFormState): MappedErrors {
  const byControl = new Map<string, string[]>();
  const general: FieldError[] = [];
  const add = (control: string, message: string) => {
    const list = byControl.get(control);
    if (list) list.push(message);
    else byControl.set(control, [message]);
  };
  for (const e of errors) {
    const control = controlForField(e.field, form);
    if (control) add(control, e.message);
    else general.push(e);
  }
  return { byControl, general };
}

const SIMPLE_FIELDS = new Set([
  'name',
  'kind',
  'threshold',
  'forSeconds',
  'keepFiringForSeconds',
  'severity',
  'enabled',
]);

export function controlForField(field: string, form: RuleFormState): string | null {
  if (SIMPLE_FIELDS.has(field)) return field;
  const [head, second, third] = field.split('.');
  if (head === 'selector' && second !== undefined && second in form.selector) {
    // A field that does not apply to the kind has no visible input: report it generally.
    return SELECTOR_FIELDS[form.kind].includes(second as SelectorField) ? `selector.${second}` : null;
  }
  if ((head === 'labels' || head === 'annotations') && second !== undefined) {
    // The server names the label key; find its row (keys may contain dots, so rejoin).
    const key = field.slice(head.length + 1);
    const row = form[head].findIndex((r) => r.key.trim() === key);
    return row >= 0 ? `${head}.${row}` : null;
  }
  if (head === 'channels' && second !== undefined) {
    const i = Number(second);
    if (!Number.isInteger(i)) return null;
    if (i < form.webhooks.length) return `webhooks.${i}.${third === 'name' ? 'name' : 'url'}`;
    return 'ui';
  }
  return null;
}

/** DOM id of a control key: `rule-channels-0-url` style, stable for labels and aria-describedby. */
export function controlId(prefix: string, control: string): string {
  return `${prefix}-${control.replace(/\./g, '-')}`;
}
