import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import type { Session, User } from '../client/types.ts';
import { knownZones } from '../client/zone.ts';
import { ErrorBanner, Field } from './Field.tsx';

/** Profile (name, time zone), password, and deleting the account — each its own form. */
export function AccountSettings(props: { session: Session; onSession(s: Session): void; onSignOut(): void }) {
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <p class="hint">Signed in as {props.session.user.email}.</p>
      <Profile {...props} />
      <Password {...props} />
      <DeleteAccount {...props} />
    </section>
  );
}

function useForm() {
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  async function run(e: Event, action: () => Promise<string | undefined>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      setStatus((await action()) ?? '');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }
  return { error, status, busy, run, fields: error?.byField() ?? {} };
}

function Profile({ session, onSession }: { session: Session; onSession(s: Session): void }) {
  const [name, setName] = useState(session.user.display_name);
  const [zone, setZone] = useState(session.user.timezone);
  const form = useForm();
  const save = (e: Event) =>
    form.run(e, async () => {
      const user = await call<User>('PATCH', '/me', { display_name: name, timezone: zone });
      onSession({ ...session, user });
      return 'Saved.';
    });
  return (
    <form class="card" onSubmit={save} noValidate aria-labelledby="profile-title">
      <h3 id="profile-title">Profile</h3>
      <ErrorBanner error={form.error} />
      <Field id="profile-name" label="Display name" error={form.fields.display_name}>
        {(aria) => <input {...aria} autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field
        id="profile-zone"
        label="Time zone"
        error={form.fields.timezone}
        hint="Dates are shown in it, quiet hours and the daily digest follow it, and new tasks default to it. Existing tasks keep the zone they were created in."
      >
        {(aria) => (
          <input {...aria} list="profile-zones" value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        )}
      </Field>
      <datalist id="profile-zones">
        {knownZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <button type="submit" class="primary" disabled={form.busy}>
        Save profile
      </button>
      <output class="status">{form.status}</output>
    </form>
  );
}

function Password({ onSession }: { onSession(s: Session): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const form = useForm();
  const save = (e: Event) =>
    form.run(e, async () => {
      onSession(await call<Session>('POST', '/auth/password', { current_password: current, new_password: next }));
      setCurrent('');
      setNext('');
      return 'Password changed. Other devices are signed out; API tokens keep working.';
    });
  return (
    <form class="card" onSubmit={save} noValidate aria-labelledby="password-title">
      <h3 id="password-title">Password</h3>
      <ErrorBanner error={form.error} />
      <Field id="password-current" label="Current password" error={form.fields.current_password}>
        {(aria) => (
          <input
            {...aria}
            type="password"
            autocomplete="current-password"
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field id="password-new" label="New password" error={form.fields.new_password} hint="At least 10 characters">
        {(aria) => (
          <input
            {...aria}
            type="password"
            autocomplete="new-password"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        )}
      </Field>
      <button type="submit" class="primary" disabled={form.busy}>
        Change password
      </button>
      <output class="status">{form.status}</output>
    </form>
  );
}

function DeleteAccount({ onSignOut }: { onSignOut(): void }) {
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const form = useForm();
  const remove = (e: Event) =>
    form.run(e, async () => {
      await call('POST', '/me/delete', { password });
      onSignOut();
      return undefined;
    });
  return (
    <form class="card card--danger" onSubmit={remove} noValidate aria-labelledby="delete-title">
      <h3 id="delete-title">Delete the account</h3>
      <p>Deleting is immediate and cannot be undone:</p>
      <ul class="plain-list">
        <li>your tasks, API tokens and calendar feed are removed at once;</li>
        <li>reminders, notifications, preferences and webhooks follow within moments;</li>
        <li>
          kept: the audit log (append-only by design; it records the deletion), events already in the message log until
          their retention ends, and backups.
        </li>
      </ul>
      <ErrorBanner error={form.error} />
      <Field
        id="delete-password"
        label="Password, to confirm"
        error={form.fields.password ?? form.fields.current_password}
      >
        {(aria) => (
          <input
            {...aria}
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        )}
      </Field>
      <div class="check">
        <input
          id="delete-understood"
          type="checkbox"
          checked={understood}
          onChange={(e) => setUnderstood(e.currentTarget.checked)}
        />
        <label for="delete-understood">I understand this deletes my account for good</label>
      </div>
      <button type="submit" class="danger" disabled={form.busy || !understood || !password}>
        Delete my account
      </button>
    </form>
  );
}
