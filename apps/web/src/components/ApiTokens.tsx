import { useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import type { ApiToken, CreatedApiToken, User } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner, Field } from './Field.tsx';
import { SecretOnce } from './SecretOnce.tsx';

/** Personal API tokens (`tt_…`): create (shown once), list, revoke. */
export function ApiTokens({ user }: { user: User }) {
  const list = useApi<ApiToken[]>('/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const fields = error?.byField() ?? {};

  async function create(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const body = { name, ...(days ? { expires_in_days: Number(days) } : {}) };
      setCreated(await call<CreatedApiToken>('POST', '/tokens', body));
      setName('');
      setDays('');
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }
  async function revoke(id: string) {
    setError(null);
    try {
      await call('DELETE', `/tokens/${id}`);
      setConfirming(null);
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }
  const when = (iso: string | null, none: string) => (iso ? formatDateTime(iso, user.timezone) : none);

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p class="hint">
        For scripts and other apps: send <code>Authorization: Bearer tt_…</code>. A token acts as you until it expires
        or you revoke it; changing your password does not end it.
      </p>
      {created && (
        <SecretOnce
          id="new-token"
          label={`New token “${created.name}”`}
          value={created.token}
          onDone={() => setCreated(null)}
        />
      )}
      <form class="card" onSubmit={create} noValidate aria-labelledby="token-create-title">
        <h3 id="token-create-title">Create a token</h3>
        <ErrorBanner error={error} />
        <div class="row row--end">
          <Field id="token-name" label="Name" error={fields.name} hint="What it is for, e.g. “backup script”">
            {(aria) => <input {...aria} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id="token-days" label="Expires after (days)" error={fields.expires_in_days} hint="Empty: never">
            {(aria) => (
              <input
                {...aria}
                type="number"
                min={1}
                max={3650}
                inputMode="numeric"
                value={days}
                onInput={(e) => setDays(e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      <ErrorBanner error={list.error} />
      <output class="status">
        {list.data ? `${list.data.length} active token${list.data.length === 1 ? '' : 's'}` : 'Loading…'}
      </output>
      <ul class="rows" aria-label="Active tokens">
        {list.data?.map((t) => (
          <li key={t.id} class="row-item">
            <div>
              <h3>{t.name}</h3>
              <p class="meta">
                <span class="mono">{t.prefix}…</span>
                <span>created {when(t.created_at, '')}</span>
                <span>expires {when(t.expires_at, 'never')}</span>
                <span>last used {when(t.last_used_at, 'never')}</span>
              </p>
            </div>
            {confirming === t.id ? (
              <fieldset class="confirm">
                <legend class="sr-only">Revoke “{t.name}”?</legend>
                <button type="button" class="danger" onClick={() => revoke(t.id)}>
                  Revoke now
                </button>
                <button type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </fieldset>
            ) : (
              <button
                type="button"
                class="danger"
                onClick={() => setConfirming(t.id)}
                aria-label={`Revoke “${t.name}”`}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
