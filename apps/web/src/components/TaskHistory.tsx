import type { Task, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { AuditLog } from './AuditLog.tsx';

/** The audit trail of one task (the task itself may be gone: its history stays). */
export function TaskHistory(props: { user: User; taskId: string }) {
  const task = useApi<Task>(`/tasks/${props.taskId}`);
  return (
    <>
      <p>
        <a href="#tasks">← Back to tasks</a>
        {task.data?.series_id && (
          <>
            {' · '}
            <a href={`#series/${task.data.series_id}`}>Its series</a>
          </>
        )}
      </p>
      <AuditLog user={props.user} taskId={props.taskId} title={task.data?.title} />
    </>
  );
}
