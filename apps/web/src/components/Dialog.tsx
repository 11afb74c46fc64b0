import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A modal <dialog>: focus moves in and is trapped, Escape closes, focus returns where it was. */
export function Dialog(props: { labelledBy: string; onClose(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={props.labelledBy} onClose={props.onClose}>
      {props.children}
    </dialog>
  );
}
