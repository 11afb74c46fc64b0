import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A secret the server shows once (API token, webhook signing secret, calendar URL): read-only,
 * selected for copying, with a Copy button and the warning that it will not be shown again.
 */
export function SecretOnce(props: { id: string; label: string; value: string; onDone(): void }) {
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('Press Ctrl+C (⌘C) to copy the selected text.');
    }
  }
  return (
    <div class="secret card">
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={`${props.id}-hint`}>
        Shown once: copy it now. It cannot be shown again.
      </p>
      <div class="row row--tight">
        <input
          id={props.id}
          ref={input}
          class="mono"
          readOnly
          value={props.value}
          aria-describedby={`${props.id}-hint`}
          onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
        />
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          Done
        </button>
      </div>
      <output class="status">{copied}</output>
    </div>
  );
}
