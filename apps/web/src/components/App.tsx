import { useCallback, useEffect, useState } from 'preact/hooks';
import { call, onSignedOut } from '../client/api.ts';
import { connectLive, type LiveStatus } from '../client/live.ts';
import { loadSession, saveSession } from '../client/session.ts';
import type { NotificationPage, Session, Task, TaskInput } from '../client/types.ts';
import { AuthForm } from './AuthForm.tsx';
import { Inbox } from './Inbox.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { TaskForm } from './TaskForm.tsx';
import { TaskList } from './TaskList.tsx';

type View = 'tasks' | 'inbox';
/** The view a location hash names; other hashes (the skip link's #main) leave the view as it is. */
const viewOf = (hash: string): View | null =>
  hash === '#inbox' ? 'inbox' : hash === '#tasks' || hash === '' ? 'tasks' : null;

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signOut = useCallback(() => {
    saveSession(null);
    setSession(null);
  }, []);
  useEffect(() => onSignedOut(signOut), [signOut]);
  if (!session)
    return (
      <AuthForm
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  return <Home session={session} onSignOut={signOut} />;
}

const LIVE_LABEL: Record<LiveStatus, string> = { connecting: 'Connecting…', live: 'Live', offline: 'Offline' };

function Home({ session, onSignOut }: { session: Session; onSignOut(): void }) {
  const user = session.user;
  const [view, setView] = useState<View>(() => viewOf(location.hash) ?? 'tasks');
  const [tasksKey, setTasksKey] = useState(0);
  const [inboxKey, setInboxKey] = useState(0);
  const [unread, setUnread] = useState(0);
  const [live, setLive] = useState<LiveStatus>('connecting');
  const [announcement, setAnnouncement] = useState('');
  const [editing, setEditing] = useState<{ task?: Task; draft?: Partial<TaskInput> } | null>(null);
  const refreshTasks = useCallback(() => setTasksKey((k) => k + 1), []);
  const refreshInbox = useCallback(() => setInboxKey((k) => k + 1), []);

  useEffect(() => {
    const onHash = () => setView((current) => viewOf(location.hash) ?? current);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(
    () =>
      connectLive({
        token: session.access_token,
        onStatus: setLive,
        onResync: () => {
          refreshTasks();
          refreshInbox();
        },
        onEvent: (event) => {
          if (event.event_type.startsWith('task.')) refreshTasks();
          if (event.event_type === 'notification.created') {
            refreshInbox();
            setAnnouncement(`New notification: ${String(event.payload.title ?? '')}`);
          }
        },
      }),
    [session.access_token, refreshTasks, refreshInbox],
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
          <a href="#tasks" aria-current={view === 'tasks' ? 'page' : undefined}>
            Tasks
          </a>
          <a href="#inbox" aria-current={view === 'inbox' ? 'page' : undefined}>
            Inbox{' '}
            <span class="count" aria-hidden="true">
              {unread}
            </span>
            <span class="sr-only">({unread} unread)</span>
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
        {view === 'tasks' ? (
          <>
            <QuickAdd onCreated={refreshTasks} onEdit={(draft) => setEditing({ draft })} />
            <div class="row row--between">
              <p class="hint">Times are shown in {user.timezone}.</p>
              <button type="button" class="primary" onClick={() => setEditing({})}>
                New task
              </button>
            </div>
            <TaskList
              user={user}
              refreshKey={tasksKey}
              onEdit={(task) => setEditing({ task })}
              onChanged={refreshTasks}
            />
          </>
        ) : (
          <Inbox user={user} refreshKey={inboxKey} onChanged={refreshInbox} />
        )}
      </main>
      <div class="sr-only" aria-live="polite">
        {announcement}
      </div>
      {editing && (
        <TaskForm
          user={user}
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
