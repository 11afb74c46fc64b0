import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError, call, query } from '../client/api.ts';
import type { AuditEvent, AuditPage, ChainReport, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';

const LABEL: Record<string, string> = {
  'task.created': 'Created',
  'task.updated': 'Changed',
  'task.completed': 'Completed',
  'task.deleted': 'Deleted',
  'task.recurrence': 'Next occurrence scheduled',
  'task.overdue': 'Became overdue',
  'reminder.scheduled': 'Reminder scheduled',
  'reminder.due': 'Reminder sent',
  'notification.created': 'Notification',
  'user.updated': 'Profile changed',
  'user.deleted': 'Account deleted',
};

/** One line about an event: the task's title and, for changes, which fields. */
function summary(event: AuditEvent): string {
  const p = event.envelope.payload ?? {};
  const task = (p.task ?? p) as { title?: unknown };
  const parts: string[] = [];
  if (typeof task.title === 'string') parts.push(`“${task.title}”`);
  if (p.changes && typeof p.changes === 'object') parts.push(`fields: ${Object.keys(p.changes).join(', ')}`);
  if (p.scope === 'series') parts.push('the whole series');
  return parts.join(' · ');
}

/**
 * The audit trail — of the whole account, or of one task — newest first, with the hash chain's
 * verification (recomputed by the audit service on request).
 */
export function AuditLog(props: { user: User; taskId?: string; title?: string }) {
  const [items, setItems] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const verify = useApi<ChainReport>('/audit/verify');
  const filter = query({ task_id: props.taskId, limit: 25, cursor });

  useEffect(() => {
    let current = true;
    setLoading(true);
    call<AuditPage>('GET', `/audit/events${filter}`)
      .then((page) => {
        if (!current) return;
        setItems((before) => (cursor ? [...before, ...page.items] : page.items));
        setNext(page.next_cursor);
        setError(null);
      })
      .catch((err) => current && setError(asApiError(err, 'Could not load the audit log')))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [filter, cursor]);

  const report = verify.data;
  const heading = props.taskId ? `History of “${props.title ?? 'task'}”` : 'Activity';
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{heading}</h2>
      <p class="hint">
        Every change is appended to a tamper-evident log: each entry carries the hash of the one before it.
        {props.taskId ? ' This task’s entries are shown; the chain covers your whole account.' : ''}
      </p>
      <div class={`card chain ${report ? (report.ok ? 'chain--ok' : 'chain--broken') : ''}`}>
        <div class="row row--between">
          <output class="block">
            {verify.loading && !report
              ? 'Verifying the chain…'
              : report?.ok
                ? `Chain verified: ${report.rows_checked} entr${report.rows_checked === 1 ? 'y' : 'ies'} intact${report.head ? `, head #${report.head.seq}` : ''}.`
                : report?.first_broken
                  ? `Chain broken at entry #${report.first_broken.seq}: ${report.first_broken.detail}`
                  : ''}
          </output>
          <button type="button" onClick={verify.reload}>
            Verify again
          </button>
        </div>
        {report?.head && (
          <p class="meta">
            Head hash <span class="mono break">{report.head.hash}</span>
          </p>
        )}
      </div>
      <ErrorBanner error={error ?? verify.error} />
      <output class="status">
        {loading ? 'Loading…' : `${items.length} entr${items.length === 1 ? 'y' : 'ies'} shown`}
      </output>
      {!loading && items.length === 0 && <p class="empty">Nothing recorded yet.</p>}
      <ol class="rows audit" aria-label="Audit entries">
        {items.map((e) => (
          <li key={e.event_id} class="row-item">
            <div>
              <h3>
                <span class="seq">#{e.seq}</span> {LABEL[e.event_type] ?? e.event_type}
              </h3>
              <p class="meta">
                <time dateTime={e.occurred_at}>{formatDateTime(e.occurred_at, props.user.timezone)}</time>
                <span class="mono">{e.event_type}</span>
                {summary(e) && <span>{summary(e)}</span>}
              </p>
              <p class="meta">
                hash <span class="mono">{e.hash.slice(0, 16)}…</span>
              </p>
            </div>
          </li>
        ))}
      </ol>
      {next && (
        <button type="button" onClick={() => setCursor(next)} disabled={loading}>
          Load older entries
        </button>
      )}
    </section>
  );
}
