'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { displayLabels, formatValue } from './alertFormat';
import {
  ALERT_KINDS,
  type AlertKind,
  type AlertRule,
  type FieldError,
  KIND_INFO,
  type RulePreview,
  SELECTOR_FIELDS,
  SELECTOR_LABELS,
  SEVERITIES,
  type Severity,
} from './alertModel';
import styles from './alerts.module.css';
import { alertsApi } from './alertsApi';
import { LabelChips, StateBadge } from './Badges';
import { controlId, type KeyValueRow, mapRuleErrors, type RuleFormState, ruleInputFromForm } from './ruleForm';

export type EditorMode = { kind: 'create' } | { kind: 'edit'; rule: AlertRule } | { kind: 'view'; rule: AlertRule };

const PREFIX = 'rule';

/**
 * Create / edit form for a rule (read-only view for file rules). The
 * server's validation is the only validation: its `errors[].field` paths are
 * mapped onto the inputs, each message shown under its field and listed in a
 * summary that links to the fields.
 */
export function RuleEditor({
  mode,
  initial,
  onSaved,
  onClose,
  onUnauthorized,
}: {
  mode: EditorMode;
  initial: RuleFormState;
  onSaved: (rule: AlertRule, created: boolean) => void;
  onClose: () => void;
  onUnauthorized: () => void;
}) {
  const [form, setForm] = useState<RuleFormState>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<RulePreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const readOnly = mode.kind === 'view';
  const hintBase = useId();

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const mapped = mapRuleErrors(errors, form);
  const id = (control: string) => controlId(PREFIX, control);
  const errorId = (control: string) => `${id(control)}-error`;
  const invalid = (control: string) => mapped.byControl.has(control);
  const describe = (control: string, hint?: string) =>
    [hint, invalid(control) ? errorId(control) : undefined].filter(Boolean).join(' ') || undefined;
  const inputProps = (control: string, hint?: string) => ({
    id: id(control),
    name: control,
    'aria-invalid': invalid(control) || undefined,
    'aria-describedby': describe(control, hint),
  });
  const fieldErrors = (control: string): ReactNode =>
    invalid(control) ? (
      <span id={errorId(control)} className={styles.fieldError} data-testid={`error-${control}`}>
        {(mapped.byControl.get(control) ?? []).join('; ')}
      </span>
    ) : null;

  const update = (patch: Partial<RuleFormState>) => setForm((f) => ({ ...f, ...patch }));
  const updateRows = (which: 'labels' | 'annotations', i: number, patch: Partial<KeyValueRow>) =>
    setForm((f) => ({ ...f, [which]: f[which].map((r, j) => (j === i ? { ...r, ...patch } : r)) }));

  const submit = async () => {
    if (readOnly) return;
    setSaving(true);
    setFailure(null);
    const body = ruleInputFromForm(form);
    const res =
      mode.kind === 'edit' ? await alertsApi.updateRule(mode.rule.id, body) : await alertsApi.createRule(body);
    setSaving(false);
    if (res.ok) {
      setErrors([]);
      onSaved(res.data, mode.kind === 'create');
      return;
    }
    if (res.status === 401) onUnauthorized();
    setErrors(res.errors);
    setFailure(res.errors.length > 0 ? null : res.error);
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const runPreview = async () => {
    setPreviewing(true);
    const res = await alertsApi.previewRule(ruleInputFromForm(form));
    setPreviewing(false);
    if (res.ok) {
      setPreview(res.data);
      setErrors([]);
      setFailure(null);
    } else {
      setPreview(null);
      setErrors(res.errors);
      setFailure(res.errors.length > 0 ? null : res.error);
      requestAnimationFrame(() => summaryRef.current?.focus());
    }
  };

  const focusControl = (control: string) => document.getElementById(id(control))?.focus();
  const allErrors: { control: string | null; label: string; message: string }[] = [
    ...[...mapped.byControl].flatMap(([control, messages]) =>
      messages.map((message) => ({ control, label: controlLabel(control, form), message })),
    ),
    ...mapped.general.map((e) => ({ control: null, label: e.field || 'rule', message: e.message })),
  ];
  const thresholdInfo = KIND_INFO[form.kind].threshold;
  const title =
    mode.kind === 'create'
      ? 'New rule'
      : mode.kind === 'edit'
        ? `Edit rule “${mode.rule.name}”`
        : `Rule “${mode.rule.name}”`;

  return (
    <section className={styles.section} aria-labelledby="rule-editor-heading" data-testid="rule-editor">
      <div className={styles.sectionHeader}>
        <h2 id="rule-editor-heading" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        {readOnly && <span className={`${styles.badge} ${styles.info}`}>file · read-only</span>}
      </div>
      <form
        className={`${styles.sectionBody} ${styles.form}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        {readOnly && (
          <p className={styles.notice}>
            This rule comes from <code>faultline.alerts.yaml</code> and can only be changed there (keep it in version
            control). You can still preview what it matches.
          </p>
        )}
        {(allErrors.length > 0 || failure) && (
          <div className={styles.errorSummary} role="alert" tabIndex={-1} ref={summaryRef} data-testid="error-summary">
            <strong>
              {failure ?? `The rule was not saved: ${allErrors.length} problem${allErrors.length === 1 ? '' : 's'}`}
            </strong>
            {allErrors.length > 0 && (
              <ul>
                {allErrors.map((e) => (
                  <li key={`${e.control ?? e.label}:${e.message}`}>
                    {e.control ? (
                      <a
                        href={`#${id(e.control)}`}
                        onClick={(ev) => {
                          ev.preventDefault();
                          if (e.control) focusControl(e.control);
                        }}
                      >
                        {e.label}: {e.message}
                      </a>
                    ) : (
                      `${e.label}: ${e.message}`
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        <fieldset disabled={readOnly} className={styles.fieldset}>
          <legend>What to watch</legend>
          <div className={styles.fieldGrid}>
            <div className={styles.field}>
              <label htmlFor={id('name')}>Name</label>
              <input
                {...inputProps('name')}
                type="text"
                required
                value={form.name}
                onChange={(e) => update({ name: e.target.value })}
              />
              {fieldErrors('name')}
            </div>
            <div className={styles.field}>
              <label htmlFor={id('kind')}>Condition</label>
              <select
                {...inputProps('kind')}
                value={form.kind}
                onChange={(e) => {
                  update({ kind: e.target.value as AlertKind });
                  setPreview(null);
                }}
              >
                {ALERT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_INFO[k].label}
                  </option>
                ))}
              </select>
              {fieldErrors('kind')}
            </div>
            {thresholdInfo && (
              <div className={styles.field}>
                <label htmlFor={id('threshold')}>
                  {thresholdInfo.label} ({thresholdInfo.unit})
                </label>
                <input
                  {...inputProps('threshold', `${hintBase}-threshold`)}
                  type="number"
                  inputMode="decimal"
                  min={thresholdInfo.min}
                  max={thresholdInfo.max}
                  step={thresholdInfo.step}
                  placeholder={thresholdInfo.placeholder}
                  value={form.threshold}
                  onChange={(e) => update({ threshold: e.target.value })}
                />
                <span id={`${hintBase}-threshold`} className={styles.hint}>
                  {thresholdInfo.unit.startsWith('ratio') ? 'e.g. 0.05 for 5 %' : `in ${thresholdInfo.unit}`}
                </span>
                {fieldErrors('threshold')}
              </div>
            )}
          </div>
          <div className={styles.fieldGrid}>
            {SELECTOR_FIELDS[form.kind].map((field) => (
              <div className={styles.field} key={field}>
                <label htmlFor={id(`selector.${field}`)}>{SELECTOR_LABELS[field]}</label>
                <input
                  {...inputProps(`selector.${field}`, `${hintBase}-selector`)}
                  type="text"
                  placeholder="any"
                  value={form.selector[field]}
                  onChange={(e) => update({ selector: { ...form.selector, [field]: e.target.value } })}
                />
                {fieldErrors(`selector.${field}`)}
              </div>
            ))}
          </div>
          <span id={`${hintBase}-selector`} className={styles.hint}>
            Exact names or globs (<code>*-service</code>); empty matches any. One alert per matching{' '}
            {form.kind.startsWith('saga')
              ? 'saga type'
              : form.kind.startsWith('bulkhead')
                ? 'bulkhead'
                : form.kind === 'breaker_open'
                  ? 'breaker'
                  : 'edge'}
            .
          </span>
        </fieldset>

        <fieldset disabled={readOnly} className={styles.fieldset}>
          <legend>When and how loud</legend>
          <div className={styles.fieldGrid}>
            <div className={styles.field}>
              <label htmlFor={id('forSeconds')}>Pending for (seconds)</label>
              <input
                {...inputProps('forSeconds', `${hintBase}-for`)}
                type="number"
                min={0}
                step={1}
                value={form.forSeconds}
                onChange={(e) => update({ forSeconds: e.target.value })}
              />
              <span id={`${hintBase}-for`} className={styles.hint}>
                The condition must hold this long before the alert fires.
              </span>
              {fieldErrors('forSeconds')}
            </div>
            <div className={styles.field}>
              <label htmlFor={id('keepFiringForSeconds')}>Keep firing for (seconds)</label>
              <input
                {...inputProps('keepFiringForSeconds', `${hintBase}-keep`)}
                type="number"
                min={0}
                step={1}
                value={form.keepFiringForSeconds}
                onChange={(e) => update({ keepFiringForSeconds: e.target.value })}
              />
              <span id={`${hintBase}-keep`} className={styles.hint}>
                Against flapping: stays firing this long after the condition clears.
              </span>
              {fieldErrors('keepFiringForSeconds')}
            </div>
            <div className={styles.field}>
              <label htmlFor={id('severity')}>Severity</label>
              <select
                {...inputProps('severity')}
                value={form.severity}
                onChange={(e) => update({ severity: e.target.value as Severity })}
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
              {fieldErrors('severity')}
            </div>
            <div className={styles.field}>
              <span className={styles.fieldLabel}>Status</span>
              <label className={styles.check} htmlFor={id('enabled')}>
                <input
                  {...inputProps('enabled')}
                  type="checkbox"
                  checked={form.enabled}
                  onChange={(e) => update({ enabled: e.target.checked })}
                />
                Active (unchecked = paused)
              </label>
              {fieldErrors('enabled')}
            </div>
          </div>
        </fieldset>

        <KeyValueRows
          legend="Labels"
          which="labels"
          rows={form.labels}
          readOnly={readOnly}
          keyPlaceholder="team"
          valuePlaceholder="payments"
          inputProps={inputProps}
          fieldErrors={fieldErrors}
          onChange={(i, patch) => updateRows('labels', i, patch)}
          onAdd={() => update({ labels: [...form.labels, { key: '', value: '' }] })}
          onRemove={(i) => update({ labels: form.labels.filter((_, j) => j !== i) })}
        />
        <KeyValueRows
          legend="Annotations"
          hint="Templates: {{service}}, {{dependency}}, {{value}}, … are filled in per alert."
          which="annotations"
          rows={form.annotations}
          readOnly={readOnly}
          keyPlaceholder="summary"
          valuePlaceholder="{{service}} → {{dependency}} breaker is open"
          inputProps={inputProps}
          fieldErrors={fieldErrors}
          onChange={(i, patch) => updateRows('annotations', i, patch)}
          onAdd={() => update({ annotations: [...form.annotations, { key: '', value: '' }] })}
          onRemove={(i) => update({ annotations: form.annotations.filter((_, j) => j !== i) })}
        />

        <fieldset disabled={readOnly} className={styles.fieldset}>
          <legend>Notify</legend>
          <label className={styles.check} htmlFor={id('ui')}>
            <input
              {...inputProps('ui')}
              type="checkbox"
              checked={form.ui}
              onChange={(e) => update({ ui: e.target.checked })}
            />
            In the dashboard (toast and header count)
          </label>
          {fieldErrors('ui')}
          {form.webhooks.map((w, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
            <div className={styles.row} key={i}>
              <div className={styles.field}>
                <label htmlFor={id(`webhooks.${i}.url`)}>Webhook {i + 1} URL</label>
                <input
                  {...inputProps(`webhooks.${i}.url`, `${hintBase}-webhook`)}
                  type="url"
                  placeholder="http://alertmanager-receiver:9093/hook"
                  value={w.url}
                  onChange={(e) =>
                    update({ webhooks: form.webhooks.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)) })
                  }
                />
                {fieldErrors(`webhooks.${i}.url`)}
              </div>
              <div className={styles.field}>
                <label htmlFor={id(`webhooks.${i}.name`)}>Receiver name (optional)</label>
                <input
                  {...inputProps(`webhooks.${i}.name`)}
                  type="text"
                  placeholder="webhook"
                  value={w.name}
                  onChange={(e) =>
                    update({ webhooks: form.webhooks.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })
                  }
                />
                {fieldErrors(`webhooks.${i}.name`)}
              </div>
              {!readOnly && (
                <button
                  type="button"
                  className={styles.button}
                  style={{ alignSelf: 'end' }}
                  onClick={() => update({ webhooks: form.webhooks.filter((_, j) => j !== i) })}
                >
                  Remove<span className={styles.srOnly}> webhook {i + 1}</span>
                </button>
              )}
            </div>
          ))}
          <span id={`${hintBase}-webhook`} className={styles.hint}>
            Receives the Alertmanager v4 webhook payload (http or https).
          </span>
          {!readOnly && (
            <div>
              <button
                type="button"
                className={styles.button}
                onClick={() => update({ webhooks: [...form.webhooks, { url: '', name: '' }] })}
              >
                Add webhook
              </button>
            </div>
          )}
        </fieldset>

        <div className={styles.buttons}>
          {!readOnly && (
            <button type="submit" className={styles.buttonPrimary} disabled={saving}>
              {saving ? 'Saving…' : mode.kind === 'edit' ? 'Save changes' : 'Create rule'}
            </button>
          )}
          <button type="button" className={styles.button} onClick={() => void runPreview()} disabled={previewing}>
            {previewing ? 'Previewing…' : 'Preview matches'}
          </button>
          <button type="button" className={styles.button} onClick={onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
        </div>
        <div aria-live="polite">
          {preview && <PreviewResult preview={preview} kind={form.kind} forSeconds={form.forSeconds} />}
        </div>
      </form>
    </section>
  );
}

function PreviewResult({ preview, kind, forSeconds }: { preview: RulePreview; kind: AlertKind; forSeconds: string }) {
  const subject = kind.startsWith('saga')
    ? 'saga type'
    : kind.startsWith('bulkhead')
      ? 'bulkhead'
      : kind === 'breaker_open'
        ? 'breaker'
        : 'edge';
  const n = preview.wouldAlert.length;
  return (
    <div className={styles.preview} data-testid="rule-preview">
      <strong>
        Right now this rule matches {preview.matched} {subject}
        {preview.matched === 1 ? '' : 's'}; {n === 0 ? 'none would alert' : `${n} would alert`}.
      </strong>
      {n > 0 && Number(forSeconds) > 0 && (
        <div className={styles.small}>
          They would go pending and fire if the condition still holds after {forSeconds} s.
        </div>
      )}
      {n > 0 && (
        <ul>
          {preview.wouldAlert.map((a) => (
            <li key={a.fingerprint}>
              <StateBadge state={a.state} /> {formatValue(kind, a.value)}{' '}
              <LabelChips
                labels={displayLabels(a.labels).filter(([k]) => k !== 'severity' && k !== 'kind')}
                label="Labels"
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type InputPropsFn = (
  control: string,
  hint?: string,
) => { id: string; name: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

function KeyValueRows({
  legend,
  hint,
  which,
  rows,
  readOnly,
  keyPlaceholder,
  valuePlaceholder,
  inputProps,
  fieldErrors,
  onChange,
  onAdd,
  onRemove,
}: {
  legend: string;
  hint?: string;
  which: 'labels' | 'annotations';
  rows: KeyValueRow[];
  readOnly: boolean;
  keyPlaceholder: string;
  valuePlaceholder: string;
  inputProps: InputPropsFn;
  fieldErrors: (control: string) => ReactNode;
  onChange: (i: number, patch: Partial<KeyValueRow>) => void;
  onAdd: () => void;
  onRemove: (i: number) => void;
}) {
  const singular = which === 'labels' ? 'label' : 'annotation';
  return (
    <fieldset disabled={readOnly} className={styles.fieldset}>
      <legend>{legend}</legend>
      {hint && <span className={styles.hint}>{hint}</span>}
      {rows.length === 0 && <span className={styles.hint}>None.</span>}
      {rows.map((r, i) => {
        const control = `${which}.${i}`;
        const props = inputProps(control);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
          <div className={styles.row} key={i}>
            <div className={styles.field}>
              <label htmlFor={props.id}>
                {legend.replace(/s$/, '')} {i + 1} name
              </label>
              <input
                {...props}
                className={styles.rowInput}
                type="text"
                placeholder={keyPlaceholder}
                value={r.key}
                onChange={(e) => onChange(i, { key: e.target.value })}
              />
              {fieldErrors(control)}
            </div>
            <div className={styles.field}>
              <label htmlFor={`${props.id}-value`}>
                {legend.replace(/s$/, '')} {i + 1} value
              </label>
              <input
                className={styles.rowInput}
                id={`${props.id}-value`}
                aria-invalid={props['aria-invalid']}
                aria-describedby={props['aria-describedby']}
                type="text"
                placeholder={valuePlaceholder}
                value={r.value}
                onChange={(e) => onChange(i, { value: e.target.value })}
              />
            </div>
            {!readOnly && (
              <button type="button" className={styles.button} style={{ alignSelf: 'end' }} onClick={() => onRemove(i)}>
                Remove
                <span className={styles.srOnly}>
                  {' '}
                  {singular} {i + 1}
                </span>
              </button>
            )}
          </div>
        );
      })}
      {!readOnly && (
        <div>
          <button type="button" className={styles.button} onClick={onAdd}>
            Add {singular}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** Human name of a control for the error summary. */
function controlLabel(control: string, form: RuleFormState): string {
  const [head, row, part] = control.split('.');
  switch (head) {
    case 'name':
      return 'Name';
    case 'kind':
      return 'Condition';
    case 'threshold':
      return KIND_INFO[form.kind].threshold?.label ?? 'Threshold';
    case 'forSeconds':
      return 'Pending for';
    case 'keepFiringForSeconds':
      return 'Keep firing for';
    case 'severity':
      return 'Severity';
    case 'enabled':
      return 'Status';
    case 'ui':
      return 'Dashboard notifications';
    case 'selector':
      return SELECTOR_LABELS[row as keyof typeof SELECTOR_LABELS] ?? 'Selector';
    case 'labels':
    case 'annotations': {
      const key = form[head][Number(row)]?.key;
      return `${head === 'labels' ? 'Label' : 'Annotation'} ${key ? `“${key}”` : Number(row) + 1}`;
    }
    case 'webhooks':
      return `Webhook ${Number(row) + 1} ${part === 'name' ? 'receiver name' : 'URL'}`;
    default:
      return control;
  }
}
