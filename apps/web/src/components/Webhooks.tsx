import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError, call } from '../client/api.ts';
import type { CreatedWebhook, Delivery, User, Webhook } from '../client/types.ts';
import { useApi } from '../client/use-api.ts';
import { formatDateTime } from '../client/zone.ts';
import { ErrorBanner, Field } from './Field.tsx';
import { SecretOnce } from './SecretOnce.tsx';

export const KIND_LABEL: Record<string, string> = {
  reminder: 'Reminders',
  overdue: 'Overdue tasks',
  next_occurrence: 'Next occurrence created',
};

/** Signed webhooks: create (secret shown once), send a test, read the delivery log, redeliver, remove. */
export function Webhooks({ user }: { user: User }) {
  const list = useApi<Webhook[]>('/webhooks');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const fields = error?.byField() ?? {};
  const active = list.data?.filter((w) => w.active) ?? [];

  async function create(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await call<CreatedWebhook>('POST', '/webhooks', { url, description }));
      setUrl('');
      setDescription('');
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p class="hint">
        tasktide POSTs notifications to these URLs, signed the Standard Webhooks way (<code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>). Which kinds each one gets is set under
        Notifications.
      </p>
      {created && (
        <SecretOnce
          id="new-webhook-secret"
          label={`Signing secret for ${created.url}`}
          value={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
      <form class="card" onSubmit={create} noValidate aria-labelledby="webhook-create-title">
        <h3 id="webhook-create-title">Add a webhook</h3>
        <ErrorBanner error={error} />
        <Field id="webhook-url" label="URL" error={fields.url} hint="https, on the public internet">
          {(aria) => (
            <input
              {...aria}
              type="url"
              inputMode="url"
              value={url}
              onInput={(e) => setUrl(e.currentTarget.value)}
              placeholder="https://example.com/hooks/tasktide"
            />
          )}
        </Field>
        <Field id="webhook-description" label="Description" error={fields.description}>
          {(aria) => <input {...aria} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="primary">
          Add webhook
        </button>
      </form>
      <ErrorBanner error={list.error} />
      <output class="status">
        {list.data ? `${active.length} webhook${active.length === 1 ? '' : 's'}` : 'Loading…'}
      </output>
      <ul class="rows" aria-label="Webhooks">
        {active.map((w) => (
          <WebhookItem key={w.id} hook={w} user={user} onRemoved={list.reload} />
        ))}
      </ul>
    </section>
  );
}

function WebhookItem(props: { hook: Webhook; user: User; onRemoved(): void }) {
  const { hook } = props;
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const log = useApi<Delivery[]>(open ? `/webhooks/${hook.id}/deliveries` : null);
  const name = hook.description || hook.url;
  // While something is on its way, the log refreshes itself (once a second) until it has landed.
  const pending = open && !!log.data?.some((d) => d.status === 'pending');
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(log.reload, 1_000);
    return () => clearTimeout(timer);
  }, [pending, log.data, log.reload]);

  async function run(action: () => Promise<unknown>, done: string) {
    setError(null);
    setStatus('');
    try {
      await action();
      setStatus(done);
      log.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  }
  const test = () =>
    run(async () => {
      await call('POST', `/webhooks/${hook.id}/test`);
      setOpen(true);
    }, 'Test delivery queued.');
  const remove = () => run(() => call('DELETE', `/webhooks/${hook.id}`), 'Removed.').then(props.onRemoved);

  return (
    <li class="row-item row-item--stack">
      <div class="row row--between">
        <div class="grow">
          <h3 class="break">{name}</h3>
          <p class="meta">
            <span class="mono break">{hook.url}</span>
            <span>added {formatDateTime(hook.created_at, props.user.timezone)}</span>
            <span>
              gets: {(hook.kinds ?? []).length ? hook.kinds.map((k) => KIND_LABEL[k] ?? k).join(', ') : 'nothing'}
            </span>
          </p>
        </div>
        <div class="task-actions">
          <button type="button" onClick={test} aria-label={`Send test to “${name}”`}>
            Send test
          </button>
          <button
            type="button"
            aria-expanded={open}
            aria-controls={`log-${hook.id}`}
            onClick={() => setOpen(!open)}
            aria-label={`Delivery log of “${name}”`}
          >
            Delivery log
          </button>
          {confirming ? (
            <>
              <button type="button" class="danger" onClick={remove}>
                Remove now
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" class="danger" onClick={() => setConfirming(true)} aria-label={`Remove “${name}”`}>
              Remove
            </button>
          )}
        </div>
      </div>
      <ErrorBanner error={error ?? log.error} />
      <output class="status">{status}</output>
      {open && (
        <div id={`log-${hook.id}`} class="log">
          <div class="row row--between">
            <h4>Deliveries (latest 100)</h4>
            <button type="button" onClick={log.reload}>
              Refresh
            </button>
          </div>
          {log.data?.length === 0 && <p class="empty">Nothing sent yet.</p>}
          <div class="table-scroll">
            <table>
              <caption class="sr-only">Deliveries to {name}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {log.data?.map((d) => (
                  <tr key={d.id} data-delivery-id={d.id}>
                    <td>
                      <time dateTime={d.created_at}>{formatDateTime(d.created_at, props.user.timezone)}</time>
                    </td>
                    <td class="mono">{d.event_type}</td>
                    <td>
                      <span class={`badge badge--${d.status}`}>{d.status}</span>
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.last_error ?? (d.last_status ? `HTTP ${d.last_status}` : '—')}</td>
                    <td>
                      <button
                        type="button"
                        onClick={() =>
                          run(() => call('POST', `/webhooks/deliveries/${d.id}/redeliver`), 'Queued again.')
                        }
                        aria-label={`Redeliver ${d.event_type} of ${formatDateTime(d.created_at, props.user.timezone)}`}
                      >
                        Redeliver
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </li>
  );
}
