import { useEffect, useState } from 'preact/hooks';
import { ApiError, call } from '../client/api.ts';
import type { NotificationPage, User } from '../client/types.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';

/** The in-app notifications (reminders that fired), newest first. */
export function Inbox(props: { user: User; refreshKey: number; onChanged(): void }) {
  const [page, setPage] = useState<NotificationPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let current = true;
    call<NotificationPage>('GET', '/notifications?limit=50')
      .then((p) => {
        if (!current) return;
        setPage(p);
        setError(null);
      })
      .catch(
        (err) => current && setError(err instanceof ApiError ? err : new ApiError(0, 'Could not load', String(err))),
      );
    return () => {
      current = false;
    };
  }, [props.refreshKey]);

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
      props.onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    }
  }

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <div class="row row--between">
        <h2 id="inbox-title">Notifications</h2>
        <button
          type="button"
          disabled={!page?.unread_count}
          onClick={() => run(() => call('POST', '/notifications/read-all'))}
        >
          Mark all read
        </button>
      </div>
      <ErrorBanner error={error} />
      <output class="status">{page ? `${page.unread_count} unread` : 'Loading…'}</output>
      {page?.items.length === 0 && (
        <p class="empty">Nothing here yet. Reminders you set show up here when they fire.</p>
      )}
      <ul class="notifications">
        {page?.items.map((n) => (
          <li key={n.id} class={`notification${n.read_at ? '' : ' notification--unread'}`}>
            <div>
              <h3>{n.title}</h3>
              {n.body && <p>{n.body}</p>}
              <p class="meta">
                <time dateTime={n.created_at}>{formatDateTime(n.created_at, props.user.timezone)}</time>
                {!n.read_at && <span class="badge">unread</span>}
              </p>
            </div>
            {!n.read_at && (
              <button
                type="button"
                onClick={() => run(() => call('POST', `/notifications/${n.id}/read`))}
                aria-label={`Mark read: “${n.title}”`}
              >
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
