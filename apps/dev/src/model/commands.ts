import fc from 'fast-check';
import { compareAudit, compareInbox, compareList, compareTasks, expectStatus, Mismatch } from './check.ts';
import { type Driver, reactingServices } from './driver.ts';
import type { ListQuery } from './listing.ts';
import {
  type ModelProject,
  type ModelTask,
  type ModelUser,
  type Priority,
  ReferenceModel,
  type TaskFieldsInput,
} from './reference.ts';

/** What the commands act on: the system behind its driver. */
export interface World {
  driver: Driver;
  /** Names users uniquely across the runs that share one system. */
  run: string;
  /** Commands executed so far, and what they exercised (the check reports both). */
  executed: number;
  seen: Record<string, number>;
}

/** Counts what a run exercised: a check that never reopens a task with a reminder proves little. */
export const note = (w: World, what: string, n = 1) => {
  w.seen[what] = (w.seen[what] ?? 0) + n;
};

/** A command of the check: counts itself, then acts on the system and the model. */
abstract class Step implements fc.AsyncCommand<ReferenceModel, World, false> {
  abstract check(m: Readonly<ReferenceModel>): boolean;
  protected abstract act(m: ReferenceModel, w: World): Promise<void>;
  async run(m: ReferenceModel, w: World) {
    w.executed++;
    if (process.env.MODEL_TRACE) console.error(`[model ${w.run}] ${this.toString()}`);
    // Where time is real, the model's clock follows it (reminders that came due meanwhile count).
    if (!w.driver.modelClock) m.advance(Math.max(0, w.driver.now() - m.now));
    await refreshSessions(m, w);
    const [owed, successors] = [m.deliveries.length, m.tasks.size];
    await this.act(m, w);
    note(w, 'reminders delivered', m.deliveries.length - owed);
    note(w, this.constructor.name);
    if (successors !== m.tasks.size) note(w, 'task count changes');
  }
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const words = ['rent', 'invoice', 'plants', 'report', 'review', 'gym', 'dentist', 'taxes', 'groceries', 'standup'];
const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
const priorities: Priority[] = ['none', 'low', 'medium', 'high'];
const rules = [
  'daily',
  'weekly',
  'FREQ=DAILY;COUNT=3',
  'FREQ=WEEKLY;BYDAY=MO,WE,FR',
  'FREQ=MONTHLY;BYMONTHDAY=31',
  'FREQ=DAILY;INTERVAL=2;COUNT=4',
];

/** The times a run works with: days on a test clock, or seconds of real time on the real stack. */
export interface Profile {
  /** Due dates offered at creation, from now (ms). */
  dueOffsets: number[];
  /** Reminder offsets offered (minutes before due). */
  reminderOffsets: number[];
  /** How far a patch moves a due date (ms). */
  dueShifts: number[];
  /** Clock jumps (ms); none where time is real. */
  advanceSteps: number[];
  /** Whether services are restarted between steps. */
  restarts: boolean;
  /** Whether list queries filter by due dates and overdue (not where time is real and moving). */
  timeFilters: boolean;
}

export const testClockProfile: Profile = {
  dueOffsets: [-2 * HOUR, 90_000, 5 * MIN, 20 * MIN, 2 * HOUR, 26 * HOUR, 3 * DAY],
  reminderOffsets: [0, 1, 10, 60, 1440],
  dueShifts: [-DAY, -HOUR, -10 * MIN, 10 * MIN, HOUR, DAY],
  advanceSteps: [30_000, 2 * MIN, 10 * MIN, HOUR, 5 * HOUR, 25 * HOUR, 3 * DAY],
  restarts: true,
  timeFilters: true,
};

/**
 * Real time: due a minute and some seconds ahead, so a one-minute reminder comes due 8–20 s after
 * it is set — after the command phase of a sequence, which the runner then waits out.
 */
export const realTimeProfile: Profile = {
  dueOffsets: [68_000, 72_000, 76_000, 80_000, 2 * DAY],
  reminderOffsets: [1],
  dueShifts: [3_000, 6_000],
  advanceSteps: [],
  restarts: false,
  timeFilters: false,
};

const title = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
const fieldsFor = (p: Profile) =>
  fc.record({
    title,
    priority: fc.constantFrom(...priorities),
    tags: fc.subarray(['home', 'work', 'bills']),
    dueOffset: fc.option(fc.constantFrom(...p.dueOffsets), { freq: 4 }),
    reminders: fc.subarray(p.reminderOffsets, { maxLength: Math.min(3, p.reminderOffsets.length) }),
    recurrence: fc.option(fc.constantFrom(...rules), { freq: 2 }),
  });
type FieldsSpec = ReturnType<typeof fieldsFor> extends fc.Arbitrary<infer T> ? T : never;

/** After a step: the system has caught up, and it agrees with the model for every user. */
async function settleAndCompare(model: ReferenceModel, world: World) {
  await refreshSessions(model, world);
  await world.driver.converge(async () => {
    for (const user of model.users) {
      await compareTasks(model, world.driver, user);
      await compareInbox(model, world.driver, user);
    }
  });
}

/** Access tokens last an hour of the system's time, which clock jumps skip: users sign in again. */
export async function refreshSessions(m: ReferenceModel, w: World) {
  for (const user of m.users) if (user.tokenExpiresAt - m.now < 10 * MIN) await signIn(w, user);
}

async function signIn(w: World, user: ModelUser) {
  const login = await w.driver.call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
  });
  expectStatus(login, 200, 'login');
  user.token = login.body.access_token;
  user.tokenExpiresAt = Date.parse(login.body.expires_at);
}

const userAt = (m: ReferenceModel, i: number) => m.users[i % m.users.length] as ModelUser;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class Register extends Step {
  constructor(readonly zone: string) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.users.length < 3;
  override async act(m: ReferenceModel, w: World) {
    const name = `u${m.users.length}`;
    const email = `${w.run}-${name}@model.example`;
    const password = 'correct horse battery staple';
    const reg = await w.driver.call('POST', '/api/v1/auth/register', {
      body: { email, password, display_name: name, timezone: this.zone },
    });
    expectStatus(reg, 201, 'register');
    const user = { name, id: reg.body.id, token: '', tokenExpiresAt: 0, email, password, timezone: this.zone };
    await signIn(w, user);
    m.users.push(user);
  }
  override toString = () => `register(${this.zone})`;
}

class Create extends Step {
  constructor(
    readonly user: number,
    readonly spec: FieldsSpec,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.users.length > 0;
  override async act(m: ReferenceModel, w: World) {
    const user = userAt(m, this.user);
    const dueAt = this.spec.dueOffset === null ? null : m.now + this.spec.dueOffset;
    const input: TaskFieldsInput = { ...this.spec, dueAt };
    const res = await w.driver.call('POST', '/api/v1/tasks', {
      token: user.token,
      body: {
        title: this.spec.title,
        priority: this.spec.priority,
        tags: this.spec.tags,
        reminders: this.spec.reminders,
        ...(dueAt === null ? {} : { due_at: iso(dueAt) }),
        ...(this.spec.recurrence ? { recurrence: this.spec.recurrence } : {}),
      },
    });
    const invalid = ReferenceModel.invalidField(input);
    if (invalid) {
      note(w, 'rejected as invalid (400)');
      expectStatus(res, 400, 'create with a cross-field error');
      if (!res.body.errors?.some((e: { field: string }) => e.field === invalid)) {
        throw new Mismatch(`create: the 400 does not name ${invalid}`, res.body);
      }
      return;
    }
    expectStatus(res, 201, 'create');
    m.create(res.body.id, user, input, iso(m.now) as string);
    await settleAndCompare(m, w);
  }
  override toString = () => `create(u${this.user}, ${JSON.stringify(this.spec)})`;
}

type Change =
  | { title: string }
  | { dueShift: number }
  | { dueAt: null }
  | { reminders: number[] }
  | { recurrence: string | null }
  | { priority: Priority }
  | { tags: string[] };
const changeFor = (p: Profile): fc.Arbitrary<Change> =>
  fc.oneof(
    title.map((title) => ({ title })),
    fc.constantFrom(...p.dueShifts).map((dueShift) => ({ dueShift })),
    fc.constant({ dueAt: null }),
    fc
      .subarray(p.reminderOffsets, { maxLength: Math.min(3, p.reminderOffsets.length) })
      .map((reminders) => ({ reminders })),
    fc.option(fc.constantFrom(...rules)).map((recurrence) => ({ recurrence })),
    fc.constantFrom(...priorities).map((priority) => ({ priority })),
    fc.subarray(['home', 'work', 'bills']).map((tags) => ({ tags })),
  );

/** Commands that act on one of a user's tasks, picked by index in the order they were made. */
abstract class OnTask extends Step {
  constructor(
    readonly user: number,
    readonly task: number,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) =>
    m.users.length > 0 && m.tasksOf(userAt(m as ReferenceModel, this.user).id).length > 0;
  protected target(m: ReferenceModel): { user: ModelUser; task: ModelTask } {
    const user = userAt(m, this.user);
    return { user, task: m.pick(user.id, this.task) as ModelTask };
  }
}

class Patch extends OnTask {
  constructor(
    user: number,
    task: number,
    readonly change: Change,
  ) {
    super(user, task);
  }
  override async act(m: ReferenceModel, w: World) {
    const { user, task } = this.target(m);
    const c = this.change;
    const changes: Partial<TaskFieldsInput> =
      'dueShift' in c ? { dueAt: (task.dueAt ?? m.now) + c.dueShift } : 'dueAt' in c ? { dueAt: null } : { ...c };
    await patchTask(m, w, user, task, changes);
  }
  override toString = () => `patch(u${this.user}, #${this.task}, ${JSON.stringify(this.change)})`;
}

/** PATCHes the task and applies the same change to the model (or expects the 400 it predicts). */
async function patchTask(
  m: ReferenceModel,
  w: World,
  user: ModelUser,
  task: ModelTask,
  changes: Partial<TaskFieldsInput>,
) {
  const body: Record<string, unknown> = { ...changes };
  if ('dueAt' in changes) {
    delete body.dueAt;
    body.due_at = iso(changes.dueAt ?? null);
  }
  const res = await w.driver.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body });
  const invalid = ReferenceModel.invalidField({
    dueAt: changes.dueAt === undefined ? task.dueAt : changes.dueAt,
    reminders: changes.reminders ?? task.reminders,
    recurrence: changes.recurrence === undefined ? task.recurrence : changes.recurrence,
  });
  if (invalid) {
    note(w, 'rejected as invalid (400)');
    return expectStatus(res, 400, 'patch with a cross-field error');
  }
  expectStatus(res, 200, 'patch');
  m.patch(task, changes);
  await settleAndCompare(m, w);
}

/** Edit back and forth: a change, then the same fields back to what they were. */
class EditBack extends Patch {
  override async act(m: ReferenceModel, w: World) {
    const { task } = this.target(m);
    const before: Partial<TaskFieldsInput> = {
      title: task.title,
      priority: task.priority,
      tags: task.tags,
      dueAt: task.dueAt,
      reminders: task.reminders,
      recurrence: task.recurrence,
    };
    await super.act(m, w);
    const user = userAt(m, this.user);
    const touched = Object.keys(
      'dueShift' in this.change || 'dueAt' in this.change ? { dueAt: 0 } : this.change,
    ) as (keyof TaskFieldsInput)[];
    if (m.tasks.has(task.id)) {
      await patchTask(m, w, user, task, Object.fromEntries(touched.map((k) => [k, before[k]])));
    }
  }
  override toString = () => `editBack(u${this.user}, #${this.task}, ${JSON.stringify(this.change)})`;
}

class Complete extends OnTask {
  override async act(m: ReferenceModel, w: World) {
    const { user, task } = this.target(m);
    const res = await w.driver.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    expectStatus(res, 200, 'complete');
    m.complete(task);
    await settleAndCompare(m, w);
  }
  override toString = () => `complete(u${this.user}, #${this.task})`;
}

/** The checkbox clicked twice: complete, wait, reopen (undo). */
class Undo extends OnTask {
  override async act(m: ReferenceModel, w: World) {
    await new Complete(this.user, this.task).act(m, w);
    await new Reopen(this.user, 0).act(m, w);
  }
  override toString = () => `undo(u${this.user}, #${this.task})`;
}

class Reopen extends OnTask {
  override async act(m: ReferenceModel, w: World) {
    const { user, task } = this.target(m);
    const res = await w.driver.call('POST', `/api/v1/tasks/${task.id}/reopen`, { token: user.token });
    const armed = task.reminders.length > 0 && task.status === 'completed';
    const outcome = m.reopen(task);
    if (outcome === 'reopened' && armed) note(w, 'reopened with reminders');
    if (outcome === 'conflict') note(w, 'reopen refused (409)');
    expectStatus(res, outcome === 'conflict' ? 409 : 200, `reopen (${outcome})`);
    await settleAndCompare(m, w);
  }
  override toString = () => `reopen(u${this.user}, #${this.task})`;
}

/** Clicks in quick succession, no waiting in between: the asynchronous effects race the clicks. */
class Burst extends OnTask {
  constructor(
    user: number,
    task: number,
    readonly clicks: ('complete' | 'reopen')[],
  ) {
    super(user, task);
  }
  override async act(m: ReferenceModel, w: World) {
    const { user, task } = this.target(m);
    for (const click of this.clicks) {
      const res = await w.driver.call('POST', `/api/v1/tasks/${task.id}/${click}`, { token: user.token });
      // Without waiting, the model cannot know whether a next occurrence exists yet: it only
      // knows the api's answer, and reconciles after the settle.
      if (click === 'complete') {
        expectStatus(res, 200, 'burst complete');
        m.complete(task);
      } else if (res.status === 409) {
        if (m.reopen(task) !== 'conflict') throw new Mismatch('burst reopen: a 409 the model did not expect', res.body);
      } else {
        expectStatus(res, 200, 'burst reopen');
        m.reopen(task);
      }
    }
    await settleAndCompare(m, w);
  }
  override toString = () => `burst(u${this.user}, #${this.task}, ${this.clicks.join('→')})`;
}

class Delete extends OnTask {
  constructor(
    user: number,
    task: number,
    readonly scope: 'occurrence' | 'series',
  ) {
    super(user, task);
  }
  override async act(m: ReferenceModel, w: World) {
    const { user, task } = this.target(m);
    const res = await w.driver.call('DELETE', `/api/v1/tasks/${task.id}?scope=${this.scope}`, { token: user.token });
    expectStatus(res, 204, 'delete');
    m.delete(task, this.scope);
    await settleAndCompare(m, w);
  }
  override toString = () => `delete(u${this.user}, #${this.task}, ${this.scope})`;
}

class Advance extends Step {
  constructor(readonly ms: number) {
    super();
  }
  override check = () => true;
  override async act(m: ReferenceModel, w: World) {
    await w.driver.advance(this.ms);
    m.advance(this.ms);
    await settleAndCompare(m, w);
  }
  override toString = () => `advance(${this.ms / 1000}s)`;
}

class Restart extends Step {
  constructor(readonly app: string) {
    super();
  }
  override check = () => true;
  override async act(m: ReferenceModel, w: World) {
    await w.driver.restart(this.app);
    await settleAndCompare(m, w);
  }
  override toString = () => `restart(${this.app})`;
}

class List extends Step {
  constructor(
    readonly user: number,
    readonly query: ListQuery,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.users.length > 0;
  override async act(m: ReferenceModel, w: World) {
    await compareList(m, w.driver, userAt(m, this.user), this.query);
  }
  override toString = () => `list(u${this.user}, ${JSON.stringify(this.query)})`;
}

/** A task outside your projects answers 404 to reads and writes alike, and stays as it was. */
class Peek extends Step {
  constructor(
    readonly user: number,
    readonly owner: number,
    readonly task: number,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.users.length > 1;
  override async act(m: ReferenceModel, w: World) {
    const owner = userAt(m, this.owner);
    const task = m.pick(owner.id, this.task);
    if (!task) return;
    // A task outside your projects: anyone who is not a member of its project.
    const others = m.users.filter((u) => !m.canSee(u.id, task));
    const intruder = others[this.user % Math.max(1, others.length)];
    if (!intruder) return;
    for (const [method, path, body] of [
      ['GET', `/api/v1/tasks/${task.id}`, undefined],
      ['PATCH', `/api/v1/tasks/${task.id}`, { title: 'mine now' }],
      ['POST', `/api/v1/tasks/${task.id}/complete`, undefined],
      ['DELETE', `/api/v1/tasks/${task.id}`, undefined],
    ] as const) {
      expectStatus(
        await w.driver.call(method, path, { token: intruder.token, body }),
        404,
        `${method} of another's task`,
      );
    }
    await compareTasks(m, w.driver, owner);
  }
  override toString = () => `peek(u${this.user} at u${this.owner}'s #${this.task})`;
}

/**
 * Shares one of the owner's tasks with another user: a project of the owner's that the other is a
 * member of (made, invited and accepted first if there is none), the task moved there and assigned
 * to them — its reminders are theirs from now on.
 */
class Share extends Step {
  constructor(
    readonly owner: number,
    readonly guest: number,
    readonly task: number,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) =>
    m.users.length > 1 && m.tasksOf(userAt(m as ReferenceModel, this.owner).id).length > 0;
  override async act(m: ReferenceModel, w: World) {
    const owner = userAt(m, this.owner);
    const others = m.users.filter((u) => u.id !== owner.id);
    const guest = others[this.guest % others.length] as ModelUser;
    let project = m.projects.find((p) => p.ownerId === owner.id && p.members.has(guest.id));
    if (!project) {
      const made = await w.driver.call('POST', '/api/v1/projects', {
        token: owner.token,
        body: { name: `${owner.name} & ${guest.name} ${m.projects.length}` },
      });
      expectStatus(made, 201, 'create a project');
      const invited = await w.driver.call('POST', `/api/v1/projects/${made.body.id}/invitations`, {
        token: owner.token,
        body: { email: guest.email, role: 'editor' },
      });
      expectStatus(invited, 201, 'invite');
      const accepted = await w.driver.call('POST', `/api/v1/invitations/${made.body.id}/accept`, {
        token: guest.token,
      });
      expectStatus(accepted, 204, 'accept');
      project = { id: made.body.id, ownerId: owner.id, members: new Set([owner.id, guest.id]) };
      m.projects.push(project);
      note(w, 'projects shared');
    }
    const task = m.pick(owner.id, this.task) as ModelTask;
    const res = await w.driver.call('PATCH', `/api/v1/tasks/${task.id}`, {
      token: owner.token,
      body: { project_id: project.id, assignee_id: guest.id },
    });
    expectStatus(res, 200, 'move and assign');
    if (m.share(task, project.id, guest.id) && task.live.size) note(w, 'reminders reassigned');
    await settleAndCompare(m, w);
  }
  override toString = () => `share(u${this.owner}'s #${this.task} with u${this.guest})`;
}

/** A member changes a task someone else created, in a project they share. */
class MemberPatch extends Step {
  constructor(
    readonly user: number,
    readonly task: number,
    readonly change: Change,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => {
    const user = userAt(m as ReferenceModel, this.user);
    return m.users.length > 1 && m.visibleTo(user.id).some((t) => t.userId !== user.id);
  };
  override async act(m: ReferenceModel, w: World) {
    const user = userAt(m, this.user);
    const task = m.pickShared(user.id, this.task) as ModelTask;
    const c = this.change;
    const changes: Partial<TaskFieldsInput> =
      'dueShift' in c ? { dueAt: (task.dueAt ?? m.now) + c.dueShift } : 'dueAt' in c ? { dueAt: null } : { ...c };
    await patchTask(m, w, user, task, changes);
  }
  override toString = () => `memberPatch(u${this.user}, shared #${this.task}, ${JSON.stringify(this.change)})`;
}

/**
 * The owner removes a member: the project's tasks answer them 404 from then on, and the tasks they
 * were assigned are unassigned (their reminders go back to the creator).
 */
class RemoveMember extends Step {
  constructor(
    readonly project: number,
    readonly member: number,
  ) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.projects.some((p) => p.members.size > 1);
  override async act(m: ReferenceModel, w: World) {
    const shared = m.projects.filter((p) => p.members.size > 1);
    const project = shared[this.project % shared.length] as ModelProject;
    const guests = [...project.members].filter((id) => id !== project.ownerId);
    const memberId = guests[this.member % guests.length] as string;
    const owner = m.users.find((u) => u.id === project.ownerId) as ModelUser;
    const member = m.users.find((u) => u.id === memberId) as ModelUser;
    const res = await w.driver.call('DELETE', `/api/v1/projects/${project.id}/members/${memberId}`, {
      token: owner.token,
    });
    expectStatus(res, 204, 'remove a member');
    m.removeMember(project, memberId);
    for (const task of [...m.tasks.values()].filter((t) => t.projectId === project.id && !m.canSee(memberId, t))) {
      expectStatus(
        await w.driver.call('GET', `/api/v1/tasks/${task.id}`, { token: member.token }),
        404,
        'GET of a task of a project one was removed from',
      );
      note(w, 'tasks hidden by a removal');
    }
    await settleAndCompare(m, w);
  }
  override toString = () => `removeMember(project ${this.project}, member ${this.member})`;
}

class Audit extends Step {
  constructor(readonly user: number) {
    super();
  }
  override check = (m: Readonly<ReferenceModel>) => m.users.length > 0;
  override async act(m: ReferenceModel, w: World) {
    await w.driver.converge(() => compareAudit(w.driver, userAt(m, this.user)));
  }
  override toString = () => `audit(u${this.user})`;
}

/** One or two filters at a time (all of them at once would match nothing, and test little). */
const listFiltersFor = (p: Profile): fc.Arbitrary<Partial<ListQuery>> => {
  const filters: fc.Arbitrary<Partial<ListQuery>>[] = [
    fc.constantFrom('open' as const, 'completed' as const).map((status) => ({ status })),
    fc.subarray(priorities, { minLength: 1, maxLength: 2 }).map((priority) => ({ priority })),
    fc
      .tuple(fc.subarray(['home', 'work', 'bills'], { minLength: 1, maxLength: 2 }), fc.boolean())
      .map(([tag, tagsAll]) => ({ tag, tagsAll })),
    fc.boolean().map((recurring) => ({ recurring })),
    fc
      .constantFrom(...words)
      .chain((w) => fc.integer({ min: 2, max: w.length }).map((n) => w.slice(0, n)))
      .map((q) => ({ q })),
  ];
  if (p.timeFilters) {
    filters.push(
      fc.constantFrom(-DAY, -HOUR, 0, HOUR).map((dueAfter) => ({ dueAfter })),
      fc.constantFrom(0, HOUR, DAY, 7 * DAY).map((dueBefore) => ({ dueBefore })),
      fc.boolean().map((overdue) => ({ overdue })),
    );
  }
  return fc.array(fc.oneof(...filters), { maxLength: 2 }).map((parts) => Object.assign({}, ...parts));
};

const sortKeys = ['priority', 'due_at', 'created_at', 'updated_at', 'title'] as const;
const listQueryFor = (p: Profile): fc.Arbitrary<ListQuery> =>
  fc
    .tuple(
      listFiltersFor(p),
      fc.uniqueArray(
        fc.record({
          // Where time is real, created_at/updated_at are the server's to the millisecond: not sorted on.
          key: fc.constantFrom(...sortKeys.filter((k) => p.timeFilters || !k.endsWith('_at') || k === 'due_at')),
          desc: fc.boolean(),
        }),
        { maxLength: 2, selector: (s) => s.key },
      ),
      fc.integer({ min: 1, max: 7 }),
    )
    .map(([filters, sort, limit]) => ({
      ...filters,
      sort: p.timeFilters || sort.length ? sort : [{ key: 'title' as const, desc: false }],
      limit,
    }));

const user = fc.nat(5);
/** Mostly the task touched last (0), often one of the last few, sometimes any. */
const task = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.nat(3) },
  { weight: 1, arbitrary: fc.nat(30) },
);

const weighted = (...entries: [number, fc.Arbitrary<Step>][]) =>
  entries.flatMap(([weight, arbitrary]) => (weight > 0 ? Array.from({ length: weight }, () => arbitrary) : []));

/** Every command of the check, weighted roughly by how often people do it to a task list. */
export function commandsFor(p: Profile) {
  const fields = fieldsFor(p);
  const change = changeFor(p);
  return weighted(
    [1, fc.constantFrom(...zones).map((z) => new Register(z))],
    [4, fc.tuple(user, fields).map(([u, f]) => new Create(u, f))],
    [3, fc.tuple(user, task, change).map(([u, t, c]) => new Patch(u, t, c))],
    [3, fc.tuple(user, task).map(([u, t]) => new Complete(u, t))],
    [2, fc.tuple(user, task).map(([u, t]) => new Reopen(u, t))],
    [2, fc.tuple(user, task).map(([u, t]) => new Undo(u, t))],
    [2, fc.tuple(user, task, change).map(([u, t, c]) => new EditBack(u, t, c))],
    [
      2,
      fc
        .tuple(
          user,
          task,
          fc.array(fc.constantFrom('complete' as const, 'reopen' as const), { minLength: 2, maxLength: 5 }),
        )
        .map(([u, t, c]) => new Burst(u, t, c)),
    ],
    [
      1,
      fc
        .tuple(user, task, fc.constantFrom('occurrence' as const, 'series' as const))
        .map(([u, t, s]) => new Delete(u, t, s)),
    ],
    [
      p.advanceSteps.length ? 4 : 0,
      fc.constantFrom(...(p.advanceSteps.length ? p.advanceSteps : [0])).map((ms) => new Advance(ms)),
    ],
    [p.restarts ? 1 : 0, fc.constantFrom(...reactingServices).map((a) => new Restart(a))],
    [2, fc.tuple(user, listQueryFor(p)).map(([u, q]) => new List(u, q))],
    [1, fc.tuple(user, user, task).map(([u, o, t]) => new Peek(u, o, t))],
    [1, fc.nat(5).map((u) => new Audit(u))],
    [2, fc.tuple(user, user, task).map(([o, g, t]) => new Share(o, g, t))],
    [2, fc.tuple(user, task, change).map(([u, t, c]) => new MemberPatch(u, t, c))],
    [1, fc.tuple(fc.nat(5), fc.nat(5)).map(([p, g]) => new RemoveMember(p, g))],
  );
}
