import { useEffect } from 'preact/hooks';

export interface Toast {
  id: string;
  title: string;
  body: string;
}

const SHOW_MS = 10_000;

/**
 * Live notifications as toasts in a polite live region: each is read out once and stays ten
 * seconds (the inbox keeps it for good), or until dismissed.
 */
export function Toasts(props: { toasts: Toast[]; onDismiss(id: string): void }) {
  return (
    <section class="toasts" aria-label="Notifications as they arrive" aria-live="polite">
      {props.toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={props.onDismiss} />
      ))}
    </section>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss(id: string): void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), SHOW_MS);
    return () => clearTimeout(timer);
  }, [toast.id, onDismiss]);
  return (
    <div class="toast">
      <div>
        <p class="toast-title">{toast.title}</p>
        {toast.body && <p>{toast.body}</p>}
        <a href="#inbox">Open the inbox</a>
      </div>
      <button type="button" class="icon" onClick={() => onDismiss(toast.id)} aria-label={`Dismiss “${toast.title}”`}>
        ×
      </button>
    </div>
  );
}
