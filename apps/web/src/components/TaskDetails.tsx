import { can } from '@tasktide/access';
import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import { memberName } from '../client/projects.ts';
import type { Member, Project, Task, User } from '../client/types.ts';
import { Comments } from './Comments.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorBanner } from './Field.tsx';

/**
 * A task's people: who it is assigned to (a member of its project; editors and admins pick) and
 * its comments thread.
 */
export function TaskDetails(props: {
  task: Task;
  project: Project | undefined;
  members: Member[] | undefined;
  user: User;
  refreshKey?: unknown;
  onClose(): void;
  onChanged(): void;
}) {
  const [task, setTask] = useState(props.task);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const active = (props.members ?? []).filter((m) => m.status === 'active');
  const mayAssign = can(props.project?.role ?? null, 'task.write');

  async function assign(assignee: string | null) {
    setError(null);
    try {
      const updated = await call<Task>(
        'PATCH',
        `/tasks/${task.id}`,
        { assignee_id: assignee },
        { 'if-match': `"${task.version}"` },
      );
      setTask(updated);
      setStatus(assignee ? `Assigned to ${memberName(props.members, assignee, props.user.id)}.` : 'Unassigned.');
      props.onChanged();
    } catch (err) {
      setError(asApiError(err));
    }
  }

  return (
    <Dialog labelledBy="task-details-title" onClose={props.onClose}>
      <header class="dialog-header">
        <h2 id="task-details-title">{task.title}</h2>
        <button type="button" class="icon" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <p class="hint">In {props.project?.name ?? 'a project'}</p>
      <ErrorBanner error={error} />
      {mayAssign ? (
        <div class="field">
          <label for="task-assignee">Assignee</label>
          <select
            id="task-assignee"
            value={task.assignee_id ?? ''}
            onChange={(e) => assign((e.currentTarget as HTMLSelectElement).value || null)}
          >
            <option value="">Nobody</option>
            {active.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.user_id === props.user.id ? `${m.display_name} (me)` : m.display_name}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p>Assignee: {task.assignee_id ? memberName(props.members, task.assignee_id, props.user.id) : 'nobody'}</p>
      )}
      <output class="status">{status}</output>
      <Comments
        task={task}
        project={props.project}
        members={props.members}
        user={props.user}
        refreshKey={props.refreshKey}
      />
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
