import { nextOccurrence, normalizeRecurrence } from '@tasktide/recurrence-rules';

/**
 * The reference model of the lifecycle check: what a user of tasktide is promised, written as
 * plainly as possible, with no database, bus or scheduler. The check drives the real system and
 * this model with the same commands and compares them after every step.
 */

export type Priority = 'none' | 'low' | 'medium' | 'high';
export const priorityRank: Record<Priority, number> = { none: 0, low: 1, medium: 2, high: 3 };

export interface ModelUser {
  name: string;
  id: string;
  token: string;
  /** When the access token expires (model time): users sign in again, as the web app does. */
  tokenExpiresAt: number;
  email: string;
  password: string;
  timezone: string;
}

/** A reminder offset's current live stretch: since when the task has been open with this time. */
interface LiveReminder {
  remindAt: number;
  since: number;
}

export interface ModelTask {
  id: string;
  /** Who created it (its reminders' recipient while nobody is assigned). */
  userId: string;
  /** A shared project of the model; null: its creator's Inbox. */
  projectId: string | null;
  /** The member it is assigned to: its reminders go to them. */
  assigneeId: string | null;
  title: string;
  priority: Priority;
  tags: string[];
  dueAt: number | null;
  timezone: string;
  reminders: number[];
  recurrence: string | null;
  status: 'open' | 'completed';
  completedAt: number | null;
  seriesId: string | null;
  parentId: string | null;
  seriesStart: number | null;
  occurrenceIndex: number;
  version: number;
  /** The model clock at the last change (the api stamps updated_at with its clock). */
  updatedAt: number;
  /** Server-assigned (database time): adopted from the api's answer. */
  createdAt: string;
  live: Map<number, LiveReminder>;
}

export interface Delivery {
  userId: string;
  taskId: string;
  remindAt: number;
}

/** A next occurrence the system owes: created asynchronously, adopted once observed. */
export interface PendingSuccessor {
  parentId: string;
  userId: string;
  dueAt: number;
}

/** A shared project: who may see (and here, change) its tasks. */
export interface ModelProject {
  id: string;
  ownerId: string;
  members: Set<string>;
}

export interface TaskFieldsInput {
  title: string;
  priority: Priority;
  tags: string[];
  dueAt: number | null;
  reminders: number[];
  recurrence: string | null;
}

export class ReferenceModel {
  users: ModelUser[] = [];
  tasks = new Map<string, ModelTask>();
  projects: ModelProject[] = [];
  deliveries: Delivery[] = [];
  pending: PendingSuccessor[] = [];
  cancelledSeries = new Set<string>();
  /** Next occurrences the system created and the model adopted (for the report). */
  adopted = 0;

  constructor(public now: number) {}

  tasksOf(userId: string): ModelTask[] {
    return [...this.tasks.values()].filter((t) => t.userId === userId);
  }

  /** Whether the user may see the task: it is in their Inbox, or in a project they are a member of. */
  canSee(userId: string, task: ModelTask): boolean {
    if (task.projectId === null) return task.userId === userId;
    return this.projects.find((p) => p.id === task.projectId)?.members.has(userId) ?? false;
  }

  /** Every task the user sees: their own and those of the projects they are a member of. */
  visibleTo(userId: string): ModelTask[] {
    return [...this.tasks.values()].filter((t) => this.canSee(userId, t));
  }

  /** Tasks of others the user sees through a shared project, picked like `pick`. */
  pickShared(userId: string, index: number): ModelTask | undefined {
    const shared = this.visibleTo(userId).filter((t) => t.userId !== userId);
    const task = shared.length ? shared[shared.length - 1 - (index % shared.length)] : undefined;
    if (task) {
      this.tasks.delete(task.id);
      this.tasks.set(task.id, task);
    }
    return task;
  }

  /** Moves the task into a shared project, assigned to `assigneeId`; false when already so. */
  share(task: ModelTask, projectId: string, assigneeId: string): boolean {
    if (task.projectId === projectId && task.assigneeId === assigneeId) return false;
    task.projectId = projectId;
    task.assigneeId = assigneeId;
    task.version++;
    task.updatedAt = this.now;
    return true;
  }

  /** A member leaves the project: their tasks there are unassigned (each a new version). */
  removeMember(project: ModelProject, userId: string) {
    project.members.delete(userId);
    for (const t of this.tasks.values()) {
      if (t.projectId === project.id && t.assigneeId === userId) {
        t.assigneeId = null;
        t.version++;
        t.updatedAt = this.now;
      }
    }
  }

  /**
   * The user's task picked by an index, 0 being the one touched last: people act on the task they
   * just made or edited again and again (undo, edit back and forth), and so do the commands.
   */
  pick(userId: string, index: number): ModelTask | undefined {
    const own = this.tasksOf(userId);
    const task = own.length ? own[own.length - 1 - (index % own.length)] : undefined;
    if (task) {
      this.tasks.delete(task.id);
      this.tasks.set(task.id, task); // now the most recently touched
    }
    return task;
  }

  /** Cross-field rules the api enforces; null when valid. */
  static invalidField(fields: Pick<TaskFieldsInput, 'dueAt' | 'reminders' | 'recurrence'>): string | null {
    if (fields.reminders.length && fields.dueAt === null) return '/reminders';
    if (fields.recurrence !== null && fields.dueAt === null) return '/recurrence';
    return null;
  }

  static normalize(fields: TaskFieldsInput): TaskFieldsInput {
    const recurrence = fields.recurrence === null ? null : normalizeRecurrence(fields.recurrence);
    if (recurrence && !recurrence.ok) throw new Error(`the model generated a bad rule: ${fields.recurrence}`);
    return {
      ...fields,
      title: fields.title.trim(),
      tags: [...new Set(fields.tags.map((t) => t.toLowerCase()))],
      reminders: [...new Set(fields.reminders)].sort((a, b) => b - a),
      recurrence: recurrence ? recurrence.rule : null,
    };
  }

  /** Re-plans the live reminder stretches after a change at `this.now`. */
  private replan(task: ModelTask) {
    const wanted = new Map<number, number>();
    if (task.status === 'open' && task.dueAt !== null) {
      for (const offset of task.reminders) wanted.set(offset, task.dueAt - offset * 60_000);
    }
    for (const [offset, live] of task.live) {
      if (wanted.get(offset) !== live.remindAt) task.live.delete(offset);
    }
    for (const [offset, remindAt] of wanted) {
      if (!task.live.has(offset)) task.live.set(offset, { remindAt, since: this.now });
    }
  }

  create(id: string, user: ModelUser, input: TaskFieldsInput, createdAt: string): ModelTask {
    const f = ReferenceModel.normalize(input);
    const task: ModelTask = {
      id,
      userId: user.id,
      projectId: null,
      assigneeId: null,
      ...f,
      timezone: user.timezone,
      status: 'open',
      completedAt: null,
      seriesId: f.recurrence ? id : null,
      parentId: null,
      seriesStart: f.recurrence ? f.dueAt : null,
      occurrenceIndex: 0,
      version: 1,
      updatedAt: this.now,
      createdAt,
      live: new Map(),
    };
    this.tasks.set(id, task);
    this.replan(task);
    return task;
  }

  /** Applies a patch; false when it changes nothing (the api answers the task unchanged). */
  patch(task: ModelTask, changes: Partial<TaskFieldsInput>): boolean {
    const merged = ReferenceModel.normalize({
      title: changes.title ?? task.title,
      priority: changes.priority ?? task.priority,
      tags: changes.tags ?? task.tags,
      dueAt: changes.dueAt === undefined ? task.dueAt : changes.dueAt,
      reminders: changes.reminders ?? task.reminders,
      recurrence: changes.recurrence === undefined ? task.recurrence : changes.recurrence,
    });
    const same =
      merged.title === task.title &&
      merged.priority === task.priority &&
      JSON.stringify(merged.tags) === JSON.stringify(task.tags) &&
      merged.dueAt === task.dueAt &&
      JSON.stringify(merged.reminders) === JSON.stringify(task.reminders) &&
      merged.recurrence === task.recurrence;
    if (same) return false;
    Object.assign(task, merged);
    if (merged.recurrence) {
      task.seriesId ??= task.id;
      task.seriesStart ??= merged.dueAt;
    }
    task.version++;
    task.updatedAt = this.now;
    this.replan(task);
    return true;
  }

  /** Completing an open task; the next occurrence it owes, if any, becomes pending. */
  complete(task: ModelTask): boolean {
    if (task.status === 'completed') return false;
    task.status = 'completed';
    task.completedAt = this.now;
    task.version++;
    task.updatedAt = this.now;
    this.replan(task);
    if (task.recurrence && task.dueAt !== null && task.seriesId && !this.cancelledSeries.has(task.seriesId)) {
      const next = nextOccurrence({
        rule: task.recurrence,
        dueAt: new Date(task.dueAt),
        timezone: task.timezone,
        after: new Date(this.now),
        occurrenceIndex: task.occurrenceIndex,
        seriesStart: task.seriesStart === null ? undefined : new Date(task.seriesStart),
      });
      const exists = this.successorOf(task);
      if (next && !exists) this.pending.push({ parentId: task.id, userId: task.userId, dueAt: next.getTime() });
    }
    return true;
  }

  successorOf(task: ModelTask): ModelTask | undefined {
    return [...this.tasks.values()].find((t) => t.parentId === task.id);
  }

  /** Reopen: 'conflict' when the series moved on past a completed successor. */
  reopen(task: ModelTask): 'reopened' | 'unchanged' | 'conflict' {
    if (task.status === 'open') return 'unchanged';
    const successor = this.successorOf(task);
    if (successor?.status === 'completed') return 'conflict';
    task.status = 'open';
    task.completedAt = null;
    task.version++;
    task.updatedAt = this.now;
    this.replan(task);
    if (successor) this.tasks.delete(successor.id);
    this.pending = this.pending.filter((p) => p.parentId !== task.id);
    return 'reopened';
  }

  delete(task: ModelTask, scope: 'occurrence' | 'series') {
    const victims = [task];
    if (scope === 'series' && task.seriesId) {
      this.cancelledSeries.add(task.seriesId);
      victims.push(
        ...[...this.tasks.values()].filter(
          (t) => t.seriesId === task.seriesId && t.userId === task.userId && t.status === 'open' && t.id !== task.id,
        ),
      );
      const inSeries = new Set([...this.tasks.values()].filter((t) => t.seriesId === task.seriesId).map((t) => t.id));
      this.pending = this.pending.filter((p) => !inSeries.has(p.parentId));
    }
    for (const v of victims) this.tasks.delete(v.id);
    const gone = new Set(victims.map((v) => v.id));
    this.pending = this.pending.filter((p) => !gone.has(p.parentId));
  }

  /** A next occurrence the system created: becomes a task of the model like the parent's copy. */
  adopt(pending: PendingSuccessor, id: string, createdAt: string): ModelTask {
    const parent = this.tasks.get(pending.parentId);
    if (!parent) throw new Error(`adopting a successor of a task the model no longer has: ${pending.parentId}`);
    const task: ModelTask = {
      ...parent,
      id,
      dueAt: pending.dueAt,
      status: 'open',
      completedAt: null,
      parentId: parent.id,
      seriesStart: parent.seriesStart ?? parent.dueAt,
      occurrenceIndex: parent.occurrenceIndex + 1,
      version: 1,
      updatedAt: this.now,
      createdAt,
      live: new Map(),
    };
    this.tasks.set(id, task);
    this.pending = this.pending.filter((p) => p !== pending);
    this.replan(task);
    return task;
  }

  /**
   * Time passes. Every reminder that is live when its time comes — set before that time and its
   * task still open, due then, with that offset — is owed exactly once.
   */
  advance(ms: number) {
    const from = this.now;
    this.now += ms;
    for (const task of this.tasks.values()) {
      for (const live of task.live.values()) {
        if (live.remindAt > from && live.remindAt <= this.now && live.remindAt > live.since) {
          // To the assignee, else the creator: whoever it is when the reminder comes due.
          this.deliveries.push({ userId: task.assigneeId ?? task.userId, taskId: task.id, remindAt: live.remindAt });
        }
      }
    }
  }
}
