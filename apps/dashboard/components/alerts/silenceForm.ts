import type { AlertView, FieldError, LabelMatcher } from './alertModel';

/** The silence editor's state, its request body, and error paths mapped to controls. Pure. */
export interface SilenceFormState {
  matchers: LabelMatcher[];
  /** `datetime-local` value, browser local time. */
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** `YYYY-MM-DDTHH:mm` in local time, the format a datetime-local input holds. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function emptySilenceForm(nowMs: number): SilenceFormState {
  return {
    matchers: [{ name: 'alertname', op: '=', value: '' }],
    endsAt: toLocalInput(nowMs + 2 * 3_600_000),
    createdBy: '',
    comment: '',
  };
}

/** Matchers that silence exactly this alert's subject: its rule and the labels naming what it is about. */
export function silenceFormForAlert(alert: Pick<AlertView, 'labels'>, nowMs: number): SilenceFormState {
  const names = ['alertname', 'service', 'dependency', 'breaker', 'bulkhead', 'saga'];
  const matchers: LabelMatcher[] = names
    .filter((n) => alert.labels[n] !== undefined && alert.labels[n] !== '')
    .map((name) => ({ name, op: '=', value: alert.labels[name] as string }));
  return { ...emptySilenceForm(nowMs), matchers };
}

export function silenceInputFromForm(form: SilenceFormState): Record<string, unknown> {
  const ends = Date.parse(form.endsAt);
  return {
    matchers: form.matchers
      .filter((m) => m.name.trim() !== '' || m.value !== '')
      .map((m) => ({ name: m.name.trim(), op: m.op, value: m.value })),
    // An unparseable date goes as text so the server names the field.
    endsAt: Number.isFinite(ends) ? ends : form.endsAt,
    createdBy: form.createdBy.trim(),
    comment: form.comment,
  };
}

/** Control keys: `matchers.{row}.name|op|value`, `matchers`, `endsAt`, `createdBy`, `comment`. */
export function mapSilenceErrors(errors: readonly FieldError[]): {
  byControl: Map<string, string[]>;
  general: FieldError[];
} {
  const byControl = new Map<string, string[]>();
  const general: FieldError[] = [];
  for (const e of errors) {
    const [head, row, part] = e.field.split('.');
    let control: string | null = null;
    if (head === 'endsAt' || head === 'startsAt' || head === 'durationSeconds') control = 'endsAt';
    else if (head === 'createdBy' || head === 'comment') control = head;
    else if (head === 'matchers' && row === undefined) control = 'matchers';
    else if (head === 'matchers' && row !== undefined)
      control = `matchers.${row}.${part === 'op' || part === 'name' ? part : 'value'}`;
    if (control === null) {
      general.push(e);
      continue;
    }
    byControl.set(control, [...(byControl.get(control) ?? []), e.message]);
  }
  return { byControl, general };
}
