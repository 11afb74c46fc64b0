import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call } from '../client/api.ts';
import type { ParseResult, Task, TaskInput } from '../client/types.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';
import { describeReminder } from './RemindersField.tsx';

/**
 * One line → a task: the api reads dates, repetition, #tags, !priority and reminders
 * (POST /tasks/parse) and the box shows what it understood before Enter creates it.
 */
export function QuickAdd(props: {
  /** Changes when the user asks for quick add (the q key): the box takes the focus. */
  focusKey?: number;
  /** Where a line without `+project` goes (the project shown, when the user may add to it); else the Inbox. */
  projectId?: string | null;
  onCreated(task: Task): void;
  onEdit(draft: Partial<TaskInput>): void;
}) {
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.focusKey) input.current?.focus();
  }, [props.focusKey]);
  const [result, setResult] = useState<ParseResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!text.trim()) {
      setResult(null);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const parsed = await call<ParseResult>('POST', '/tasks/parse', { text });
        if (current) setResult(parsed);
      } catch {
        // the preview is a nicety: errors show when the user submits
      }
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);

  const parse = () => call<ParseResult>('POST', '/tasks/parse', { text });
  // A `+project` in the line wins over the project shown.
  const withProject = <T extends { project_id?: string }>(draft: T): T =>
    draft.project_id || !props.projectId ? draft : { ...draft, project_id: props.projectId };

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const parsed = await parse();
      setResult(parsed);
      const task = await call<Task>('POST', '/tasks', withProject(parsed.draft));
      setText('');
      setResult(null);
      setStatus(`Added “${task.title}”.`);
      props.onCreated(task);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    } finally {
      setBusy(false);
    }
  }

  async function editFirst() {
    try {
      const parsed = text.trim() ? await parse() : null;
      props.onEdit(withProject(parsed?.draft ?? {}));
      setText('');
      setResult(null);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    }
  }

  const draft = result?.draft;
  return (
    <form class="quick-add card" onSubmit={submit} noValidate>
      <label for="quick-add">Quick add</label>
      <div class="row row--tight">
        <input
          id="quick-add"
          ref={input}
          value={text}
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && text) {
              e.preventDefault();
              setText('');
            }
          }}
          placeholder="pay rent every month on the 1st at 9am #bills !high"
          aria-describedby="quick-add-hint quick-add-understood"
          autocomplete="off"
        />
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          Add
        </button>
        <button type="button" onClick={editFirst}>
          Edit first
        </button>
      </div>
      <p class="hint" id="quick-add-hint">
        Dates, “every …”, #tags, +project, !high / !low and “remind me 1 hour before” are understood. Enter adds, Escape
        clears.
      </p>
      <div id="quick-add-understood" aria-live="polite">
        {draft && text.trim() && (
          <ul class="chips" aria-label="Understood">
            <li class="chip">
              <span class="chip-key">Title</span> {draft.title || '—'}
            </li>
            {draft.due_at && (
              <li class="chip">
                <span class="chip-key">Due</span> {formatDateTime(draft.due_at, draft.timezone)}
              </li>
            )}
            {result?.recurrence_text && (
              <li class="chip">
                <span class="chip-key">Repeats</span> {result.recurrence_text}
              </li>
            )}
            {draft.tags.map((t) => (
              <li key={t} class="chip">
                #{t}
              </li>
            ))}
            {draft.priority !== 'none' && (
              <li class="chip">
                <span class="chip-key">Priority</span> {draft.priority}
              </li>
            )}
            {draft.reminders.map((m) => (
              <li key={m} class="chip">
                <span class="chip-key">Reminder</span> {describeReminder(m)}
              </li>
            ))}
          </ul>
        )}
        {result?.warnings.map((w) => (
          <p key={w} class="hint">
            {w}
          </p>
        ))}
      </div>
      <ErrorBanner error={error} />
      <output class="status">{status}</output>
    </form>
  );
}
