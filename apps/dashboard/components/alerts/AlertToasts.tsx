'use client';

import { useEffect } from 'react';
import styles from './alerts.module.css';
import type { ToastText } from './toastText';

export interface Toast extends ToastText {
  id: number;
}

const AUTO_DISMISS_MS = 12_000;

/**
 * Toasts at the bottom right, announced politely to screen readers. Each
 * closes on its button, on Escape while focused, or after a while.
 */
export function AlertToasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (id: number) => void }) {
  return (
    <section
      className={`${styles.theme} ${styles.toasts}`}
      aria-label="Alert notifications"
      aria-live="polite"
      data-testid="alert-toasts"
    >
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </section>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), AUTO_DISMISS_MS);
    return () => clearTimeout(timer);
  }, [toast.id, onDismiss]);
  return (
    <div
      className={styles.toast}
      role="status"
      data-testid="alert-toast"
      data-severity={toast.severity}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDismiss(toast.id);
      }}
    >
      <p className={styles.toastTitle}>
        <span aria-hidden="true">▲ </span>
        {toast.title} <span className={styles.small}>({toast.severity})</span>
      </p>
      <button type="button" className={styles.toastClose} onClick={() => onDismiss(toast.id)} aria-label="Dismiss">
        ×
      </button>
      <p className={styles.toastBody}>
        {toast.body} <a href="/alerts">Open alerts</a>
      </p>
    </div>
  );
}
