import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import {
  type BrowserNotificationState,
  browserNotificationState,
  disableBrowserNotifications,
  enableBrowserNotifications,
} from '../client/browser-notifications.ts';
import type { NotificationKind, NotificationPreferences, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { ErrorBanner, Field } from './Field.tsx';
import { KIND_LABEL } from './Webhooks.tsx';

const KINDS: NotificationKind[] = ['reminder', 'overdue', 'next_occurrence'];
const KIND_HINT: Record<NotificationKind, string> = {
  reminder: 'at the times you set on a task',
  overdue: 'when a task’s due time passes and it is still open',
  next_occurrence: 'when completing a repeating task schedules the next one',
};

const toggle = (list: NotificationKind[], kind: NotificationKind, on: boolean) =>
  on ? KINDS.filter((k) => k === kind || list.includes(k)) : list.filter((k) => k !== kind);

/** Which kinds go where (inbox, each webhook), quiet hours, and this browser's own notifications. */
export function NotificationSettings(_props: { user: User }) {
  const loaded = useApi<NotificationPreferences>('/notifications/preferences');
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [quiet, setQuiet] = useState(false);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('07:00');
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const fields = error?.byField() ?? {};

  useEffect(() => {
    const p = loaded.data;
    if (!p) return;
    setPrefs(p);
    setQuiet(!!p.quiet_hours);
    if (p.quiet_hours) {
      setStart(p.quiet_hours.start);
      setEnd(p.quiet_hours.end);
    }
  }, [loaded.data]);

  async function save(e: Event) {
    e.preventDefault();
    if (!prefs) return;
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const saved = await call<NotificationPreferences>('PUT', '/notifications/preferences', {
        in_app: prefs.in_app,
        webhooks: prefs.webhooks.map((w) => ({ webhook_id: w.webhook_id, kinds: w.kinds })),
        quiet_hours: quiet ? { start, end } : null,
      });
      setPrefs(saved);
      setStatus('Saved.');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const setInApp = (kind: NotificationKind, on: boolean) =>
    prefs && setPrefs({ ...prefs, in_app: toggle(prefs.in_app, kind, on) });
  const setHook = (id: string, kind: NotificationKind, on: boolean) =>
    prefs &&
    setPrefs({
      ...prefs,
      webhooks: prefs.webhooks.map((w) => (w.webhook_id === id ? { ...w, kinds: toggle(w.kinds, kind, on) } : w)),
    });

  return (
    <section aria-labelledby="prefs-title">
      <h2 id="prefs-title">Notifications</h2>
      <ErrorBanner error={error ?? loaded.error} />
      {!prefs ? (
        <p>Loading…</p>
      ) : (
        <form class="card" onSubmit={save} noValidate aria-labelledby="prefs-title">
          <fieldset>
            <legend>What goes where</legend>
            <div class="table-scroll">
              <table class="matrix">
                <caption class="sr-only">Notification kinds by channel</caption>
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Inbox (and this page)</th>
                    {prefs.webhooks.map((w) => (
                      <th key={w.webhook_id} scope="col" class="break">
                        Webhook {w.description || w.url}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {KINDS.map((kind) => (
                    <tr key={kind}>
                      <th scope="row">
                        {KIND_LABEL[kind]}
                        <span class="hint block">{KIND_HINT[kind]}</span>
                      </th>
                      <td>
                        <input
                          type="checkbox"
                          checked={prefs.in_app.includes(kind)}
                          onChange={(e) => setInApp(kind, e.currentTarget.checked)}
                          aria-label={`${KIND_LABEL[kind]} in the inbox`}
                        />
                      </td>
                      {prefs.webhooks.map((w) => (
                        <td key={w.webhook_id}>
                          <input
                            type="checkbox"
                            checked={w.kinds.includes(kind)}
                            onChange={(e) => setHook(w.webhook_id, kind, e.currentTarget.checked)}
                            aria-label={`${KIND_LABEL[kind]} to webhook ${w.description || w.url}`}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {prefs.webhooks.length === 0 && (
              <p class="hint">
                Add a <a href="#settings/webhooks">webhook</a> to send notifications to another service.
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend>Quiet hours</legend>
            <div class="check">
              <input
                id="quiet-on"
                type="checkbox"
                checked={quiet}
                onChange={(e) => setQuiet(e.currentTarget.checked)}
              />
              <label for="quiet-on">Hold notifications back during quiet hours</label>
            </div>
            <p class="hint" id="quiet-hint">
              In your time zone ({prefs.timezone}). Notifications raised while it is quiet wait and all arrive when
              quiet hours end — none is lost. Those of high-priority tasks come at once.
            </p>
            {quiet && (
              <div class="row">
                <Field id="quiet-start" label="From" error={fields.quiet_hours}>
                  {(aria) => (
                    <input {...aria} type="time" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
                  )}
                </Field>
                <Field id="quiet-end" label="Until">
                  {(aria) => <input {...aria} type="time" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />}
                </Field>
              </div>
            )}
          </fieldset>
          <button type="submit" class="primary" disabled={busy}>
            Save preferences
          </button>
          <output class="status">{status}</output>
        </form>
      )}
      <BrowserNotifications />
    </section>
  );
}

const BROWSER_TEXT: Record<BrowserNotificationState, string> = {
  unsupported: 'This browser cannot show notifications.',
  denied: 'This browser blocks notifications from tasktide: allow them in the site settings to turn them on.',
  off: 'Off in this browser: new notifications show as a message at the bottom of the page only.',
  on: 'On in this browser: new notifications also show as system notifications while tasktide is open.',
};

/** This browser's system notifications (a per-browser choice; the page must be open). */
function BrowserNotifications() {
  const [state, setState] = useState<BrowserNotificationState>(browserNotificationState);
  return (
    <section class="card" aria-labelledby="browser-title">
      <h3 id="browser-title">Browser notifications</h3>
      <output class="block">{BROWSER_TEXT[state]}</output>
      {state === 'off' && (
        <button type="button" onClick={async () => setState(await enableBrowserNotifications())}>
          Turn on browser notifications
        </button>
      )}
      {state === 'on' && (
        <button type="button" onClick={() => setState(disableBrowserNotifications())}>
          Turn off browser notifications
        </button>
      )}
    </section>
  );
}
