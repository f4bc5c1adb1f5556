'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ActiveAlerts } from './ActiveAlerts';
import { AlertHistory } from './AlertHistory';
import { countFiring } from './alertFormat';
import { type AlertRule, type AlertsResponse, type AlertView, isPaused, type Silence } from './alertModel';
import styles from './alerts.module.css';
import { adminToken, alertsApi, setAdminToken } from './alertsApi';
import { listenToAlerts } from './alertsSocket';
import { type EditorMode, RuleEditor } from './RuleEditor';
import { RulesTable } from './RulesTable';
import { emptyRuleForm, type RuleFormState, ruleFormFromRule } from './ruleForm';
import { SilencesPanel } from './SilencesPanel';
import { type SilenceFormState, silenceFormForAlert } from './silenceForm';
import { useNow } from './useNow';

/** Pending instances produce no notification, so the page also polls. */
const POLL_MS = 5000;

interface EditorState {
  mode: EditorMode;
  initial: RuleFormState;
  /** Remounts the form when another rule is opened. */
  key: number;
}

/**
 * `/alerts`: active alerts with what they are grouped under, recent
 * history, rules (create / edit / pause / delete / preview) and silences.
 * Live: every notification on the socket.io `alerts` room and every breaker
 * transition refreshes the data without a reload.
 */
export function AlertsPage() {
  const [alerts, setAlerts] = useState<AlertsResponse | null>(null);
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [silences, setSilences] = useState<Silence[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [editor, setEditor] = useState<EditorState | null>(null);
  const [silenceDraft, setSilenceDraft] = useState<SilenceFormState | null>(null);
  const [busyRule, setBusyRule] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [needsToken, setNeedsToken] = useState(false);
  const editorSeq = useRef(0);
  const now = useNow(2000);

  const refresh = useCallback(async () => {
    const [a, r, s] = await Promise.all([alertsApi.alerts(200), alertsApi.rules(), alertsApi.silences()]);
    if (a.ok) setAlerts(a.data);
    if (r.ok) setRules(r.data);
    if (s.ok) setSilences(s.data);
    const failed = [a, r, s].find((x) => !x.ok);
    setLoadError(failed && !failed.ok ? failed.error : null);
  }, []);

  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshSoon = useCallback(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void refresh();
    }, 100);
  }, [refresh]);

  useEffect(() => {
    void refresh();
    const poll = setInterval(() => void refresh(), POLL_MS);
    const stop = listenToAlerts({
      onNotification: refreshSoon,
      onBreakerTransition: refreshSoon,
      onConnection: setConnected,
    });
    return () => {
      clearInterval(poll);
      stop();
      if (pending.current) clearTimeout(pending.current);
    };
  }, [refresh, refreshSoon]);

  const openEditor = (mode: EditorMode, initial: RuleFormState) => {
    editorSeq.current += 1;
    setEditor({ mode, initial, key: editorSeq.current });
  };

  const unauthorized = () => setNeedsToken(true);

  const togglePause = async (rule: AlertRule) => {
    setBusyRule(rule.id);
    const paused = isPaused(rule);
    const res = await alertsApi.updateRule(rule.id, { ...rule, enabled: paused, paused: false });
    setBusyRule(null);
    if (res.ok) setStatus(`Rule “${rule.name}” ${paused ? 'resumed' : 'paused'}.`);
    else {
      if (res.status === 401) unauthorized();
      setStatus(`Could not ${paused ? 'resume' : 'pause'} “${rule.name}”: ${res.error}`);
    }
    await refresh();
  };

  const remove = async (rule: AlertRule) => {
    setBusyRule(rule.id);
    const res = await alertsApi.deleteRule(rule.id);
    setBusyRule(null);
    if (res.ok) {
      setStatus(`Rule “${rule.name}” deleted.`);
      if (editor && editor.mode.kind !== 'create' && editor.mode.rule.id === rule.id) setEditor(null);
    } else {
      if (res.status === 401) unauthorized();
      setStatus(`Could not delete “${rule.name}”: ${res.error}`);
    }
    await refresh();
  };

  useEffect(() => {
    if (!status) return;
    const t = setTimeout(() => setStatus(''), 10_000);
    return () => clearTimeout(t);
  }, [status]);

  const active: AlertView[] = alerts?.active ?? [];
  const firing = countFiring(active);

  return (
    <div className={`${styles.theme} ${styles.root}`} data-testid="alerts-page" data-connected={connected}>
      <header className={styles.pageHeader}>
        <h1>Alerts</h1>
        <span className={styles.summary} data-testid="alerts-summary">
          {alerts === null
            ? 'loading…'
            : `${firing} firing · ${active.filter((a) => a.state === 'pending').length} pending`}
          {rules !== null && ` · ${rules.length} rule${rules.length === 1 ? '' : 's'}`}
        </span>
        <p className={styles.srOnly} role="status" aria-live="polite">
          {status}
        </p>
      </header>

      {status && (
        <p className={styles.notice} data-testid="alerts-status" aria-hidden="true">
          {status}
        </p>
      )}
      {loadError && (
        <p className={styles.errorSummary} role="alert">
          Could not load alerts: {loadError}
        </p>
      )}
      {needsToken && <AdminTokenForm onDone={() => setNeedsToken(false)} />}

      <ActiveAlerts
        alerts={active}
        now={now}
        onSilence={(a) => {
          setSilenceDraft(silenceFormForAlert(a, Date.now()));
          document.getElementById('silences-heading')?.scrollIntoView({ block: 'start' });
        }}
      />

      {editor && (
        <RuleEditor
          key={editor.key}
          mode={editor.mode}
          initial={editor.initial}
          onClose={() => setEditor(null)}
          onUnauthorized={unauthorized}
          onSaved={(rule, created) => {
            setEditor(null);
            setStatus(`Rule “${rule.name}” ${created ? 'created' : 'saved'}.`);
            void refresh();
            // The form is gone: put focus where the saved rule is listed.
            requestAnimationFrame(() => document.getElementById('rules-heading')?.focus());
          }}
        />
      )}

      <RulesTable
        rules={rules ?? []}
        busyId={busyRule}
        onNew={() => openEditor({ kind: 'create' }, emptyRuleForm())}
        actions={{
          onEdit: (rule) =>
            openEditor(
              rule.source === 'file' ? { kind: 'view', rule } : { kind: 'edit', rule },
              ruleFormFromRule(rule),
            ),
          onTogglePause: (rule) => void togglePause(rule),
          onDelete: (rule) => void remove(rule),
        }}
      />

      <SilencesPanel
        silences={silences}
        now={now}
        draft={silenceDraft}
        onDraftChange={setSilenceDraft}
        onChanged={() => void refresh()}
        onUnauthorized={unauthorized}
      />

      <AlertHistory history={alerts?.history ?? []} />
    </div>
  );
}

function AdminTokenForm({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState(() => adminToken());
  return (
    <form
      className={styles.notice}
      onSubmit={(e) => {
        e.preventDefault();
        setAdminToken(token.trim());
        onDone();
      }}
    >
      <p>
        Changes need the dashboard’s admin token (<code>FAULTLINE_ADMIN_TOKEN</code>). It is kept for this browser tab
        only. Enter it and try again.
      </p>
      <div className={styles.buttons}>
        <label htmlFor="admin-token" className={styles.fieldLabel}>
          Admin token
        </label>
        <input
          id="admin-token"
          className={styles.rowInput}
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className={styles.buttonPrimary}>
          Use token
        </button>
      </div>
    </form>
  );
}
