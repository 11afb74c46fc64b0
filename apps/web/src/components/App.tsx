import { can } from '@tasktide/access';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { call, onSignedOut } from '../client/api.ts';
import { showBrowserNotification } from '../client/browser-notifications.ts';
import { connectLive, type LiveStatus } from '../client/live.ts';
import { loadSession, saveSession } from '../client/session.ts';
import type {
  InvitationList,
  NotificationPage,
  Project,
  ProjectList,
  Session,
  Task,
  TaskInput,
} from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { AuditLog } from './AuditLog.tsx';
import { AuthForm } from './AuthForm.tsx';
import { Inbox } from './Inbox.tsx';
import { ProjectDialog } from './ProjectDialog.tsx';
import { ProjectSidebar } from './ProjectSidebar.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { SeriesHistory } from './SeriesHistory.tsx';
import { SETTINGS_SECTIONS, Settings, type SettingsSection } from './Settings.tsx';
import { TaskForm } from './TaskForm.tsx';
import { TaskHistory } from './TaskHistory.tsx';
import { TaskList } from './TaskList.tsx';
import { type Toast, Toasts } from './Toasts.tsx';

type View =
  | { name: 'tasks' | 'inbox' | 'activity' }
  | { name: 'settings'; section: SettingsSection }
  | { name: 'series' | 'history'; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The view a location hash names; other hashes (the skip link's #main) leave the view as it is. */
export function viewOf(hash: string): View | null {
  const [name = '', arg = ''] = hash.replace(/^#/, '').split('/');
  if (name === '' || name === 'tasks') return { name: 'tasks' };
  if (name === 'inbox' || name === 'activity') return { name };
  if (name === 'settings') {
    const section = SETTINGS_SECTIONS.find(([id]) => id === arg)?.[0] ?? 'account';
    return { name: 'settings', section };
  }
  if ((name === 'series' || name === 'history') && UUID.test(arg)) return { name, id: arg };
  return null;
}

const TITLES: Record<View['name'], string> = {
  tasks: 'Tasks',
  inbox: 'Inbox',
  activity: 'Activity',
  settings: 'Settings',
  series: 'Series',
  history: 'Task history',
};

/** True while the user types somewhere: single-key shortcuts must not fire then. */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !!target.closest('dialog'));

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signOut = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  useEffect(() => onSignedOut(signOut), [signOut]);
  const keep = useCallback((s: Session) => {
    saveSession(s);
    setSession(s);
  }, []);
  if (!session) return <AuthForm onSignedIn={keep} />;
  return <Home session={session} onSession={keep} onSignOut={signOut} />;
}

const LIVE_LABEL: Record<LiveStatus, string> = { connecting: 'Connecting…', live: 'Live', offline: 'Offline' };

function Home({ session, onSession, onSignOut }: { session: Session; onSession(s: Session): void; onSignOut(): void }) {
  const user = session.user;
  const [view, setView] = useState<View>(() => viewOf(location.hash) ?? { name: 'tasks' });
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: string) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const [tasksKey, setTasksKey] = useState(0);
  const [inboxKey, setInboxKey] = useState(0);
  const [unread, setUnread] = useState(0);
  const [live, setLive] = useState<LiveStatus>('connecting');
  const [editing, setEditing] = useState<{ task?: Task; draft?: Partial<TaskInput> } | null>(null);
  const refreshTasks = useCallback(() => setTasksKey((k) => k + 1), []);
  const refreshInbox = useCallback(() => setInboxKey((k) => k + 1), []);
  const [projectsKey, setProjectsKey] = useState(0);
  const refreshProjects = useCallback(() => setProjectsKey((k) => k + 1), []);
  const projectList = useApi<ProjectList>('/projects', projectsKey);
  const invitations = useApi<InvitationList>('/invitations', projectsKey);
  const projects = projectList.data?.items ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  // The project list as it was when one was picked: a project just made is not in it yet.
  const pickedFrom = useRef<ProjectList | null>(null);
  const select = useCallback(
    (id: string | null) => {
      pickedFrom.current = projectList.data;
      setSelected(id);
    },
    [projectList.data],
  );
  const [managing, setManaging] = useState<string | null>(null);
  const managed = projects.find((p) => p.id === managing);
  // A project that went away (deleted, left) stops filtering the list once a newer list says so.
  const current = projects.find((p) => p.id === selected);
  useEffect(() => {
    if (selected && projectList.data && projectList.data !== pickedFrom.current && !current) setSelected(null);
  }, [selected, projectList.data, current]);

  useEffect(() => {
    const onHash = () => setView((current) => viewOf(location.hash) ?? current);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${TITLES[view.name]} · tasktide`;
  }, [view.name]);

  // "q" anywhere (outside a field) goes to quick add, as in Todoist.
  const [quickAddFocus, setQuickAddFocus] = useState(0);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'q' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      e.preventDefault();
      if (location.hash !== '#tasks') history.pushState(null, '', '#tasks');
      setView({ name: 'tasks' });
      setQuickAddFocus((n) => n + 1);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  useEffect(
    () =>
      connectLive({
        token: session.access_token,
        onStatus: setLive,
        onResync: () => {
          refreshTasks();
          refreshInbox();
          refreshProjects();
        },
        onProjectRemoved: () => {
          refreshProjects();
          refreshTasks();
        },
        onEvent: (event) => {
          if (event.event_type.startsWith('task.') || event.event_type.startsWith('comment.')) refreshTasks();
          if (event.event_type.startsWith('project.') || event.event_type.startsWith('member.')) {
            refreshProjects();
            refreshTasks();
          }
          if (event.event_type === 'notification.created') {
            refreshInbox();
            const toast = {
              id: String(event.payload.notification_id ?? event.event_id),
              title: String(event.payload.title ?? 'Notification'),
              body: String(event.payload.body ?? ''),
            };
            setToasts((list) => [...list.filter((t) => t.id !== toast.id), toast].slice(-3));
            showBrowserNotification(toast);
          }
        },
      }),
    [session.access_token, refreshTasks, refreshInbox, refreshProjects],
  );
  useEffect(() => {
    call<NotificationPage>('GET', '/notifications?unread=true&limit=1')
      .then((p) => setUnread(p.unread_count))
      .catch(() => {});
  }, [inboxKey]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1 class="brand">tasktide</h1>
        <nav aria-label="Main">
          <a href="#tasks" aria-current={view.name === 'tasks' ? 'page' : undefined}>
            Tasks
          </a>
          <a href="#inbox" aria-current={view.name === 'inbox' ? 'page' : undefined}>
            Inbox{' '}
            <span class="count" aria-hidden="true">
              {unread}
            </span>
            <span class="sr-only">({unread} unread)</span>
          </a>
          <a href="#activity" aria-current={view.name === 'activity' ? 'page' : undefined}>
            Activity
          </a>
          <a href="#settings" aria-current={view.name === 'settings' ? 'page' : undefined}>
            Settings
          </a>
        </nav>
        <output class={`live live--${live}`} title="Updates from other tabs and devices">
          {LIVE_LABEL[live]}
        </output>
        <span class="user">{user.display_name}</span>
        <button type="button" class="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {view.name === 'tasks' && (
          <div class="layout">
            <ProjectSidebar
              projects={projects}
              invitations={invitations.data?.items ?? []}
              selected={selected}
              onSelect={select}
              onManage={(p: Project) => setManaging(p.id)}
              onChanged={() => {
                refreshProjects();
                refreshTasks();
              }}
            />
            <div class="layout-main">
              {current && <h2 class="project-title">{current.name}</h2>}
              <QuickAdd
                projectId={current && can(current.role, 'task.write') ? current.id : null}
                focusKey={quickAddFocus}
                onCreated={refreshTasks}
                onEdit={(draft) => setEditing({ draft })}
              />
              <div class="row row--between">
                <p class="hint">
                  Times are shown in {user.timezone}. Press <kbd>q</kbd> to quick-add from anywhere.
                </p>
                <button type="button" class="primary" onClick={() => setEditing({})}>
                  New task
                </button>
              </div>
              <TaskList
                user={user}
                refreshKey={tasksKey}
                projectId={selected}
                projects={projects}
                onEdit={(task) => setEditing({ task })}
                onChanged={refreshTasks}
              />
            </div>
          </div>
        )}
        {view.name === 'inbox' && <Inbox user={user} refreshKey={inboxKey} onChanged={refreshInbox} />}
        {view.name === 'activity' && <AuditLog user={user} />}
        {view.name === 'settings' && (
          <Settings section={view.section} session={session} onSession={onSession} onSignOut={onSignOut} />
        )}
        {view.name === 'series' && <SeriesHistory key={view.id} user={user} seriesId={view.id} refreshKey={tasksKey} />}
        {view.name === 'history' && <TaskHistory key={view.id} user={user} taskId={view.id} />}
      </main>
      <Toasts toasts={toasts} onDismiss={dismiss} />
      {managed && (
        <ProjectDialog
          key={managed.id}
          project={managed}
          user={user}
          onClose={() => setManaging(null)}
          onChanged={() => {
            refreshProjects();
            refreshTasks();
          }}
        />
      )}
      {editing && (
        <TaskForm
          user={user}
          projects={projects}
          projectId={selected}
          task={editing.task}
          draft={editing.draft}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refreshTasks();
          }}
        />
      )}
    </>
  );
}
