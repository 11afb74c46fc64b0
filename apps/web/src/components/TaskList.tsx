import { can } from '@tasktide/access';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, query } from '../client/api.ts';
import { memberName, useMembers } from '../client/projects.ts';
import { describeRule } from '../client/rrule.ts';
import type { Member, Project, Task, TaskPage, User } from '../client/types.ts';
import { formatDateTime, fromInputs } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';
import { defaultFilters, Filters, type TaskFilters } from './Filters.tsx';
import { TaskDetails } from './TaskDetails.tsx';

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function listQuery(f: TaskFilters, zone: string, cursor: string | null, projectId: string | null) {
  const at = (date: string) => (date ? fromInputs(date, '00:00', zone) : null);
  return query({
    project_id: projectId,
    assignee: f.mine ? 'me' : undefined,
    q: f.q.trim(),
    status: f.status,
    priority: f.priorities.join(','),
    tag: f.tags.replace(/#/g, '').trim(),
    tags: f.tags.trim() ? f.tagMode : undefined,
    due_after: at(f.dueAfter),
    due_before: f.dueBefore ? at(nextDay(f.dueBefore)) : null,
    overdue: f.overdue || undefined,
    recurring: f.recurring || undefined,
    sort: f.sort,
    limit: f.limit,
    cursor,
  });
}

/**
 * The task list: filters, a page of tasks (of one project, or of all the caller's), and
 * previous/next paging by cursor. What a row offers follows the caller's role in its project.
 */
export function TaskList(props: {
  user: User;
  refreshKey: number;
  projectId: string | null;
  projects: Project[];
  onEdit(task: Task): void;
  onChanged(): void;
}) {
  const [filters, setFilters] = useState(defaultFilters);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<TaskPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const cursor = cursors[cursors.length - 1] ?? null;
  const [details, setDetails] = useState<Task | null>(null);
  const filterKey = JSON.stringify([filters, props.projectId]);
  const projectOf = (task: Task) => props.projects.find((p) => p.id === task.project_id);
  const members = useMembers(page?.items.map((t) => t.project_id) ?? [], props.refreshKey);
  useEffect(() => setCursors([null]), [filterKey]);
  useEffect(() => {
    let current = true;
    setLoading(true);
    // Debounced: typing in the search box and bursts of live events make one request.
    const timer = setTimeout(async () => {
      try {
        const result = await call<TaskPage>(
          'GET',
          `/tasks${listQuery(filters, props.user.timezone, cursor, props.projectId)}`,
        );
        if (!current) return;
        setPage(result);
        setError(null);
      } catch (err) {
        if (current) setError(err instanceof ApiError ? err : new ApiError(0, 'Could not load tasks', String(err)));
      } finally {
        if (current) setLoading(false);
      }
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [filterKey, cursor, props.refreshKey, props.user.timezone]);

  const fieldErrors = error?.byField() ?? {};
  return (
    <section aria-labelledby="tasks-title">
      <h2 id="tasks-title" class="sr-only">
        Tasks
      </h2>
      <Filters value={filters} onChange={setFilters} />
      <ErrorBanner error={error} />
      {Object.entries(fieldErrors).map(([field, message]) => (
        <p key={field} class="field-error">
          {field}: {message}
        </p>
      ))}
      <output class="status">
        {loading ? 'Loading…' : page ? `${page.items.length} task${page.items.length === 1 ? '' : 's'} shown` : ''}
      </output>
      {page && page.items.length === 0 && !loading && <p class="empty">No tasks match. Add one above.</p>}
      <ul class="tasks">
        {page?.items.map((task) => (
          <TaskItem
            key={task.id}
            task={task}
            user={props.user}
            project={projectOf(task)}
            members={members.get(task.project_id)}
            showProject={props.projectId === null}
            onEdit={props.onEdit}
            onDetails={setDetails}
            onChanged={props.onChanged}
          />
        ))}
      </ul>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!page?.next_cursor}
          onClick={() => page?.next_cursor && setCursors([...cursors, page.next_cursor])}
        >
          Next page
        </button>
      </nav>
      {details && (
        <TaskDetails
          task={details}
          project={projectOf(details)}
          members={members.get(details.project_id)}
          user={props.user}
          refreshKey={props.refreshKey}
          onClose={() => setDetails(null)}
          onChanged={props.onChanged}
        />
      )}
    </section>
  );
}

function TaskItem(props: {
  task: Task;
  user: User;
  project: Project | undefined;
  members: Member[] | undefined;
  showProject: boolean;
  onEdit(task: Task): void;
  onDetails(task: Task): void;
  onChanged(): void;
}) {
  const { task } = props;
  // Viewers get no edit affordance at all: the policy, not the server's 403, decides what is shown.
  const mayWrite = can(props.project?.role ?? null, 'task.write');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const confirmRef = useRef<HTMLFieldSetElement>(null);
  const done = task.status === 'completed';
  const overdue = !done && task.due_at !== null && Date.parse(task.due_at) < Date.now();

  useEffect(() => {
    if (confirming) confirmRef.current?.querySelector('button')?.focus();
  }, [confirming]);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      props.onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    }
  }
  const toggle = () => run(() => call('POST', `/tasks/${task.id}/${done ? 'reopen' : 'complete'}`));
  const remove = (scope: 'occurrence' | 'series') => run(() => call('DELETE', `/tasks/${task.id}?scope=${scope}`));

  return (
    <li class={`task${done ? ' task--done' : ''}${overdue ? ' task--overdue' : ''}`} data-task-id={task.id}>
      {mayWrite ? (
        <input
          type="checkbox"
          class="task-check"
          checked={done}
          onChange={toggle}
          aria-label={`${done ? 'Reopen' : 'Complete'} “${task.title}”`}
        />
      ) : (
        <span class="task-check task-check--readonly" role="img" aria-label={done ? 'Completed' : 'Open'}>
          {done ? '✓' : '○'}
        </span>
      )}
      <div class="task-main">
        <h3 class="task-title">{task.title}</h3>
        <p class="meta">
          {task.due_at && (
            <span class="due">
              {overdue ? 'Overdue: ' : 'Due '}
              <time dateTime={task.due_at}>{formatDateTime(task.due_at, props.user.timezone)}</time>
            </span>
          )}
          {task.recurrence && <span class="badge">↻ {describeRule(task.recurrence)}</span>}
          {task.priority !== 'none' && <span class={`badge badge--${task.priority}`}>{task.priority} priority</span>}
          {task.reminders.length > 0 && (
            <span class="badge">
              {task.reminders.length} reminder{task.reminders.length === 1 ? '' : 's'}
            </span>
          )}
          {props.showProject && props.project && (
            <span class="badge project-badge">
              <span class="swatch" style={{ background: props.project.color ?? 'transparent' }} aria-hidden="true" />
              {props.project.name}
            </span>
          )}
          {task.assignee_id && (
            <span class="badge assignee">Assigned to {memberName(props.members, task.assignee_id, props.user.id)}</span>
          )}
          {task.tags.map((t) => (
            <span key={t} class="tag">
              #{t}
            </span>
          ))}
        </p>
        {task.description && <p class="description">{task.description}</p>}
        <ErrorBanner error={error} />
      </div>
      <div class="task-actions">
        {mayWrite && (
          <button type="button" onClick={() => props.onEdit(task)} aria-label={`Edit “${task.title}”`}>
            Edit
          </button>
        )}
        <button
          type="button"
          onClick={() => props.onDetails(task)}
          aria-label={`Comments and assignee of “${task.title}”`}
        >
          Comments
        </button>
        <a class="button" href={`#history/${task.id}`} aria-label={`History of “${task.title}”`}>
          History
        </a>
        {task.series_id && (
          <a class="button" href={`#series/${task.series_id}`} aria-label={`Series of “${task.title}”`}>
            Series
          </a>
        )}
        {mayWrite && (
          <button
            type="button"
            class="danger"
            onClick={() => setConfirming(true)}
            aria-label={`Delete “${task.title}”`}
          >
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <fieldset class="confirm" ref={confirmRef}>
          <legend class="sr-only">Delete “{task.title}”?</legend>
          {task.series_id ? (
            <>
              <button type="button" class="danger" onClick={() => remove('occurrence')}>
                Delete this occurrence
              </button>
              <button type="button" class="danger" onClick={() => remove('series')}>
                Delete the whole series
              </button>
            </>
          ) : (
            <button type="button" class="danger" onClick={() => remove('occurrence')}>
              Delete
            </button>
          )}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </fieldset>
      )}
    </li>
  );
}
