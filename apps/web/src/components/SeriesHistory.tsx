import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import { describeRule } from '../client/rrule.ts';
import type { TaskPage, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';

/** A recurring series: what is due next, every completed occurrence, and stopping the series. */
export function SeriesHistory(props: { user: User; seriesId: string; refreshKey: number }) {
  const page = useApi<TaskPage>(`/tasks?series_id=${props.seriesId}&sort=-due_at&limit=100`, props.refreshKey);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const items = page.data?.items ?? [];
  const open = items.find((t) => t.status === 'open');
  const done = items.filter((t) => t.status === 'completed');
  const latest = open ?? items[0];
  const when = (iso: string | null) => (iso ? formatDateTime(iso, props.user.timezone) : '—');

  async function stop() {
    if (!open) return;
    setError(null);
    try {
      await call('DELETE', `/tasks/${open.id}?scope=series`);
      setConfirming(false);
      setStatus('The series is stopped. Completed occurrences stay as history.');
      page.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }

  return (
    <section aria-labelledby="series-title">
      <p>
        <a href="#tasks">← Back to tasks</a>
      </p>
      <h2 id="series-title">Series: {latest ? `“${latest.title}”` : '…'}</h2>
      {latest?.recurrence && (
        <p class="hint">
          Repeats {describeRule(latest.recurrence)} · times in {latest.timezone}
        </p>
      )}
      <ErrorBanner error={error ?? page.error} />
      <output class="status">{status}</output>
      <div class="card">
        <h3>Next due</h3>
        {page.loading && !page.data ? (
          <p>Loading…</p>
        ) : open ? (
          <>
            <p>
              <time dateTime={open.due_at ?? ''}>{when(open.due_at)}</time>
            </p>
            {confirming ? (
              <fieldset class="confirm">
                <legend>Stop the series? The open occurrence is deleted and no new one follows.</legend>
                <button type="button" class="danger" onClick={stop}>
                  Stop the series
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </fieldset>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Stop series…
              </button>
            )}
          </>
        ) : (
          <p>Nothing: the series has ended or was stopped.</p>
        )}
      </div>
      <h3 id="series-done">Completed occurrences ({done.length})</h3>
      {done.length === 0 && !page.loading && <p class="empty">None completed yet.</p>}
      <ol class="rows" aria-labelledby="series-done">
        {done.map((t) => (
          <li key={t.id} class="row-item">
            <div>
              <p>
                Due <time dateTime={t.due_at ?? ''}>{when(t.due_at)}</time>
              </p>
              <p class="meta">
                completed <time dateTime={t.completed_at ?? ''}>{when(t.completed_at)}</time>
                <a href={`#history/${t.id}`}>History</a>
              </p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
