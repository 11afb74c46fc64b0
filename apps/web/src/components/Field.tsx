import type { ComponentChildren } from 'preact';

/** A labelled control with its hint and error; the control gets `id`, and `describedBy` for aria. */
export function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: ComponentChildren;
  children: (aria: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren;
}) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${props.error ? ' field--invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        ...(props.error ? { 'aria-invalid': 'true' as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The problem's `detail` (and title) for the whole form, announced to screen readers. */
export function ErrorBanner({ error }: { error: { title: string; detail: string } | null }) {
  if (!error) return null;
  return (
    <div class="banner banner--error" role="alert">
      <strong>{error.title}</strong>
      {error.detail && error.detail !== error.title ? <span> {error.detail}</span> : null}
    </div>
  );
}
