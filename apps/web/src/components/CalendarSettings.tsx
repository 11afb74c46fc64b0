import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import type { CalendarFeed, CreatedCalendarFeed, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner } from './Field.tsx';
import { SecretOnce } from './SecretOnce.tsx';

/** The secret iCalendar URL: create (shown once), replace, revoke. */
export function CalendarSettings({ user }: { user: User }) {
  const feed = useApi<CalendarFeed>('/calendar/feed');
  const [created, setCreated] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<'replace' | 'revoke' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const active = feed.data?.active ?? false;

  async function run(action: () => Promise<string>) {
    setError(null);
    setStatus('');
    try {
      setStatus(await action());
      setConfirming(null);
      feed.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }
  const create = () =>
    run(async () => {
      const made = await call<CreatedCalendarFeed>('POST', '/calendar/feed');
      // The page's own origin: what this browser reached the server as.
      setCreated(new URL(made.path, location.origin).href);
      return active ? 'A new URL is ready; the old one no longer works.' : 'Your calendar URL is ready.';
    });
  const revoke = () =>
    run(async () => {
      await call('DELETE', '/calendar/feed');
      setCreated(null);
      return 'The calendar URL is revoked: calendars subscribed to it stop updating.';
    });

  return (
    <section aria-labelledby="calendar-title">
      <h2 id="calendar-title">Calendar feed</h2>
      <p class="hint">
        Subscribe to your open tasks with due dates from Google Calendar, Apple Calendar, Outlook or Thunderbird. Each
        task is a 30-minute event at its due time; a repeating task is one repeating event; reminders become alarms.
        Calendars refresh subscriptions on their own schedule (often every few hours).
      </p>
      <p class="hint">
        The URL is the key: anyone who has it can read your open tasks. It is shown once; replace or revoke it if it
        leaks.
      </p>
      {created && (
        <>
          <SecretOnce id="calendar-url" label="Your calendar URL" value={created} onDone={() => setCreated(null)} />
          <p>
            <a class="button" href={created.replace(/^https?:/, 'webcal:')}>
              Open in my calendar app
            </a>
          </p>
        </>
      )}
      <ErrorBanner error={error ?? feed.error} />
      <output class="status">{status}</output>
      <div class="card">
        <p>
          {feed.loading && !feed.data
            ? 'Loading…'
            : active && feed.data?.created_at
              ? `A calendar URL (${feed.data.prefix}…) exists since ${formatDateTime(feed.data.created_at, user.timezone)}.`
              : 'You have no calendar URL.'}
        </p>
        {confirming ? (
          <fieldset class="confirm">
            <legend>
              {confirming === 'replace'
                ? 'Replace the URL? Calendars using the old one stop updating.'
                : 'Revoke the URL? Calendars using it stop updating.'}
            </legend>
            <button type="button" class="danger" onClick={confirming === 'replace' ? create : revoke}>
              {confirming === 'replace' ? 'Replace the URL' : 'Revoke the URL'}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </fieldset>
        ) : active ? (
          <div class="row">
            <button type="button" onClick={() => setConfirming('replace')}>
              Replace URL…
            </button>
            <button type="button" class="danger" onClick={() => setConfirming('revoke')}>
              Revoke URL…
            </button>
          </div>
        ) : (
          <button type="button" class="primary" onClick={create}>
            Create calendar URL
          </button>
        )}
      </div>
    </section>
  );
}
