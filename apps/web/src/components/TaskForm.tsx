import { can } from '@tasktide/access';
import { useMemo, useState } from 'preact/hooks';
import { ApiError, call } from '../client/api.ts';
import { sidebarOrder } from '../client/projects.ts';
import type { Priority, Project, RecurrenceMode, Task, TaskInput, User } from '../client/types.ts';
import { fromInputs, knownZones, toInputs } from '../client/zone.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorBanner, Field } from './Field.tsx';
import { RecurrenceField } from './RecurrenceField.tsx';
import { RemindersField } from './RemindersField.tsx';

function safeDueAt(date: string, time: string, zone: string): string | null {
  try {
    return fromInputs(date, time || '09:00', zone);
  } catch {
    return null; // an unknown zone: the server says so on save
  }
}

/**
 * Create or edit a task. The server is the one judge of validity: its problem+json `detail` shows
 * on top and each `errors[]` entry next to its field.
 */
export function TaskForm(props: {
  user: User;
  task?: Task;
  draft?: Partial<TaskInput>;
  /** The caller's projects: a task goes to one they may write in (default: the one shown, else the Inbox). */
  projects?: Project[];
  projectId?: string | null;
  onSaved(task: Task): void;
  onClose(): void;
}) {
  const start = props.task ?? props.draft ?? {};
  const zone0 = start.timezone ?? props.user.timezone;
  const due0 = start.due_at ? toInputs(start.due_at, zone0) : { date: '', time: '' };
  const [title, setTitle] = useState(start.title ?? '');
  const [description, setDescription] = useState(props.task?.description ?? props.draft?.description ?? '');
  const [priority, setPriority] = useState<Priority>(start.priority ?? 'none');
  const [tags, setTags] = useState((start.tags ?? []).join(', '));
  const [dueDate, setDueDate] = useState(due0.date);
  const [dueTime, setDueTime] = useState(due0.time);
  const [zone, setZone] = useState(zone0);
  const [reminders, setReminders] = useState<number[]>(start.reminders ?? []);
  const [recurrence, setRecurrence] = useState<string | null>(start.recurrence ?? null);
  const [mode, setMode] = useState<RecurrenceMode>(start.recurrence_mode ?? 'on_completion');
  const writable = sidebarOrder(props.projects ?? []).filter(
    (p) => can(p.role, 'task.write') && (!p.archived || p.id === start.project_id),
  );
  const [projectId, setProjectId] = useState(
    start.project_id ?? writable.find((p) => p.id === props.projectId)?.id ?? writable[0]?.id ?? '',
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = error?.byField() ?? {};
  const dueAt = useMemo(() => safeDueAt(dueDate, dueTime, zone), [dueDate, dueTime, zone]);
  const editing = !!props.task;
  const str = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: TaskInput = {
      title,
      description,
      priority,
      tags: tags
        .split(/[\s,]+/)
        .map((t) => t.replace(/^#/, ''))
        .filter(Boolean),
      due_at: dueAt,
      timezone: zone,
      reminders,
      recurrence,
      ...(recurrence ? { recurrence_mode: mode } : {}),
      ...(projectId ? { project_id: projectId } : {}),
    };
    try {
      const task = props.task
        ? await call<Task>('PATCH', `/tasks/${props.task.id}`, body, { 'if-match': `"${props.task.version}"` })
        : await call<Task>('POST', '/tasks', body);
      props.onSaved(task);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog labelledBy="task-form-title" onClose={props.onClose}>
      <form class="task-form" onSubmit={submit} noValidate>
        <header class="dialog-header">
          <h2 id="task-form-title">{editing ? 'Edit task' : 'New task'}</h2>
          <button type="button" class="icon" onClick={props.onClose} aria-label="Close">
            ×
          </button>
        </header>
        <ErrorBanner error={error} />
        <Field id="task-title" label="Title" error={errors.title}>
          {(aria) => <input {...aria} value={title} onInput={(e) => setTitle(str(e))} autoFocus />}
        </Field>
        {writable.length > 0 && (
          <Field id="task-project" label="Project" error={errors.project_id}>
            {(aria) => (
              <select {...aria} value={projectId} onChange={(e) => setProjectId(str(e))}>
                {writable.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field id="task-description" label="Description" error={errors.description}>
          {(aria) => <textarea {...aria} rows={3} value={description} onInput={(e) => setDescription(str(e))} />}
        </Field>
        <div class="row">
          <Field id="task-priority" label="Priority" error={errors.priority}>
            {(aria) => (
              <select {...aria} value={priority} onChange={(e) => setPriority(str(e) as Priority)}>
                <option value="none">None</option>
                <option value="low">Low</option>
                <option value="medium">Medium</option>
                <option value="high">High</option>
              </select>
            )}
          </Field>
          <Field id="task-tags" label="Tags" error={errors.tags} hint="Separated by commas or spaces">
            {(aria) => <input {...aria} value={tags} onInput={(e) => setTags(str(e))} />}
          </Field>
        </div>
        <fieldset>
          <legend>Due</legend>
          <div class="row">
            <Field id="task-due-date" label="Date" error={errors.due_at}>
              {(aria) => <input {...aria} type="date" value={dueDate} onInput={(e) => setDueDate(str(e))} />}
            </Field>
            <Field id="task-due-time" label="Time" hint={dueDate && !dueTime ? 'Defaults to 09:00' : undefined}>
              {(aria) => <input {...aria} type="time" value={dueTime} onInput={(e) => setDueTime(str(e))} />}
            </Field>
          </div>
          <Field id="task-zone" label="Time zone" error={errors.timezone}>
            {(aria) => <input {...aria} list="task-zones" value={zone} onInput={(e) => setZone(str(e))} />}
          </Field>
          <datalist id="task-zones">
            {knownZones().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {dueDate && (
            <button
              type="button"
              class="link"
              onClick={() => {
                setDueDate('');
                setDueTime('');
              }}
            >
              Clear due date
            </button>
          )}
        </fieldset>
        <RemindersField value={reminders} onChange={setReminders} error={errors.reminders} />
        <RecurrenceField
          value={recurrence}
          onChange={setRecurrence}
          dueAt={dueAt}
          zone={zone}
          error={errors.recurrence}
        />
        {recurrence && (
          <Field id="task-recurrence-mode" label="Next occurrence" error={errors.recurrence_mode}>
            {(aria) => (
              <select {...aria} value={mode} onChange={(e) => setMode(str(e) as RecurrenceMode)}>
                <option value="on_completion">When I complete this one</option>
                <option value="on_schedule">When its due time passes, done or not</option>
              </select>
            )}
          </Field>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {editing ? 'Save changes' : 'Create task'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
