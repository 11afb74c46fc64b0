import { useState } from 'preact/hooks';
import { ApiError, call } from '../client/api.ts';
import type { Session, User } from '../client/types.ts';
import { browserZone, knownZones } from '../client/zone.ts';
import { ErrorBanner, Field } from './Field.tsx';

/** Sign in, or create an account and sign in with it. */
export function AuthForm({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const [mode, setMode] = useState<'signin' | 'signup'>('signin');
  const [form, setForm] = useState({ email: '', password: '', display_name: '', timezone: browserZone() });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldErrors = error?.byField() ?? {};
  const set = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signup') await call<User>('POST', '/auth/register', form);
      onSignedIn(await call<Session>('POST', '/auth/login', { email: form.email, password: form.password }));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', String(err)));
    } finally {
      setBusy(false);
    }
  }

  const signup = mode === 'signup';
  return (
    <main class="auth" id="main">
      <h1>tasktide</h1>
      <form class="card" onSubmit={submit} noValidate aria-labelledby="auth-title">
        <h2 id="auth-title">{signup ? 'Create your account' : 'Sign in'}</h2>
        <ErrorBanner error={error} />
        <Field id="auth-email" label="Email" error={fieldErrors.email}>
          {(aria) => (
            <input {...aria} type="email" autocomplete="email" value={form.email} onInput={set('email')} required />
          )}
        </Field>
        <Field
          id="auth-password"
          label="Password"
          error={fieldErrors.password}
          hint={signup ? 'At least 10 characters' : undefined}
        >
          {(aria) => (
            <input
              {...aria}
              type="password"
              autocomplete={signup ? 'new-password' : 'current-password'}
              value={form.password}
              onInput={set('password')}
              required
            />
          )}
        </Field>
        {signup && (
          <>
            <Field id="auth-name" label="Display name" error={fieldErrors.display_name}>
              {(aria) => (
                <input {...aria} autocomplete="name" value={form.display_name} onInput={set('display_name')} required />
              )}
            </Field>
            <Field
              id="auth-zone"
              label="Time zone"
              error={fieldErrors.timezone}
              hint="Due dates are shown in this zone"
            >
              {(aria) => <input {...aria} list="zones" value={form.timezone} onInput={set('timezone')} required />}
            </Field>
            <datalist id="zones">
              {knownZones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {signup ? 'Create account' : 'Sign in'}
        </button>
        <p>
          {signup ? 'Already have an account? ' : 'New here? '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(signup ? 'signin' : 'signup');
              setError(null);
            }}
          >
            {signup ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
