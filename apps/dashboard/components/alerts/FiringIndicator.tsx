'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { AlertToasts, type Toast } from './AlertToasts';
import { countFiring } from './alertFormat';
import type { AlertNotificationEvent } from './alertModel';
import styles from './alerts.module.css';
import { alertsApi } from './alertsApi';
import { listenToAlerts } from './alertsSocket';
import { toastText } from './toastText';

const POLL_MS = 15_000;
const MAX_TOASTS = 4;

/**
 * Header badge "(2 firing)" linking to /alerts, plus toasts for firing
 * notifications. Self-contained: mount it once in the layout's header; it
 * fetches the count and listens on the socket.io `alerts` room itself.
 */
export function FiringIndicator() {
  const [firing, setFiring] = useState<number | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const res = await alertsApi.alerts(1);
    if (res.ok) setFiring(countFiring(res.data.active));
  }, []);

  useEffect(() => {
    void refresh();
    const poll = setInterval(() => void refresh(), POLL_MS);
    const stop = listenToAlerts({
      onNotification: (n: AlertNotificationEvent) => {
        void refresh();
        if (n.status !== 'firing') return;
        seq.current += 1;
        const toast: Toast = { id: seq.current, ...toastText(n) };
        setToasts((ts) => [...ts, toast].slice(-MAX_TOASTS));
      },
    });
    return () => {
      clearInterval(poll);
      stop();
    };
  }, [refresh]);

  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);

  return (
    <>
      <span className={`${styles.theme} ${styles.indicator}`} data-testid="firing-indicator">
        {firing !== null && firing > 0 && (
          <a
            href="/alerts"
            className={`${styles.indicatorLink} ${styles.firing}`}
            aria-label={`${firing} alert${firing === 1 ? '' : 's'} firing: open alerts`}
          >
            <span aria-hidden="true">▲ </span>({firing} firing)
          </a>
        )}
        {firing === 0 && (
          <a href="/alerts" className={`${styles.indicatorLink} ${styles.indicatorQuiet}`}>
            no alerts firing
          </a>
        )}
      </span>
      <AlertToasts toasts={toasts} onDismiss={dismiss} />
    </>
  );
}
